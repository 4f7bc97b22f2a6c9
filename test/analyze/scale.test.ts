import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/sim/index.js';
import { REPO } from '../helpers/paths.js';

/**
 * Memory follows what is in flight, not the trace's length: the same workload simulated for 10×
 * the I/Os is analyzed in a child process whose heap is capped (it would die if state grew with
 * the trace), and its live heap after full collections stays the same as for the short trace.
 */

const PROBE = `
const { analyzeTrace } = await import(process.argv[2]);
let peak = 0, n = 0;
const sample = () => { globalThis.gc(); peak = Math.max(peak, process.memoryUsage().heapUsed); };
const { analysis } = await analyzeTrace(process.argv[1], { onPath: () => { if (++n % 4000 === 0) sample(); } });
sample();
process.stdout.write(JSON.stringify({ peak, ios: analysis.ios.total }));
`;

async function simulateTo(path: string, ios: number): Promise<void> {
  const out = createWriteStream(path);
  await simulate({ preset: 'vm-cpu1', format: 'ftrace', seed: 3, params: { ios }, exactHeader: false }, { trace: out });
  await new Promise<void>((resolve) => out.end(resolve));
}

/** `threads`: IOPATH_THREADS, so both the in-place parse and the parsing thread are held to it. */
function probe(trace: string, threads: '0' | '1'): { peak: number; ios: number } {
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=48', '--input-type=module', '-e', PROBE, trace, join(REPO, 'dist', 'analyze', 'pipeline.js')], {
    encoding: 'utf8',
    env: { ...process.env, IOPATH_THREADS: threads },
  });
  if (r.status !== 0) throw new Error(`analyze under a 48 MB heap failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout) as { peak: number; ios: number };
}

describe.skipIf(!existsSync(join(REPO, 'dist', 'analyze', 'pipeline.js')))('bounded memory', { timeout: 180_000 }, () => {
  it('10× the I/Os: same live heap, within a 48 MB heap cap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iopath-scale-'));
    const small = join(dir, 'small.txt');
    const large = join(dir, 'large.txt');
    await simulateTo(small, 8_000);
    await simulateTo(large, 80_000);
    for (const threads of ['0', '1'] as const) {
      const a = probe(small, threads);
      const b = probe(large, threads);
      expect(a.ios).toBe(8_000);
      expect(b.ios).toBe(80_000);
      // Live state after collection: the same order for both (samples and sketches are bounded).
      console.log(`IOPATH_THREADS=${threads}: live heap after gc: ${(a.peak / 1e6).toFixed(1)} MB for 8k I/Os, ${(b.peak / 1e6).toFixed(1)} MB for 80k`);
      expect(b.peak / a.peak).toBeLessThan(1.5);
    }
  });
});
