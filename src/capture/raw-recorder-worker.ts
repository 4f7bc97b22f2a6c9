import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { drainAll, FIRST_INTERVAL_MS, pumpChunk, pumpOnce, type PumpConfig, type PumpCpu } from './raw-pump.js';

/**
 * The ring-buffer reader's thread: passes over the CPUs (raw-pump.ts) until the main thread says
 * stop, sleeping between passes on a shared word that the main thread changes and notifies, so a
 * stop is seen at once. The file descriptors are the main thread's (descriptors belong to the
 * process); the thread only reads and writes them, and reports the pages written per CPU.
 */

/** Values of the control word. */
export const RUN = 0;
export const STOP_AND_DRAIN = 1;
export const STOP = 2;

export interface WorkerInput {
  iopathRawRecorder: true;
  cpus: PumpCpu[];
  config: PumpConfig;
  /** One Int32 control word (RUN, STOP_AND_DRAIN, STOP). */
  control: SharedArrayBuffer;
}

export type WorkerResult = { ok: true; cpus: PumpCpu[] } | { ok: false; message: string };

function run(input: WorkerInput): WorkerResult {
  const control = new Int32Array(input.control);
  const chunk = pumpChunk(input.config.layout.pageSize);
  try {
    let interval = FIRST_INTERVAL_MS;
    while (Atomics.load(control, 0) === RUN) {
      interval = pumpOnce(input.cpus, input.config, chunk, interval);
      Atomics.wait(control, 0, RUN, interval);
    }
    if (Atomics.load(control, 0) === STOP_AND_DRAIN) drainAll(input.cpus, input.config, chunk);
    return { ok: true, cpus: input.cpus };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

if (!isMainThread && (workerData as WorkerInput | undefined)?.iopathRawRecorder) parentPort?.postMessage(run(workerData as WorkerInput));
