import { describe, expect, it } from 'vitest';
import { PRESET_NAMES, simulate } from '../../src/sim/index.js';
import { runToText, sha256 } from './helpers.js';

/**
 * Without an `onEvent` sink, ftrace text is formatted straight from the model's state
 * (src/sim/emit/ftrace-bytes.ts); with one, each event is stamped, shaped and written by the string
 * writer. Both must give the same bytes, and the figures must not depend on the path.
 */
describe('ftrace fast path writes the bytes of shape + line', () => {
  for (const preset of PRESET_NAMES) {
    it(`${preset}: same text, truth and figures with and without onEvent`, async () => {
      for (const seed of [1, 29]) {
        const opts = { preset, seed, format: 'ftrace' as const, params: { ios: 1500 } };
        const fast = await runToText(opts);
        const slow = await runToText(opts, true);
        expect(fast.text.length).toBeGreaterThan(10000);
        expect(sha256(fast.text)).toBe(sha256(slow.text));
        expect(sha256(fast.truth)).toBe(sha256(slow.truth));
        expect(fast.figures).toEqual(slow.figures);
      }
    });
  }

  it('other workloads and layouts: mixed reads and writes, sync engines, extending writes, many CPUs', async () => {
    const variants = [
      { kernel: 'legacy-4.18', rw: 'randrw' },
      { engine: 'psync' },
      { engine: 'io_uring', extent: 'extending' },
      { cpus: 12, irqCpu: 11, submitCpu: 3, deviceCompletion: 'softirq' },
    ] as const;
    for (const params of variants) {
      const opts = { seed: 5, format: 'ftrace' as const, params: { ios: 1000, ...params } };
      const fast = await runToText(opts);
      const slow = await runToText(opts, true);
      expect(sha256(fast.text)).toBe(sha256(slow.text));
    }
  });

  it('a stream sink gets the same bytes as a function sink, in chunks it may keep', async () => {
    const opts = { preset: 'seed-5.10' as const, seed: 3, format: 'ftrace' as const, params: { ios: 4000 }, batchLines: 1000 };
    const kept: Uint8Array[] = [];
    await simulate(opts, {
      trace: {
        write(c) {
          kept.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
          return true;
        },
        once: () => undefined,
      },
    });
    const fromStream = Buffer.concat(kept).toString('latin1');
    expect(sha256(fromStream)).toBe(sha256((await runToText(opts, true)).text));
  });
});
