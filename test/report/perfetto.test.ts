import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CPU_PID, cpuTid, IO_PID, us, type TraceEventJson } from '../../src/report/perfetto.js';
import { exportPerfetto, PERFETTO_SCHEMA } from '../../src/report/perfetto-export.js';
import { FIXTURES, ft, HAS_SHARED, SHARED_TRACES, SKIP_SHARED_REASON } from '../helpers/paths.js';
import { CPU1, EVIL, hostileTrace, tempDir } from './helpers.js';
import { checkTraceEvents } from './perfetto-check.js';

/** The Perfetto export: structure that Perfetto and DevTools need for slices and flows to bind. */

interface TraceFile {
  traceEvents: TraceEventJson[];
  metadata: { iopath: { schema: string; ios: number; flows: number } };
}

const read = (p: string): TraceFile => JSON.parse(readFileSync(p, 'utf8')) as TraceFile;

describe('perfetto export of the bundled cpu1 excerpt', () => {
  let file: TraceFile;
  let ios: number;
  beforeAll(async () => {
    const out = join(tempDir(), 'cpu1.json');
    const r = await exportPerfetto(CPU1, out);
    ios = r.ios;
    file = read(out);
  });

  it('is a traceEvents object with iopath metadata', () => {
    expect(Array.isArray(file.traceEvents)).toBe(true);
    expect(file.metadata.iopath.schema).toBe(PERFETTO_SCHEMA);
    expect(ios).toBeGreaterThan(1000);
  });

  it('has a named track per CPU, the submitter thread and the I/O process', () => {
    const meta = file.traceEvents.filter((e) => e.ph === 'M');
    const threadNames = new Map(meta.filter((e) => e.name === 'thread_name').map((e) => [e.tid, e.args?.name]));
    expect(threadNames.get(cpuTid(0))).toBe('CPU 0');
    expect(threadNames.get(cpuTid(1))).toBe('CPU 1');
    const procNames = meta.filter((e) => e.name === 'process_name').map((e) => e.args?.name);
    expect(procNames).toEqual(expect.arrayContaining(['CPUs', 'I/Os (dio)', 'fio (submitter)']));
    // Every track with slices is named.
    for (const e of file.traceEvents) if (e.ph === 'X' && e.pid === CPU_PID) expect(threadNames.has(e.tid), `tid ${e.tid}`).toBe(true);
  });

  it('has hardirq, softirq, kworker work and submitter slices on the CPU tracks', () => {
    const names = new Set(file.traceEvents.filter((e) => e.ph === 'X' && e.pid === CPU_PID).map((e) => e.name));
    expect(names).toContain('hardirq virtio1-req.0');
    expect(names).toContain('softirq BLOCK');
    expect(names).toContain('work iomap_dio_complete_work');
    expect(names).toContain('fio');
    expect([...names].some((n) => n.startsWith('kworker/1:'))).toBe(true);
  });

  it('has one async I/O slice per exported I/O, with the mode and phase times in args', () => {
    const outer = file.traceEvents.filter((e) => e.ph === 'b' && e.pid === IO_PID && e.name.endsWith(' I/O'));
    // Every I/O that completed; the few cut by the excerpt's end have markers and a flow only.
    expect(outer.length).toBeLessThanOrEqual(file.metadata.iopath.ios);
    expect(outer.length).toBeGreaterThan(0.99 * file.metadata.iopath.ios);
    expect(new Set(outer.map((e) => e.id)).size).toBe(outer.length);
    const deferred = outer.find((e) => e.args?.mode === 'kworker-deferred');
    expect(deferred?.args).toMatchObject({ mode: 'kworker-deferred', dir: 'W', bytes: 4096 });
    for (const k of ['total_us', 'device_us', 'completion_us', 'deferralWait_us', 'work_us']) expect(typeof deferred?.args?.[k], k).toBe('number');
  });

  it('has one flow per I/O with unique ids, each step on a slice with its exact ts/pid/tid/cat, binding in Perfetto', () => {
    const { flows, problems } = checkTraceEvents(file.traceEvents);
    expect(problems.slice(0, 10)).toEqual([]);
    expect(flows).toBe(file.metadata.iopath.flows);
    expect(flows).toBeGreaterThan(1000);
    // A kworker-deferred flow goes submit → block completion → kworker work item → completion.
    const first = file.traceEvents.find((e) => e.ph === 's' && e.args?.mode === 'kworker-deferred');
    const steps = file.traceEvents.filter((e) => (e.ph === 's' || e.ph === 't' || e.ph === 'f') && e.id === first?.id);
    expect(steps.map((s) => s.ph)).toEqual(['s', 't', 't', 'f']);
    expect(steps[0]?.pid).toBe(7888);
    const bound = steps.map((s) => file.traceEvents.filter((e) => e.ph === 'X' && e.ts === s.ts && e.tid === s.tid).map((e) => e.name));
    expect(bound[1]?.some((n) => n.startsWith('block complete'))).toBe(true);
    expect(bound[2]).toContain('work iomap_dio_complete_work');
    expect(bound[3]?.some((n) => n.startsWith('complete #'))).toBe(true);
  });

  it('sorts events by time after the metadata', () => {
    const ts = file.traceEvents.filter((e) => e.ph !== 'M').map((e) => e.ts ?? 0);
    expect(ts.every((t, i) => i === 0 || t >= (ts[i - 1] ?? 0))).toBe(true);
  });
});

