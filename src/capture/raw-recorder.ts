import { closeSync, constants, existsSync, openSync, rmSync } from 'node:fs';
import { endianness } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { drainAll, FIRST_INTERVAL_MS, pumpChunk, pumpOnce, type PumpConfig, type PumpCpu } from './raw-pump.js';
import { RUN, STOP, STOP_AND_DRAIN, type WorkerInput, type WorkerResult } from './raw-recorder-worker.js';
import type { PageLayout } from './ring-page.js';
import type { Tracefs } from './tracefs.js';

/**
 * Recording the kernel's ring buffer while the traced command runs: every CPU's
 * `per_cpu/cpuN/trace_pipe_raw` is read a page at a time into a temporary file, so the buffer is
 * emptied as it fills and a capture is bounded by the disk, not by the buffer size.
 *
 * The reading runs on a worker thread (raw-recorder-worker.ts), so the event loop, which forwards
 * signals to the command, never waits on it. Run from the TypeScript sources (the tests), the
 * worker's script is not built: the same passes then run on this thread between timers, a bounded
 * number of pages at a time.
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
  /** Whether the reading runs on its own thread. */
  threaded: boolean;
  /** Reads what is left (tracing must be off by now), closes every file and returns what was recorded. */
  stop(): Promise<CpuRecording[]>;
  /** Stops without draining (unless stop() came first) and removes the temporary files; safe to call twice. */
  discard(): Promise<void>;
}

const WORKER_URL = new URL('./raw-recorder-worker.js', import.meta.url);

function openCpus(tfs: Tracefs, cpus: readonly number[], tempPath: (cpu: number) => string): PumpCpu[] {
  const opened: PumpCpu[] = [];
  try {
    for (const cpu of cpus) {
      const c: PumpCpu = { cpu, pipeFd: -1, statsFd: undefined, outFd: -1, bytes: 0, pages: 0 };
      opened.push(c);
      c.pipeFd = openSync(tfs.path(`per_cpu/cpu${cpu}/trace_pipe_raw`), constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        c.statsFd = openSync(tfs.path(`per_cpu/cpu${cpu}/stats`), 'r');
      } catch {
        // Paced by what it reads instead.
      }
      c.outFd = openSync(tempPath(cpu), 'w');
    }
    return opened;
  } catch (err) {
    closeCpus(opened, tempPath);
    throw err;
  }
}

function closeCpus(cpus: readonly PumpCpu[], removeTemp?: (cpu: number) => string): void {
  for (const c of cpus) {
    for (const fd of [c.pipeFd, c.statsFd, c.outFd]) {
      if (fd === undefined || fd < 0) continue;
      try {
        closeSync(fd);
      } catch {
        // Already closed.
      }
    }
    c.pipeFd = c.outFd = -1;
    c.statsFd = undefined;
    if (removeTemp) rmSync(removeTemp(c.cpu), { force: true });
  }
}

/** Runs the passes on a worker thread; resolves with the final page counts. */
function onWorker(cpus: PumpCpu[], config: PumpConfig): { control: Int32Array; done: Promise<PumpCpu[]>; wake: () => void } {
  const control = new Int32Array(new SharedArrayBuffer(4));
  const input: WorkerInput = { iopathRawRecorder: true, cpus, config, control: control.buffer as SharedArrayBuffer };
  // No options of this process: V8 flags given to node are refused by a worker.
  const worker = new Worker(WORKER_URL, { workerData: input, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  const done = new Promise<PumpCpu[]>((resolve, reject) => {
    let result: WorkerResult | undefined;
    worker.once('message', (m: WorkerResult) => (result = m));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (result?.ok) resolve(result.cpus);
      else reject(new Error(result && !result.ok ? result.message : `the ring-buffer reader thread exited with status ${code}`));
    });
  });
  return { control, done, wake: () => void Atomics.notify(control, 0) };
}

/** The same passes on this thread, between timers (the tests, run from sources). */
function inThread(cpus: PumpCpu[], config: PumpConfig): { control: Int32Array; done: Promise<PumpCpu[]>; wake: () => void } {
  const control = new Int32Array(1);
  const chunk = pumpChunk(config.layout.pageSize);
  let wake = (): void => {};
  const done = (async () => {
    let interval = FIRST_INTERVAL_MS;
    while (control[0] === RUN) {
      interval = pumpOnce(cpus, { ...config, maxPages: Math.min(config.maxPages, 64) }, chunk, interval);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, interval);
        wake = () => (clearTimeout(t), resolve());
      });
    }
    if (control[0] === STOP_AND_DRAIN) drainAll(cpus, config, chunk);
    return cpus;
  })();
  return { control, done, wake: () => wake() };
}

export function startRawRecorder(tfs: Tracefs, cpus: readonly number[], opts: RecorderOptions): RawRecorder {
  const config: PumpConfig = { layout: opts.layout, littleEndian: endianness() === 'LE', bufferBytes: opts.bufferKb * 1024, maxPages: 4096 };
  const opened = openCpus(tfs, cpus, opts.tempPath);
  const threaded = existsSync(fileURLToPath(WORKER_URL));
  const runner = threaded ? onWorker(opened, config) : inThread(opened, config);
  // A failure during the run is reported by stop(); until then it must not count as unhandled.
  runner.done.catch(() => undefined);

  let finished: Promise<PumpCpu[]> | undefined;
  const finish = (how: typeof STOP | typeof STOP_AND_DRAIN): Promise<PumpCpu[]> =>
    (finished ??= (async () => {
      Atomics.store(runner.control, 0, how);
      runner.wake();
      try {
        return await runner.done;
      } finally {
        closeCpus(opened);
      }
    })());

  return {
    threaded,
    stop: async () => {
      try {
        const counted = await finish(STOP_AND_DRAIN);
        return counted.map((c) => ({ cpu: c.cpu, path: opts.tempPath(c.cpu), bytes: c.bytes, pages: c.pages }));
      } catch (err) {
        for (const c of opened) rmSync(opts.tempPath(c.cpu), { force: true });
        throw new Error(`reading the ring buffer failed: ${(err as Error).message}`);
      }
    },
    discard: async () => {
      await finish(STOP).catch(() => undefined);
      for (const c of opened) rmSync(opts.tempPath(c.cpu), { force: true });
    },
  };
}
