import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import type { TraceEvent } from '../../src/model/events.js';
import { createReorderer } from '../../src/parse/reorder.js';
import { FIXTURES, textSource } from '../helpers/paths.js';

const ev = (ts: number, cpu: number): TraceEvent => ({ kind: 'other', name: 'x', args: '', line: 0, ts, cpu, pid: 1, comm: 'a' });

describe('reorder buffer', () => {
  it('merges late events within the window and keeps equal timestamps in arrival order', () => {
    const out: TraceEvent[] = [];
    const r = createReorderer((e) => out.push(e), 100);
    for (const [ts, cpu] of [[10, 0], [50, 0], [20, 1], [50, 1], [30, 1], [300, 0], [250, 1]] as const) r.push(ev(ts, cpu));
    r.flush();
    expect(out.map((e) => [e.ts, e.cpu])).toEqual([[10, 0], [20, 1], [30, 1], [50, 0], [50, 1], [250, 1], [300, 0]]);
  });
});

describe('merged input out of time order', { timeout: 60_000 }, () => {
  it('a real excerpt whose CPUs were merged in 2 ms blocks gives the same analysis as the sorted trace', async () => {
    const text = gunzipSync(readFileSync(join(FIXTURES, 'real', 'libaio-randwrite-cpu1.ftrace.txt.gz'))).toString('utf8');
    const lines = text.split('\n').filter((l) => l.length > 0 && !l.startsWith('#'));
    // Per 2 ms block, all CPU 1 lines first, then CPU 0's: as a naive merge of per-CPU dumps would.
    const blockOf = (l: string): number => Math.floor(Number(/ (\d+\.\d+): /.exec(l)?.[1]) * 500);
    const merged: string[] = [];
    let block: string[] = [];
    let current = NaN;
    const flush = (): void => {
      merged.push(...block.filter((l) => l.includes('[001]')), ...block.filter((l) => !l.includes('[001]')));
      block = [];
    };
    for (const l of lines) {
      const b = blockOf(l);
      if (b !== current) flush();
      current = b;
      block.push(l);
    }
    flush();
    const sorted = await analyzeTrace(textSource(`${lines.join('\n')}\n`));
    const shuffled = await analyzeTrace(textSource(`${merged.join('\n')}\n`));
    expect(shuffled.analysis.input.diagnostics.out_of_order).toBeGreaterThan(10);
    expect(shuffled.analysis.ios.byMode).toEqual(sorted.analysis.ios.byMode);
    expect(shuffled.analysis.latencyUs.total?.p50).toBeCloseTo(sorted.analysis.latencyUs.total?.p50 ?? NaN, 0);
  });
});

describe('reorder buffer against a plain (time, arrival) heap', () => {
  // A window of 5000 holds ~2500 events, then ~5000: the queue's ring grows while it wraps around.
  it.each([100, 5000])('releases the same events in the same order, at the same pushes, for random disorder (window %i)', (window) => {
    let x = 12345;
    const rand = (n: number): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % n;
    };
    for (let round = 0; round < (window > 1000 ? 4 : 40); round++) {
      const late = [0, 1, 5, 50][round % 4] as number;
      const events: TraceEvent[] = [];
      let t = 0;
      const n = window > 1000 ? 11000 : 400;
      for (let i = 0; i < n; i++) {
        // Denser events from the middle on: the ring grows while its head is not at its start.
        t += i < n / 4 ? rand(5) : rand(2);
        // Some events are late (by up to twice the window), some share a timestamp.
        const ts = rand(100) < late ? t - rand(2 * window) : t;
        events.push(ev(ts, i));
      }
      const got: string[] = [];
      const r = createReorderer((e) => got.push(`${e.cpu}`), window);
      const want: string[] = [];
      const held: TraceEvent[] = [];
      let newest = -Infinity;
      for (const e of events) {
        r.push(e);
        got.push('|');
        newest = Math.max(newest, e.ts);
        // The reference: what is held kept sorted by (time, arrival), released from the front.
        let at = held.length;
        while (at > 0 && (held[at - 1] as TraceEvent).ts > e.ts) at--;
        held.splice(at, 0, e);
        while (held.length > 0 && (held[0] as TraceEvent).ts <= newest - window) want.push(`${(held.shift() as TraceEvent).cpu}`);
        want.push('|');
      }
      r.flush();
      for (const e of held) want.push(`${e.cpu}`);
      expect(got).toEqual(want);
    }
  });
});
