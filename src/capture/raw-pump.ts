import { readSync, writeSync } from 'node:fs';
import { commitLength, pageCommit, type PageLayout } from './ring-page.js';

/**
 * One pass of the ring-buffer reader over every CPU, synchronous: `per_cpu/cpuN/trace_pipe_raw` is
 * opened O_NONBLOCK, so a read never waits (an empty buffer answers EAGAIN, a fake tracefs's plain
 * file 0 at its end) and a page costs one syscall. Measured on this 2-CPU VM while fio ran: 14–16 µs
 * of CPU per page this way, 65–85 µs through libuv's thread pool (two thread hand-offs per page,
 * whose context switches are themselves traced events). The recorder runs it on a worker thread,
 * so the event loop never waits on it.
 *
 * While tracing runs, a pass reads only the pages the kernel has completed: it asks the CPU's
 * `stats` how many bytes wait and leaves the last page's worth. Reading the page the kernel is still
 * writing copies its few events out into a page of their own, mostly empty, and the reading makes
 * events of its own: reading to EAGAIN in a loop turned a 1 s probe of an idle machine into 24,000
 * reads and 98 MB of nearly empty pages. Once tracing is off, a draining pass reads to EAGAIN.
 */

export interface PumpCpu {
  cpu: number;
  pipeFd: number;
  /** `per_cpu/cpuN/stats`, re-read from offset 0 each pass; undefined when it cannot be opened. */
  statsFd: number | undefined;
  outFd: number;
  bytes: number;
  pages: number;
}

export interface PumpConfig {
  layout: PageLayout;
  /** This machine's byte order, the kernel's pages' too. */
  littleEndian: boolean;
  /** The per-CPU ring buffer size, to pace the passes. */
  bufferBytes: number;
  /** Pages read per CPU and pass at most (bounds a pass's length). */
  maxPages: number;
}

/** Poll intervals: shorter when the buffer fills fast, longer when little is coming. */
export const MIN_INTERVAL_MS = 5;
export const MAX_INTERVAL_MS = 100;
export const FIRST_INTERVAL_MS = 20;

const PAGES_PER_WRITE = 64;

function readOrEmpty(fd: number, buf: Buffer, at: number, length: number, position: number | null): number {
  try {
    return readSync(fd, buf, at, length, position);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return 0;
    throw err;
  }
}

const statsBuf = Buffer.alloc(1024);

/** Bytes of events waiting in the CPU's buffer (the `bytes:` line), or undefined without one. */
function pendingBytes(c: PumpCpu): number | undefined {
  if (c.statsFd === undefined) return undefined;
  const n = readOrEmpty(c.statsFd, statsBuf, 0, statsBuf.length, 0);
  const m = /^bytes:\s*(\d+)/m.exec(statsBuf.toString('latin1', 0, n));
  return m ? Number(m[1]) : undefined;
}

/**
 * Reads one CPU's pages into its file; `drain` reads until the buffer is empty (tracing is off).
 * Returns the bytes of events seen waiting (or read, without a stats file), to pace the next pass.
 */
function pumpCpu(c: PumpCpu, cfg: PumpConfig, chunk: Buffer, drain: boolean): number {
  const { pageSize, dataOffset } = cfg.layout;
  const capacity = pageSize - dataOffset;
  const pending = drain ? undefined : pendingBytes(c);
  // Without a `bytes:` line (kernels before 2.6.39) a pass reads up to maxPages.
  const budget = drain || pending === undefined ? Infinity : pending - capacity;
  let read = 0;
  let inChunk = 0;
  const flush = (): void => {
    if (inChunk === 0) return;
    writeSync(c.outFd, chunk, 0, inChunk * pageSize);
    c.pages += inChunk;
    c.bytes += inChunk * pageSize;
    inChunk = 0;
  };
  for (let n = 0; n < cfg.maxPages && read < budget; n++) {
    const at = inChunk * pageSize;
    let got = 0;
    // A short read (never seen: the kernel hands out a whole page) is completed by the next reads.
    while (got < pageSize) {
      const r = readOrEmpty(c.pipeFd, chunk, at + got, pageSize - got, null);
      if (r === 0) break;
      got += r;
    }
    if (got === 0) break;
    chunk.fill(0, at + got, at + pageSize);
    read += commitLength(pageCommit(chunk, at, cfg.layout, cfg.littleEndian)) || capacity;
    if (++inChunk === PAGES_PER_WRITE) flush();
  }
  flush();
  return pending ?? read;
}

/** A pass over every CPU; returns the interval to wait before the next one. */
export function pumpOnce(cpus: readonly PumpCpu[], cfg: PumpConfig, chunk: Buffer, interval: number): number {
  let fullest = 0;
  for (const c of cpus) fullest = Math.max(fullest, pumpCpu(c, cfg, chunk, false) / cfg.bufferBytes);
  if (fullest > 0.25) return Math.max(MIN_INTERVAL_MS, interval / 2);
  if (fullest < 0.05) return Math.min(MAX_INTERVAL_MS, interval * 2);
  return interval;
}

/** Reads every CPU's buffer to its end (tracing is off, so it ends; the bound guards a file that never does). */
export function drainAll(cpus: readonly PumpCpu[], cfg: PumpConfig, chunk: Buffer): void {
  const limit = Math.ceil(cfg.bufferBytes / cfg.layout.pageSize) * 2 + 16;
  for (const c of cpus) {
    const start = c.pages;
    for (let before = -1; c.pages !== before && c.pages - start < limit; ) {
      before = c.pages;
      pumpCpu(c, cfg, chunk, true);
    }
  }
}

/** The chunk buffer a pump needs. */
export function pumpChunk(pageSize: number): Buffer {
  return Buffer.alloc(PAGES_PER_WRITE * pageSize);
}
