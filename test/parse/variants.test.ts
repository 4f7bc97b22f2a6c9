import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/model/events.js';
import { collect, EXCERPTS } from './helpers.js';

/**
 * The six trace-cmd report variants are the same 80 lines of one trace.dat (fixtures/README.md):
 * whatever the options, the typed events must be the same, except for what each option changes by
 * design, listed here.
 */

async function load(v: string): Promise<TraceEvent[]> {
  const { events, result } = await collect(join(EXCERPTS, `trace-cmd-report-${v}.txt`));
  expect(result.format).toBe('trace-cmd');
  expect(result.diagnostics.counts()).toEqual({});
  expect(events).toHaveLength(80);
  return events;
}

/** The event without the fields an option is allowed to change. */
function core(e: TraceEvent, drop: string[]): Record<string, unknown> {
  const o: Record<string, unknown> = { ...e };
  for (const k of drop) delete o[k];
  return o;
}

describe('trace-cmd report variants of one trace.dat', () => {
  it('-N (no plugins) and -R (raw fields) give the default events in the kernel form', async () => {
    const def = await load('default');
    for (const v of ['N', 'R']) {
      const other = await load(v);
      other.forEach((e, i) => {
        const d = def[i] as TraceEvent;
        // The sched plugin prints `R` where the kernel prints `R+` (preempted), and other letters
        // for some states; -N and -R give the kernel's.
        expect(core(e, ['form', 'prevState']), `${v} line ${e.line}`).toEqual(core(d, ['form', 'prevState']));
        if (e.kind === 'sched_switch' || e.kind === 'sched_wakeup') expect(e.form).toBe('kernel');
      });
    }
    const n = await load('N');
    const r = await load('R');
    expect(r).toEqual(n);
  });

  it('-t gives nanoseconds; default µs is the same time rounded to the µs', async () => {
    const def = await load('default');
    const t = await load('t');
    t.forEach((e, i) => {
      const d = def[i] as TraceEvent;
      expect(core(e, ['ts'])).toEqual(core(d, ['ts']));
      expect(d.ts % 1000).toBe(0);
      expect(Math.abs(e.ts - d.ts)).toBeLessThanOrEqual(500);
    });
    expect(t.some((e) => e.ts % 1000 !== 0)).toBe(true);
  });

  it('-l adds flags and context, truncates the comm to 8 characters; -l -t is -l with ns', async () => {
    const def = await load('default');
    const l = await load('l');
    const lt = await load('l-t');
    const t = await load('t');
    l.forEach((e, i) => {
      const d = def[i] as TraceEvent;
      expect(core(e, ['flags', 'ctx', 'comm'])).toEqual(core(d, ['comm']));
      expect(e.comm).toBe(d.comm.slice(0, 8));
      expect(e.flags).toMatch(/^[.dDXbN][.NnpsS][.hHszZ][.\d][.\d]$/);
      expect(lt[i]).toEqual({ ...e, ts: (t[i] as TraceEvent).ts });
    });
    expect(new Set(l.map((e) => e.ctx))).toEqual(new Set(['task', 'softirq', 'hardirq']));
  });
});

/**
 * `trace-cmd report --ts-diff` (a `(+N)` column after the timestamp) and `-w` (` Latency: N usecs`
 * after a sched_switch, a summary after the events) of the 200-I/O trace.dat fixture: its last 80
 * events, and -w's summary (fixtures/README.md).
 */
describe('trace-cmd report --ts-diff and -w', () => {
  const tail = async (v: string): Promise<TraceEvent[]> => {
    const { events, result } = await collect(join(EXCERPTS, `trace-cmd-report-tail-${v}.txt`));
    expect(result.format).toBe('trace-cmd');
    expect(result.diagnostics.counts()).toEqual({});
    expect(events).toHaveLength(80);
    return events;
  };

  it('give the default print\'s events, the -w summary lines skipped', async () => {
    const def = await tail('default');
    expect(await tail('ts-diff')).toEqual(def);
    const w = await tail('w');
    expect(w).toEqual(def);
    expect(w.filter((e) => e.kind === 'sched_switch').length).toBeGreaterThan(10);
  });
});
