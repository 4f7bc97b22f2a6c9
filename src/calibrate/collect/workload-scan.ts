import type { BlockRqEvent, IomapBeginEvent } from '../../model/events.js';

/**
 * What the submitter's own submissions say about the fio job: engine (iocb flags: AIO_RW is
 * libaio; NOWAIT or ALLOC_CACHE io_uring; aio 0 a synchronous call, psync), direction mix,
 * random or sequential offsets, block size, O_DSYNC, forced waits of extending writes, the file's
 * size and where it starts on the disk. From iomap_dio_rw_begin when the trace has it, else from
 * the submitter's block_rq_issue.
 */

/** Bytes per sector, the unit of block_rq_issue's sector and nr_sector. */
export const SECTOR_BYTES = 512;
/** Distinct file-start candidates counted at most (a real file gives one or a few). */
const FILE_START_CANDIDATES = 64;

export interface WorkloadScan {
  begins: number;
  issues: number;
  reads: number;
  writes: number;
  libaio: number;
  ioUring: number;
  sync: number;
  dsync: number;
  forceWait: number;
  /** Submissions whose offset follows the previous one's end. */
  sequential: number;
  lengths: Map<number, number>;
  maxFileSize: number;
  /** Disk sector of file offset 0, from a begin and the issue that follows it: counts per value. */
  fileStart: Map<number, number>;
  dev: { major: number; minor: number } | null;
  fua: number;
  /** Directions of the submitter's block requests (sync DIO begins carry no WRITE flag). */
  issueReads: number;
  issueWrites: number;
  lastBegin: IomapBeginEvent | null;
  prevEnd: number;
}

export function createWorkloadScan(): WorkloadScan {
  return {
    begins: 0,
    issues: 0,
    reads: 0,
    writes: 0,
    libaio: 0,
    ioUring: 0,
    sync: 0,
    dsync: 0,
    forceWait: 0,
    sequential: 0,
    lengths: new Map(),
    maxFileSize: 0,
    fileStart: new Map(),
    dev: null,
    fua: 0,
    issueReads: 0,
    issueWrites: 0,
    lastBegin: null,
    prevEnd: -1,
  };
}

const bump = (m: Map<number, number>, k: number): void => {
  m.set(k, (m.get(k) ?? 0) + 1);
};

export function scanBegin(w: WorkloadScan, e: IomapBeginEvent): void {
  w.begins++;
  const f = e.iocbFlags;
  if (f.includes('WRITE')) w.writes++;
  else w.reads++;
  if (e.aio === 0) w.sync++;
  else if (f.includes('AIO_RW')) w.libaio++;
  else if (f.includes('NOWAIT') || f.includes('ALLOC_CACHE')) w.ioUring++;
  else w.libaio++;
  if (f.includes('DSYNC')) w.dsync++;
  if (e.dioFlags.includes('FORCE_WAIT')) w.forceWait++;
  if (e.offset === w.prevEnd) w.sequential++;
  w.prevEnd = e.offset + e.length;
  bump(w.lengths, e.length);
  if (e.size > w.maxFileSize) w.maxFileSize = e.size;
  w.lastBegin = e;
}

export function scanIssue(w: WorkloadScan, e: BlockRqEvent): void {
  w.issues++;
  w.dev ??= e.dev;
  if (e.rwbs.includes('F') && e.rwbs.startsWith('W')) w.fua++;
  if (e.rwbs.startsWith('W')) w.issueWrites++;
  else if (e.rwbs.startsWith('R')) w.issueReads++;
  const b = w.lastBegin;
  if (b !== null) {
    w.lastBegin = null;
    const start = e.sector - b.offset / SECTOR_BYTES;
    if (w.fileStart.size < FILE_START_CANDIDATES || w.fileStart.has(start)) bump(w.fileStart, start);
    return;
  }
  // No iomap events: the block requests are the submissions.
  if (w.begins === 0) {
    if (e.sector * SECTOR_BYTES === w.prevEnd) w.sequential++;
    w.prevEnd = (e.sector + e.nrSector) * SECTOR_BYTES;
    bump(w.lengths, e.bytes > 0 ? e.bytes : e.nrSector * SECTOR_BYTES);
  }
}

/** The most frequent key of a count map. */
export function modeOf(m: Map<number, number>): number | undefined {
  let best: number | undefined;
  let n = -1;
  for (const [k, v] of m) if (v > n) (best = k), (n = v);
  return best;
}
