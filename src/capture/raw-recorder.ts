import { open, rm, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PageLayout } from './ring-page.js';
import type { Tracefs } from './tracefs.js';

/**
 * Recording the kernel's ring buffer while the traced command runs: one loop per CPU reads
 * `per_cpu/cpuN/trace_pipe_raw` a page per read and appends the pages to a temporary file, so the
 * buffer is emptied as it fills and a capture is bounded by the disk, not by the buffer size.
 *
 * The files are opened O_NONBLOCK and read through libuv's thread pool: an empty buffer answers
 * EAGAIN at once instead of holding a thread, the event loop never waits on the kernel, and stopping
 * needs no wake-up. A fake tracefs (plain files) answers 0 at its end, taken the same way.
 *
 * While tracing runs, a loop reads only the pages the kernel has completed: it asks the CPU's
 * `stats` how many bytes are waiting and leaves the last page's worth. Reading the page the kernel is
 * still writing would copy its few events out into a page of their own (mostly empty), and the
 * reading itself makes events (this process's threads switching), so reading until EAGAIN turned a
 * 1 s probe on an idle machine into 24,000 reads and 98 MB of nearly empty pages. After tracing is
 * stopped, each CPU is drained to EAGAIN, the last page included.
 */

export interface RecorderOptions {
  layout: PageLayout;
  /** Per-CPU ring buffer size, to pace the reads. */
  bufferKb: number;
  /** Temporary file for CPU n's pages. */
  tempPath: (cpu: number) => string;
}

export interface CpuRecording {
  cpu: number;
  path: string;
  bytes: number;
  pages: number;
}

export interface RawRecorder {
  /** Reads what is left (tracing must be off by now), closes every file and returns what was recorded. */
  stop(): Promise<CpuRecording[]>;
  /** Stops without draining (unless stop() came first) and removes the temporary files; safe to call twice. */
  discard(): Promise<void>;
}

/** Poll intervals: shorter when the buffer fills fast, longer when little is coming. */
const MIN_INTERVAL_MS = 5;
const MAX_INTERVAL_MS = 100;
const FIRST_INTERVAL_MS = 20;

function pendingBytes(stats: string): number | undefined {
  const m = /^bytes:\s*(\d+)/m.exec(stats);
  return m ? Number(m[1]) : undefined;
}

function isEmptyError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK';
}

interface CpuLoop {
  cpu: number;
  pipe: FileHandle;
  stats: FileHandle | undefined;
  out: FileHandle;
  path: string;
  bytes: number;
  pages: number;
  done: Promise<void>;
}

