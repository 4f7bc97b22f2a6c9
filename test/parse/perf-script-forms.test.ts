import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/model/events.js';
import { analyze } from '../../src/index.js';
import { collect, EXCERPTS } from './helpers.js';

/**
 * `perf script` printed with common options gives the events of its default print of the same
 * samples: the excerpts `perf-script-*.txt` are cuts of one perf.data (fixtures/binary/
 * perf-randwrite.data; the callchain pair of a `-g` recording) printed each way, at the same
 * samples (fixtures/README.md). Each form's events are compared field by field with the default
 * form's, except for what that form does not print (said per case).
 */

const excerpt = (name: string): string => join(EXCERPTS, name);
const text = (lines: string[]): Readable => Readable.from([Buffer.from(`${lines.join('\n')}\n`)]);

/** An event without its input line number (the forms print different lines around the samples). */
function fields(e: TraceEvent, drop: readonly string[] = []): Record<string, unknown> {
  const o: Record<string, unknown> = { ...e };
  delete o.line;
  for (const k of drop) delete o[k];
  return o;
}

async function eventsOf(name: string) {
  return collect(excerpt(name));
}

const linesOf = (name: string): string[] => readFileSync(excerpt(name), 'utf8').split('\n').filter((l) => l.length > 0);

describe('perf script forms give the default form\'s events', () => {
  it('--show-task-events: side-band records are skipped as perf text, never malformed, and do not mislead detection', async () => {
    const { events, result } = await eventsOf('perf-script-show-task-events.txt');
    const def = await eventsOf('perf-script-default.txt');
    expect(result.format).toBe('perf');
    const records = linesOf('perf-script-show-task-events.txt').filter((l) => l.includes(': PERF_RECORD_'));
    expect(records.length).toBeGreaterThan(200);
    // The excerpt starts with nothing but records at time 0: detection still sees perf.
    expect(linesOf('perf-script-show-task-events.txt')[0]).toContain('0.000000: PERF_RECORD_');
    expect(result.diagnostics.counts()).toEqual({ perf_script_text: records.length });
    expect(events.length).toBeGreaterThan(50);
    expect(events.map((e) => fields(e))).toEqual(def.events.slice(0, events.length).map((e) => fields(e)));
  });

  it('--show-switch-events --show-namespace-events: switch records and namespace records over three lines are perf text', async () => {
    const { events, result } = await eventsOf('perf-script-show-switch-events.txt');
    const def = await eventsOf('perf-script-switch-default.txt');
    const lines = linesOf('perf-script-show-switch-events.txt');
    const switches = lines.filter((l) => l.includes(': PERF_RECORD_SWITCH_CPU_WIDE ')).length;
    const continued = lines.filter((l) => l.startsWith('\t\t')).length;
    expect(switches).toBeGreaterThan(5);
    expect(continued).toBeGreaterThanOrEqual(4);
    expect(result.diagnostics.counts()).toEqual({ perf_script_text: lines.filter((l) => l.includes('PERF_RECORD_')).length + continued });
    // A NAMESPACES record and its two continuation lines, said to be that.
    const at = lines.findIndex((l) => l.includes(': PERF_RECORD_NAMESPACES '));
    const one = await collect(text(lines.slice(at, at + 3)), { format: 'perf' });
    expect(one.result.diagnostics.summaries()[0]?.examples.map((x) => x.message)).toEqual([
      'perf side-band record PERF_RECORD_NAMESPACES skipped',
      'perf side-band record continuation line skipped',
      'perf side-band record continuation line skipped',
    ]);
    expect(events.map((e) => fields(e))).toEqual(def.events.map((e) => fields(e)));
  });

  it('-F tid,cpu,time,event,trace: the same events, named from the sched payloads where they can be', async () => {
    const { events, result } = await eventsOf('perf-script-F-tid.txt');
    const def = await eventsOf('perf-script-default.txt');
    expect(result.format).toBe('perf');
    expect(result.diagnostics.counts()).toEqual({ no_comm_column: 1 });
    expect(events.map((e) => fields(e, ['comm']))).toEqual(def.events.map((e) => fields(e, ['comm'])));
    // A learnt name is the kernel's comm, which perf's /proc name starts with (`kworker/1:1` of `kworker/1:1-events`).
    let named = 0;
    events.forEach((e, i) => {
      if (e.comm === '') return;
      named++;
      expect((def.events[i] as TraceEvent).comm.startsWith(e.comm)).toBe(true);
    });
    expect(named).toBeGreaterThan(events.length * 0.8);
    expect(named).toBeLessThan(events.length);
  });

  it('-F comm,pid,tid,…: pid/tid columns, an exited task\'s `:-1  PID/-1` included', async () => {
    const { events, result } = await eventsOf('perf-script-F-pid-tid.txt');
    const def = await eventsOf('perf-script-default-end.txt');
    expect(result.diagnostics.counts()).toEqual({});
    expect(events.map((e) => fields(e, ['tgid']))).toEqual(def.events.map((e) => fields(e)));
    const exited = events.filter((e) => e.comm === ':-1');
    expect(exited.length).toBe(1);
    expect(exited[0]?.pid).toBe(-1);
    expect(exited[0]?.tgid).toBeGreaterThan(0);
    expect(events.every((e) => e.tgid !== undefined)).toBe(true);
  });

  it('--reltime: read as times (from 0 at the first line, never going back), not as deltas', async () => {
    const { events, result } = await eventsOf('perf-script-reltime.txt');
    const ns = await eventsOf('perf-script-ns.txt');
    expect(result.detection?.times).toBeUndefined();
    expect(result.diagnostics.counts()).toEqual({});
    expect(events.map((e) => fields(e, ['ts']))).toEqual(ns.events.map((e) => fields(e, ['ts'])));
    // perf truncates `time - first time` to the µs.
    const t0 = ns.events[0]?.ts as number;
    expect(events.map((e) => e.ts)).toEqual(ns.events.map((e) => Math.floor((e.ts - t0) / 1000) * 1000));
  });

  it('--deltatime --ns: times rebuilt exactly, relative to the first line', async () => {
    const { events, result } = await eventsOf('perf-script-deltatime-ns.txt');
    const def = await eventsOf('perf-script-ns.txt');
    expect(result.detection?.times).toBe('delta');
    expect(result.diagnostics.counts()).toEqual({ delta_times: 1 });
    expect(events.map((e) => fields(e, ['ts']))).toEqual(def.events.map((e) => fields(e, ['ts'])));
    const t0 = def.events[0]?.ts as number;
    expect(events.map((e) => e.ts)).toEqual(def.events.map((e) => e.ts - t0));
  });

  it('--deltatime (µs): times rebuilt within half a µs per line of the true ones', async () => {
    const { events, result } = await eventsOf('perf-script-deltatime.txt');
    const ns = await eventsOf('perf-script-ns.txt');
    expect(result.diagnostics.counts()).toEqual({ delta_times_truncated: 1 });
    expect(events.map((e) => fields(e, ['ts']))).toEqual(ns.events.map((e) => fields(e, ['ts'])));
    const t0 = ns.events[0]?.ts as number;
    let worst = 0;
    events.forEach((e, i) => {
      const err = Math.abs(e.ts - ((ns.events[i] as TraceEvent).ts - t0));
      expect(err).toBeLessThanOrEqual(500 * i);
      worst = Math.max(worst, err);
    });
    // Read as the middle of each µs, the error stays below what reading each delta as its whole µs
    // would lose by the end (the sum of the sub-µs parts perf cut off: 48.6 µs here, against a
    // worst error of 27.2 µs; the sub-µs parts of these deltas average 326 ns, not 500).
    const lines = linesOf('perf-script-deltatime.txt');
    const nsLines = linesOf('perf-script-deltatime-ns.txt');
    const cut = lines.reduce((sum, l, i) => (i === 0 ? sum : sum + (Number(/\.\d{6}(\d{3}):/.exec(nsLines[i] as string)?.[1]) || 0)), 0);
    expect(lines.length).toBe(events.length);
    expect(worst).toBeLessThan(cut);
  });

  it('-g: callchain frames are perf text, the samples the events of -G (callchains hidden)', async () => {
    const { events, result } = await eventsOf('perf-script-g.txt');
    const hidden = await eventsOf('perf-script-G.txt');
    const frames = linesOf('perf-script-g.txt').filter((l) => l.startsWith('\t')).length;
    expect(frames).toBeGreaterThan(100);
    expect(result.diagnostics.counts()).toEqual({ perf_script_text: frames });
    expect(hidden.result.diagnostics.counts()).toEqual({});
    expect(events.map((e) => fields(e))).toEqual(hidden.events.map((e) => fields(e)));
  });
});

