import { describe, expect, it } from 'vitest';
import { simulateStack } from '../../../src/sim/stack/index.js';
import { runStack, sha256 } from './helpers.js';

describe('stacked presets: deterministic per seed, bounded memory', { timeout: 120_000 }, () => {
  it('the same seed gives the same trace and truth; another seed does not', () => {
    for (const preset of ['loop-disk', 'dm-crypt'] as const) {
      const a = runStack(preset, 'ftrace', 5);
      const b = runStack(preset, 'ftrace', 5);
      const c = runStack(preset, 'ftrace', 6);
      expect(sha256(a.text)).toBe(sha256(b.text));
      expect(sha256(a.truthText)).toBe(sha256(b.truthText));
      expect(sha256(a.text)).not.toBe(sha256(c.text));
    }
  });

  it('nvme-64 (64 CPUs, 16 jobs): events held for ordering do not grow with the run', () => {
    // Only events ahead of the clock are held: 4× the I/Os must not need 4× the buffer.
    const held = (iosPerJob: number): { peak: number; events: number } => {
      const f = simulateStack({ preset: 'nvme-64', params: { iosPerJob } });
      return { peak: f.peakHeld, events: f.events };
    };
    const small = held(50);
    const large = held(200);
    expect(large.events).toBeGreaterThan(3.5 * small.events);
    expect(large.peak).toBeLessThan(1.5 * small.peak + 200);
    // Bounded by what 16 jobs × iodepth 16 in flight can write ahead, not by the run.
    expect(large.peak).toBeLessThan(16 * 16 * 20);
  });
});
