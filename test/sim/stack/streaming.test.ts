import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TRACE_FORMATS } from '../../../src/parse/formats.js';
import { simulateStackToStreams } from '../../../src/sim/stack/index.js';
import { runStack } from './helpers.js';

/**
 * A stack preset written to streams waits for them to drain. Run whole into a stream, the trace
 * of `--preset nvme-64 --ios 100000` (2.65 GB) left in one writev whose count Node returns as a
 * 32-bit int: what is held here is counted, so no test needs gigabytes.
 */

/**
 * A stream like a file's: it takes every chunk, says "wait" once `hwm` bytes are pending, and
 * writes them out (drains) on a later turn of the event loop. It counts the most bytes pending.
 */
function countingStream(hwm: number): { write(c: string | Uint8Array): boolean; once(ev: 'drain', f: () => void): unknown; text(): string; peak: number; refusals: number; bytes: number; biggest: number } {
  const em = new EventEmitter();
  const parts: string[] = [];
  let pending = 0;
  let scheduled = false;
  const s = {
    peak: 0,
    biggest: 0,
    refusals: 0,
    bytes: 0,
    write(c: string | Uint8Array): boolean {
      const text = typeof c === 'string' ? c : Buffer.from(c).toString('utf8');
      parts.push(text);
      const n = Buffer.byteLength(text);
      s.bytes += n;
      s.biggest = Math.max(s.biggest, n);
      pending += n;
      s.peak = Math.max(s.peak, pending);
      if (pending < hwm) return true;
      s.refusals++;
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          pending = 0;
          em.emit('drain');
        });
      }
      return false;
    },
    once: (ev: 'drain', f: () => void) => em.once(ev, f),
    text: () => parts.join(''),
  };
  return s;
}

describe('simulateStackToStreams', () => {
  it.each(TRACE_FORMATS)('holds no more than a buffer and a batch however long the run, and writes the same bytes (%s)', async (format) => {
    const params = { iosPerJob: 150 };
    const hwm = 64 << 10;
    const trace = countingStream(hwm);
    const truth = countingStream(hwm);
    const fig = await simulateStackToStreams({ preset: 'nvme-64', format, seed: 5, params }, { trace, truth });
    const inMemory = runStack('nvme-64', format, 5, params);
    expect(trace.text()).toBe(inMemory.text);
    expect(truth.text()).toBe(inMemory.truthText);
    expect(fig).toEqual(inMemory.figures);
    // Megabytes written, a small fraction ever pending: the model paused for each drain.
    expect(trace.bytes).toBeGreaterThan(40 * hwm);
    expect(trace.refusals).toBeGreaterThan(5);
    // Pending: the buffer and the one chunk that filled it (a batch of 4096 lines or rows, ~0.6 or ~2 MB).
    for (const s of [trace, truth]) {
      expect(s.peak).toBeLessThan(hwm + s.biggest);
      expect(s.biggest).toBeLessThan(4 << 20);
    }
  });

  it('waits for both streams when both push back in one step', async () => {
    const trace = countingStream(1);
    const truth = countingStream(1);
    await simulateStackToStreams({ preset: 'dm-crypt', seed: 2, params: { iosPerJob: 60 } }, { trace, truth });
    const inMemory = runStack('dm-crypt', 'ftrace', 2, { iosPerJob: 60 });
    expect(trace.text()).toBe(inMemory.text);
    expect(truth.text()).toBe(inMemory.truthText);
  });
});