describe('perf script without cpu or time', () => {
  // `perf script -F tid,time,event,trace` and `-F comm,tid,cpu,event,trace` of a real capture.
  const noCpu = [
    ' 6009 41578.402807:                sched:sched_waking: comm=migration/0 pid=18 prio=0 target_cpu=000',
    ' 6009 41578.402813:                sched:sched_wakeup: comm=migration/0 pid=18 prio=0 target_cpu=000',
    ' 6009 41578.402819:                sched:sched_switch: prev_comm=perf prev_pid=6009 prev_prio=120 prev_state=D ==> next_comm=migration/0 next_pid=18 next_prio=0',
  ];
  const noTime = [
    '            perf  6009 [000]                sched:sched_waking: comm=migration/0 pid=18 prio=0 target_cpu=000',
    '            perf  6009 [000]                sched:sched_wakeup: comm=migration/0 pid=18 prio=0 target_cpu=000',
  ];

  it.each([
    ['cpu', noCpu],
    ['time', noTime],
  ])('without %s: recognised as perf, each line said to lack it, and analyze says why it cannot', async (column, lines) => {
    const { events, result } = await collect(text(lines));
    expect(events).toEqual([]);
    expect(result.format).toBe('perf');
    expect(result.detection?.reason).toContain(`without its ${column} column`);
    const malformed = result.diagnostics.summaries().find((d) => d.code === 'malformed_line');
    expect(malformed?.count).toBe(lines.length);
    expect(malformed?.examples[0]?.message).toContain(`without \`${column}\``);
    await expect(analyze(text(lines))).rejects.toThrow(new RegExp(`nothing to analyze: perf script printed without its ${column} column`));
  });

  it('lines with both are not taken for lines without', async () => {
    const { events, result } = await collect(text(linesOf('perf-script-default.txt').slice(0, 20)));
    expect(events.length).toBe(20);
    expect(result.diagnostics.counts()).toEqual({});
  });
});