describe('perfetto export of awkward inputs', () => {
  it('keeps ns timestamps exact through Perfetto’s (int64)(µs × 1000) conversion', () => {
    for (const ns of [222545986716, 505930530001, 1, 999, 123456789012345]) expect(Math.trunc(JSON.parse(JSON.stringify(us(ns))) * 1000)).toBe(ns);
    expect(us(505930530000)).toBe(505930530);
  });

  it('binds every flow of an ns-resolution perf trace', async () => {
    const out = join(tempDir(), 'ns.json');
    const r = await exportPerfetto(join(FIXTURES, 'excerpts', 'perf-ns.txt'), out);
    expect(r.flows).toBeGreaterThan(0);
    expect(checkTraceEvents(read(out).traceEvents).problems).toEqual([]);
  });

  it('cuts slices that would not nest (hand-made input) instead of letting Perfetto drop them', async () => {
    // A work item whose kworker was switched in without a traced sched_switch outlives the task
    // the CPU shows: its slice would cross that task's end.
    const dir = tempDir();
    const trace = join(dir, 'untraced-switch.txt');
    const sw = (from: string, fromPid: number, to: string, toPid: number): string =>
      `prev_comm=${from} prev_pid=${fromPid} prev_prio=120 prev_state=S ==> next_comm=${to} next_pid=${toPid} next_prio=120`;
    const T = 500e6;
    writeFileSync(
      trace,
      [
        ft('x', 8, 1, '.....', T, 'sched_switch', sw('x', 8, 'fio', 9)),
        ft('kworker/1:1', 78, 1, '.....', T + 5, 'workqueue_execute_start', 'work struct 00000000deadbeef: function iomap_dio_complete_work'),
        ft('fio', 9, 1, '.....', T + 10, 'sched_switch', sw('fio', 9, 'y', 7)),
        ft('kworker/1:1', 78, 1, '.....', T + 20, 'workqueue_execute_end', 'work struct 00000000deadbeef: function iomap_dio_complete_work'),
      ].join('\n') + '\n',
    );
    const out = join(dir, 'clip.json');
    await exportPerfetto(trace, out);
    const events = read(out).traceEvents;
    expect(events.some((e) => e.ph === 'X' && e.args?.clipped_from_us !== undefined)).toBe(true);
    expect(checkTraceEvents(events).problems).toEqual([]);
  });

  it('exports a hostile trace whose interrupts lost their exits as nesting slices', async () => {
    const out = join(tempDir(), 'names.json');
    await exportPerfetto(join(FIXTURES, 'hostile', 'names.ftrace.txt'), out);
    expect(checkTraceEvents(read(out).traceEvents).problems).toEqual([]);
  });
});

describe('perfetto export options', () => {
  it('exports only whole I/Os inside --from-ms/--to-ms, still binding every flow', async () => {
    const out = join(tempDir(), 'win.json');
    const r = await exportPerfetto(CPU1, out, { fromMs: 20, toMs: 25 });
    const f = read(out);
    expect(r.ios).toBeGreaterThan(20);
    expect(r.ios).toBeLessThan(400);
    expect(checkTraceEvents(f.traceEvents).problems).toEqual([]);
    const xs = f.traceEvents.filter((e) => e.ph === 'X').map((e) => e.ts ?? 0);
    expect(Math.max(...xs) - Math.min(...xs)).toBeLessThanOrEqual(5000 + 1);
  });

  it('reads its input once: a stream (a pipe, standard input) exports what its file does, window and perf.data alike', async () => {
    const dir = tempDir();
    for (const [name, trace, opts] of [
      ['cpu1', CPU1, { fromMs: 20, toMs: 25 }],
      ['perf', join(FIXTURES, 'binary', 'perf-randwrite.data'), {}],
    ] as const) {
      const fromFile = join(dir, `${name}-file.json`);
      const fromStream = join(dir, `${name}-stream.json`);
      const a = await exportPerfetto(trace, fromFile, opts);
      const b = await exportPerfetto(createReadStream(trace), fromStream, opts);
      expect(b.ios).toBe(a.ios);
      expect(b.flows).toBeGreaterThan(0);
      // The metadata names the input (a path, or `<stream>`); every event is the same.
      expect(read(fromStream).traceEvents).toEqual(read(fromFile).traceEvents);
    }
    // perf.data stores no kallsyms: the work items are named from their workqueue (the analysis
    // pass reads queue_work), not by the function's address.
    const perfNames = read(join(dir, 'perf-file.json')).traceEvents.map((e) => e.name ?? '');
    expect(perfNames).toContain('work iomap_dio_complete_work');
    expect(perfNames.filter((n) => n.startsWith('work 0x'))).toEqual([]);
  });

  it('keeps a hostile task name as a JSON string', async () => {
    const dir = tempDir();
    const out = join(dir, 'evil.json');
    await exportPerfetto(hostileTrace(dir), out, { toMs: 10 });
    const f = read(out);
    expect(f.traceEvents.some((e) => e.name === EVIL)).toBe(true);
    expect(checkTraceEvents(f.traceEvents).problems).toEqual([]);
  });
});

describe.skipIf(!HAS_SHARED)('perfetto export of a whole 20000-I/O capture', () => {
  if (!HAS_SHARED) console.warn(SKIP_SHARED_REASON);
  it('binds all 20000 flows and stays well under Perfetto’s JSON limits', async () => {
    const out = join(tempDir(), 'whole.json');
    const r = await exportPerfetto(join(SHARED_TRACES, 'libaio-randwrite-cpu1-raw.raw.txt.gz'), out);
    expect(r.flows).toBe(20000);
    expect(r.bytes).toBeLessThan(100e6);
    const { problems } = checkTraceEvents(read(out).traceEvents);
    expect(problems.slice(0, 10)).toEqual([]);
  });
});
