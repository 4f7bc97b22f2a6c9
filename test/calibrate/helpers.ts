import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate, type SimulateOptions, type TextStream } from '../../src/sim/index.js';
import type { SimulationFigures } from '../../src/sim/stats.js';

/** Writes a simulated ftrace trace to a temporary file (calibrate reads its input twice). */
export async function simulateToFile(opts: SimulateOptions): Promise<{ path: string; figures: SimulationFigures; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'iopath-cal-'));
  const path = join(dir, 'sim.txt');
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const figures = await simulate({ format: 'ftrace', ...opts }, { trace: out as unknown as TextStream });
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
  return { path, figures, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Mean and median of an empirical histogram as the simulator samples it (uniform within a bin). */
export function histogramStats(low: number, bins: readonly (readonly [number, number])[]): { mean: number; median: number } {
  const total = bins.reduce((s, [, w]) => s + w, 0);
  let mean = 0;
  let lo = low;
  let cum = 0;
  let median = NaN;
  for (const [hi, w] of bins) {
    mean += (w / total) * ((lo + hi) / 2);
    if (Number.isNaN(median) && cum + w >= total / 2) median = lo + ((total / 2 - cum) / w) * (hi - lo);
    cum += w;
    lo = hi;
  }
  return { mean, median };
}

/** Relative error of `got` against `want`. */
export const rel = (got: number, want: number): number => Math.abs(got - want) / Math.abs(want);
