import { dataView, fail, u64 } from './bytes.js';
import { checkSection, featureSection, featureTable, type FileHeader } from './header.js';
import type { RecordPump } from './pump.js';
import type { ByteSource } from './source.js';

/**
 * `perf record --threads` writes its perf.data as a directory: `data` is a file-mode perf.data
 * (header, attrs, features, and the records perf synthesizes itself: COMM, MMAP, FORK of existing
 * tasks, ID_INDEX…) and every ring buffer (one per CPU with -a) has a `data.N` of its own, which
 * the writer thread of that CPU fills with its records only, no header (builtin-record.c,
 * record__mmap_evlist: perf_data__create_dir(&rec->data, evlist->core.nr_mmaps), then
 * `evlist->mmap[i].file = &rec->data.dir.files[i]`; data.c names them "%s/data.%d"). No
 * FINISHED_ROUND is written in this mode (record__mmap_read_evlist: "No need for round events in
 * directory mode, because per-cpu maps and files have data sorted by kernel"; none in the
 * directories recorded here).
 * Each file's COMPRESSED records (`-z`) form a zstd stream of their own: every writer thread has
 * its own zstd_data, and the reading side one per reader (session.c, reader__init).
 *
 * How perf reads it back (tools/perf/util/session.c, __perf_session__process_dir_events): the
 * `data` file first, then every `data.*` regular file of non-zero size in the order readdir
 * gives them (data.c, perf_data__open_dir), each as a reader; it takes 2 MiB of records
 * (READER_MAX_SIZE, counted in whole records: the one that reaches 2 MiB is the last) from each
 * reader in turn, round after round, and queues them all into ONE ordered-events queue, which,
 * with no FINISHED_ROUND, is only flushed at the end: `perf script` prints every record sorted by
 * time, records of equal time in the order they were queued.
 *
 * So records are fed to the one record queue here in exactly that order (which settles ties as
 * perf does). To keep memory bounded, after each round (one turn of every file still open) the
 * queue releases what is no newer than the oldest record of every open file's turn before last:
 * a file's later records are taken to be no older than that. A file is one ring buffer, in time
 * order but for the few records a nested interrupt delayed by microseconds: a whole turn is a wide
 * margin. A file that breaks even that gives a late record, which the delivery reports and
 * reorders as it does for any perf.data. Held are then about two turns of every file (2 MiB each, of compressed bytes
 * with `-z`, as perf counts them). Checked against `perf script` on real directories of Linux 6.18 and perf 6.1:
 * 0.26 to 75 MB, `-z` too, LOST records too: the same events, line for line.
 */

/** HEADER_DIR_FORMAT (enum HEADER_* in tools/perf/util/header.h): a u64 version. */
export const FEAT_DIR_FORMAT = 24;
/** PERF_DIR_VERSION (data.h): the only layout there is. */
const DIR_VERSION = 1;
/** READER_MAX_SIZE (session.c). */
export const TURN_BYTES = 2 << 20;


/**
 * The HEADER_DIR_FORMAT version of the `data` file, or undefined without the feature: then perf
 * reads `data` alone, as one file (perf_data__is_single_file: `perf record --kcore` writes such a
 * directory, `data` beside a `kcore_dir`).
 */
export async function dirFormatVersion(src: ByteSource, hdr: FileHeader): Promise<number | undefined> {
  const i = hdr.features.indexOf(FEAT_DIR_FORMAT);
  if (i < 0) return undefined;
  const table = featureTable(hdr);
  checkSection(table, src.size, 'feature table');
  const s = featureSection(dataView(await src.read(table.offset, table.size)), i, hdr.little);
  checkSection(s, src.size, 'HEADER_DIR_FORMAT');
  if (s.size < 8) fail(`HEADER_DIR_FORMAT section of ${s.size} bytes holds no version`);
  const v = u64(dataView(await src.read(s.offset, 8)), 0, hdr.little);
  if (v !== DIR_VERSION) fail(`perf.data directory of version ${v}: only version ${DIR_VERSION} is known`);
  return v;
}

