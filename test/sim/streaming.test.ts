import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/sim/index.js';
import { createModel } from '../../src/sim/model.js';
import { defaultParams } from '../../src/sim/params.js';
import { PRESETS } from '../../src/sim/presets.js';
import { parseTruth } from '../../src/sim/truth.js';
import { runToText, sha256 } from './helpers.js';

/** A stream that refuses every other write until it drains (as a slow pipe does). */
function slowStream(): { write(c: string): boolean; once(ev: 'drain', f: () => void): unknown; text(): string; waits: number } {
  const em = new EventEmitter();
  const parts: string[] = [];
  let n = 0;
  const s = {
    waits: 0,
    write(c: string): boolean {
      parts.push(c);
      n++;
      if (n % 2 === 0) {
        s.waits++;
        setImmediate(() => em.emit('drain'));
        return false;
      }
      return true;
    },
    once: (ev: 'drain', f: () => void) => em.once(ev, f),
    text: () => parts.join(''),
  };
  return s;
}

describe('streaming', () => {
  it('honours backpressure and writes the same bytes', async () => {
    const opts = { preset: 'vm-cpu1' as const, params: { ios: 800 }, seed: 4, batchLines: 500 };
    const slow = slowStream();
    await simulate(opts, { trace: slow });
    const fast = await runToText(opts);
    expect(slow.waits).toBeGreaterThan(3);
    expect(sha256(slow.text())).toBe(sha256(fast.text));
  });

  it('writes one truth row per I/O with consistent stage order', async () => {
    const { truth } = await runToText({ preset: 'vm-cpu1', params: { ios: 600 }, seed: 9 });
    const rows = parseTruth(truth, 'csv');
    expect(rows.length).toBe(600);
    expect(new Set(rows.map((r) => r.id)).size).toBe(600);
    for (const r of rows) {
      const seq = [r.submit_ns, r.issue_ns, r.block_complete_ns, r.completion_ns, r.reap_ns] as number[];
      expect(seq.every((x, i) => i === 0 || x >= (seq[i - 1] as number))).toBe(true);
      if (r.mode === 'kworker-deferred') {
        expect(r.queue_work_ns).not.toBeNull();
        expect(r.execute_start_ns as number).toBeGreaterThanOrEqual(r.queue_work_ns as number);
        expect(r.completion_ns as number).toBeGreaterThanOrEqual(r.execute_start_ns as number);
      } else expect(r.queue_work_ns).toBeNull();
    }
  });

  it('holds only in-flight state: heap and dio objects do not grow with the run (not timed)', () => {
    const peak = (ios: number): { heap: number; dios: number } => {
      const p = { ...defaultParams(), ...PRESETS['seed-5.10'].params, ios };
      let dios = 0;
      const m = createModel(p, 1, (e) => {
        if (e.kind === 'workqueue_queue_work') dios = Math.max(dios, (Number.parseInt(e.work.slice(10), 16) - 0x35791000) / 0x60 + 1);
      }, () => {});
      let heap = 0;
      let steps = 0;
      m.engine.run({
        stop: () => {
          if (++steps % 64 === 0) heap = Math.max(heap, m.engine.size());
          return m.done();
        },
      });
      return { heap, dios };
    };
    const small = peak(5000);
    const large = peak(50000);
    expect(large.heap).toBeLessThanOrEqual(small.heap + 50);
    // dio objects come from a LIFO free list: their number is bounded by the I/Os in flight.
    expect(large.dios).toBeLessThanOrEqual(128 + 16);
    expect(large.dios).toBeLessThanOrEqual(small.dios + 8);
  });
});