export async function startRawRecorder(tfs: Tracefs, cpus: readonly number[], opts: RecorderOptions): Promise<RawRecorder> {
  const { pageSize, dataOffset } = opts.layout;
  const capacity = pageSize - dataOffset;
  const bufferBytes = opts.bufferKb * 1024;
  const stopping = new AbortController();
  let draining = false;
  let failure: Error | undefined;
  const loops: CpuLoop[] = [];

  /** One page, or undefined when the kernel has none ready. A short read is completed by the next ones. */
  const readPage = async (l: CpuLoop): Promise<Buffer | undefined> => {
    const page = Buffer.alloc(pageSize);
    let got = 0;
    while (got < pageSize) {
      let n: number;
      try {
        n = (await l.pipe.read(page, got, pageSize - got, null)).bytesRead;
      } catch (err) {
        if (isEmptyError(err)) n = 0;
        else throw err;
      }
      if (n === 0) break;
      got += n;
    }
    return got === 0 ? undefined : page;
  };

  const readStats = async (l: CpuLoop): Promise<number | undefined> => {
    if (!l.stats) return undefined;
    const buf = Buffer.alloc(1024);
    const { bytesRead } = await l.stats.read(buf, 0, buf.length, 0);
    return pendingBytes(buf.toString('latin1', 0, bytesRead));
  };

  /** Reads up to `budget` bytes of events (Infinity: until empty); returns the bytes read. */
  const readBatch = async (l: CpuLoop, budget: number): Promise<number> => {
    const pages: Buffer[] = [];
    let read = 0;
    while (read < budget) {
      const page = await readPage(l);
      if (!page) break;
      pages.push(page);
      read += (page.readUInt32LE(8) & 0x07ffffff) || capacity;
      if (pages.length >= 256) break;
    }
    if (pages.length > 0) {
      await l.out.writev(pages);
      l.pages += pages.length;
      l.bytes += pages.length * pageSize;
    }
    return read;
  };

  const run = async (l: CpuLoop): Promise<void> => {
    let interval = FIRST_INTERVAL_MS;
    while (!draining) {
      const pending = await readStats(l);
      // Without a `bytes:` line (old kernels), read until the pages come back less than half full.
      const budget = pending === undefined ? Infinity : pending - capacity;
      let read = 0;
      while (!draining && read < budget) {
        const got = await readBatch(l, Math.min(budget - read, 256 * capacity));
        if (got === 0 || (pending === undefined && got < capacity / 2)) break;
        read += got;
      }
      const fill = pending === undefined ? read / bufferBytes : pending / bufferBytes;
      if (fill > 0.25) interval = Math.max(MIN_INTERVAL_MS, interval / 2);
      else if (fill < 0.05) interval = Math.min(MAX_INTERVAL_MS, interval * 2);
      try {
        await sleep(interval, undefined, { signal: stopping.signal });
      } catch {
        break;
      }
    }
  };

  const drain = async (l: CpuLoop): Promise<void> => {
    // Tracing is off: nothing new arrives, so this ends; the bound guards against a file that never does.
    const maxPages = Math.ceil(bufferBytes / pageSize) * 2 + 16;
    for (let pages = l.pages; l.pages - pages < maxPages; ) if ((await readBatch(l, Infinity)) === 0) break;
  };

  const closeAll = async (): Promise<void> => {
    await Promise.allSettled(loops.flatMap((l) => [l.pipe.close(), l.out.close(), ...(l.stats ? [l.stats.close()] : [])]));
  };

  try {
    for (const cpu of cpus) {
      const path = opts.tempPath(cpu);
      const pipe = await open(tfs.path(`per_cpu/cpu${cpu}/trace_pipe_raw`), constants.O_RDONLY | constants.O_NONBLOCK);
      const stats = await open(tfs.path(`per_cpu/cpu${cpu}/stats`), 'r').catch(() => undefined);
      const out = await open(path, 'w');
      const l: CpuLoop = { cpu, pipe, stats, out, path, bytes: 0, pages: 0, done: Promise.resolve() };
      loops.push(l);
    }
  } catch (err) {
    await closeAll();
    await Promise.allSettled(loops.map((l) => rm(l.path, { force: true })));
    throw err;
  }
  for (const l of loops) {
    l.done = run(l).catch((err: Error) => {
      failure ??= new Error(`reading cpu${l.cpu}'s ring buffer failed: ${err.message}`);
    });
  }

  let finished: Promise<void> | undefined;
  const finish = (drainRest: boolean): Promise<void> => (finished ??= finishOnce(drainRest));
  const finishOnce = async (drainRest: boolean): Promise<void> => {
    draining = true;
    stopping.abort();
    await Promise.all(loops.map((l) => l.done));
    if (drainRest && !failure) {
      await Promise.all(
        loops.map((l) =>
          drain(l).catch((err: Error) => {
            failure ??= new Error(`reading cpu${l.cpu}'s ring buffer failed: ${err.message}`);
          }),
        ),
      );
    }
    await closeAll();
  };

  return {
    stop: async () => {
      await finish(true);
      if (failure) {
        await Promise.allSettled(loops.map((l) => rm(l.path, { force: true })));
        throw failure;
      }
      return loops.map((l) => ({ cpu: l.cpu, path: l.path, bytes: l.bytes, pages: l.pages }));
    },
    discard: async () => {
      await finish(false);
      await Promise.allSettled(loops.map((l) => rm(l.path, { force: true })));
    },
  };
}