/** One file's records: the `data` file's data section, or a whole `data.N`. */
export interface Lane {
  name: string;
  src: ByteSource;
  start: number;
  end: number;
}

/** What the reader (read.ts) gives the turns: its pumps, queue and compressed streams. */
export interface LaneHooks {
  /** A pump for the records of lane `i` (starting at `start`), into the reader's one handler. */
  pump(i: number, start: number): RecordPump;
  /** Lane `i`'s records come next: its own zstd stream becomes the current one. */
  enter(i: number): void;
  /** Lane `i` has no more records: its zstd stream is ended (the lane must be the current one). */
  finish(i: number): void;
  /** Pushes a chunk read for the current lane. */
  feed(pump: RecordPump, bytes: Uint8Array): void;
  /** The oldest time queued since the last call (Infinity: none), then forgets it. */
  takeOldest(): number;
  /** Releases the held records up to `limit`, in order. */
  release(limit: number): void;
  /**
   * A lane's records are damaged: throws when that makes the whole input unusable (nothing read
   * yet), else keeps the message; that lane is not read further, the others are.
   */
  damaged(lane: string, err: unknown): void;
  pace?: () => Promise<void> | undefined;
  onProgress?: (bytes: number) => void;
}

interface LaneState {
  pump: RecordPump;
  at: number;
  done: boolean;
  /** Oldest time of the lane's last turn with timed records, and of the one before it. */
  oldest: number;
  before: number;
}

/** Reads the lanes' records into the reader in perf's turns (see above); `chunk`: read size. */
export async function readLanes(lanes: Lane[], hooks: LaneHooks, chunk: number, little: boolean): Promise<void> {
  const st: LaneState[] = lanes.map((l, i) => ({ pump: hooks.pump(i, l.start), at: l.start, done: l.end <= l.start, oldest: -Infinity, before: -Infinity }));
  let progress = 0;

  /** One turn of lane `i`: its next 2 MiB, up to the end of the record that reaches it. */
  const turn = async (i: number): Promise<void> => {
    const lane = lanes[i] as Lane;
    const s = st[i] as LaneState;
    const target = Math.min(lane.end, s.at + TURN_BYTES);
    const read = async (to: number): Promise<void> => {
      while (s.at < to && !s.pump.stopped()) {
        await hooks.pace?.();
        const b = await lane.src.read(s.at, Math.min(chunk, to - s.at));
        if (b.length === 0) fail(`it ends at ${s.at}, before its stated end ${lane.end}: truncated`);
        s.at += b.length;
        progress += b.length;
        hooks.feed(s.pump, b);
        hooks.onProgress?.(progress);
      }
    };
    await read(target);
    // The record that straddles the 2 MiB mark is still part of this turn.
    const cut = s.pump.offset();
    if (cut < s.at && !s.pump.stopped()) {
      const h = await lane.src.read(cut, 8);
      // (A header cut short or a size under 8: the pump has stopped on it, or will at the end.)
      if (h.length === 8) await read(Math.min(lane.end, cut + dataView(h).getUint16(6, little)));
    }
    if (s.at >= lane.end || s.pump.stopped()) {
      if (s.pump.leftover() > 0) fail(`it ends inside a record after offset ${s.pump.offset()}: truncated or corrupted sizes`);
      s.done = true;
      hooks.finish(i);
    }
  };

  for (;;) {
    let open = 0;
    for (let i = 0; i < lanes.length; i++) {
      const s = st[i] as LaneState;
      if (s.done) continue;
      hooks.enter(i);
      hooks.takeOldest();
      try {
        await turn(i);
      } catch (err) {
        s.done = true;
        hooks.damaged((lanes[i] as Lane).name, err);
      }
      const oldest = hooks.takeOldest();
      if (oldest !== Infinity) {
        s.before = s.oldest;
        s.oldest = oldest;
      }
      if (!s.done) open++;
    }
    if (open === 0) return;
    // What every open lane may still deliver is no older than the oldest of its turn before last.
    let limit = Infinity;
    for (const s of st) if (!s.done && s.before < limit) limit = s.before;
    if (limit > -Infinity) hooks.release(limit);
  }
}
