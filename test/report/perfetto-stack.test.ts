import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CPU_PID, IO_PID, type TraceEventJson } from '../../src/report/perfetto.js';
import { exportPerfetto, type PerfettoExportResult } from '../../src/report/perfetto-export.js';
import { LAYER_PID0 } from '../../src/report/perfetto-stack.js';
import { FIXTURES } from '../helpers/paths.js';
import { tempDir } from './helpers.js';
import { checkTraceEvents } from './perfetto-check.js';

/**
 * The Perfetto export of storage stacks (fixtures/stacks: xfs on loop over vda, DIOs at both
 * levels; btrfs on loop, requests on top): a process per lower layer with its I/Os, and each
 * workload I/O's flow through the lower I/O that serviced it and every completion hop's work item,
 * every flow with both ends bound to a slice.
 */

interface TraceFile {
  traceEvents: TraceEventJson[];
  metadata: { iopath: { ios: number; flows: number; lowerIos?: number; layers?: { device: string; name: string; role: string }[] } };
}

interface Exported {
  r: PerfettoExportResult;
  file: TraceFile;
}

const STACKS = {
  xfs: { path: join(FIXTURES, 'stacks', 'xfs-libaio-randwrite.txt'), layers: ['7:0 top', '254:0 loop-backing'], hopFns: ['iomap_dio_complete_work', 'iomap_dio_complete_work'] },
  btrfs: { path: join(FIXTURES, 'stacks', 'btrfs-libaio-randwrite.txt'), layers: ['7:2 top', '254:0 loop-backing'], hopFns: ['iomap_dio_complete_work', 'simple_end_io_work', 'btrfs_work_helper'] },
} as const;

const out = new Map<string, Exported>();
beforeAll(async () => {
  const dir = tempDir();
  for (const [name, s] of [...Object.entries(STACKS), ['single', { path: join(FIXTURES, 'excerpts', 'ftrace-libaio-randwrite-cpu1.txt') }] as const]) {
    const p = join(dir, `${name}.json`);
    const r = await exportPerfetto(s.path, p);
    out.set(name, { r, file: JSON.parse(readFileSync(p, 'utf8')) as TraceFile });
  }
}, 60_000);

/** Flow steps by flow id, in file order. */
function flowsOf(f: TraceFile): Map<string | number, TraceEventJson[]> {
  const m = new Map<string | number, TraceEventJson[]>();
  for (const e of f.traceEvents) if (e.ph === 's' || e.ph === 't' || e.ph === 'f') m.set(e.id as number, [...(m.get(e.id as number) ?? []), e]);
  return m;
}

/** The X slice a flow step binds to: the shortest starting at its ts on its track. */
function boundName(f: TraceFile, e: TraceEventJson): string | undefined {
  return f.traceEvents.filter((x) => x.ph === 'X' && x.ts === e.ts && x.pid === e.pid && x.tid === e.tid).sort((a, b) => (a.dur ?? 0) - (b.dur ?? 0))[0]?.name;
}

describe.each(Object.entries(STACKS))('Perfetto export of the %s-on-loop stack', (name, want) => {
  it('names the layers and gives the lower one a process of its own with one slice per servicing I/O', () => {
    const { r, file } = out.get(name)!;
    const meta = file.metadata.iopath;
    expect(meta.layers?.map((l) => `${l.device} ${l.role}`)).toEqual(want.layers);
    const procs = new Map(file.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => [e.pid, String(e.args?.name)]));
    expect(procs.get(IO_PID)).toMatch(/the workload: \S+ \(7:\d\), top/);
    expect(procs.get(LAYER_PID0 + 1)).toMatch(/^Layer 2: vda \(254:0\), loop-backing/);
    // Every exported workload I/O had its loop DIO beneath it, drawn in the lower layer's process.
    expect(r.ios).toBeGreaterThan(50);
    expect(meta.lowerIos).toBe(r.ios);
    const lowerBegins = file.traceEvents.filter((e) => e.pid === LAYER_PID0 + 1 && e.ph === 'b' && e.args?.services !== undefined);
    expect(lowerBegins).toHaveLength(meta.lowerIos ?? -1);
    const top = file.traceEvents.filter((e) => e.pid === IO_PID && e.ph === 'b' && e.args?.layer !== undefined);
    expect(top).toHaveLength(r.ios);
    const topIds = new Set(top.map((e) => e.args?.io));
    for (const e of lowerBegins) expect(topIds.has(e.args?.services)).toBe(true);
  });

  it('has one flow per workload I/O, each with both ends, binding in Perfetto and DevTools', () => {
    const { r, file } = out.get(name)!;
    expect(checkTraceEvents(file.traceEvents).problems.slice(0, 5)).toEqual([]);
    const flows = flowsOf(file);
    expect(flows.size).toBe(r.flows);
    expect(r.flows).toBe(r.ios);
    for (const steps of flows.values()) expect(steps.map((s) => s.ph).join('')).toMatch(/^st+f$/);
  });

  it('runs each flow through the lower I/O (submission, block completion) and every completion hop’s work item', () => {
    const { file } = out.get(name)!;
    const hops = new Map(file.traceEvents.filter((e) => e.pid === IO_PID && e.ph === 'b' && e.args?.hops).map((e) => [e.args?.io, (e.args?.hops as string[]).length]));
    let through = 0;
    for (const steps of flowsOf(file).values()) {
      const bound = steps.map((s) => boundName(file, s) ?? '');
      const io = steps[0]?.args?.io;
      const lower = bound.filter((b) => /^vda (submit|block complete) #\d+ for #\d+$/.test(b));
      const work = steps.filter((s, i) => s.pid === CPU_PID && /^work /.test(bound[i] ?? ''));
      // The hop work items named by the I/O's own hops, in order (the last may also be where it completed).
      const fns = [...new Set(work.map((s) => boundName(file, s)))].map((b) => b?.slice(5));
      if (lower.length === 2 && hops.get(io) === want.hopFns.length && fns.join() === [...new Set(want.hopFns)].join()) through++;
    }
    // All but I/Os whose hops ran outside the excerpt (a hop's work item with no slice gets no step).
    expect(through).toBeGreaterThan(0.9 * flowsOf(file).size);
  });
});

describe('Perfetto export of a single disk', () => {
  it('has no layer process and no layer args: one layer adds nothing', () => {
    const { file } = out.get('single')!;
    expect(file.metadata.iopath.layers).toBeUndefined();
    expect(file.traceEvents.some((e) => (e.pid ?? 0) >= LAYER_PID0)).toBe(false);
    expect(file.traceEvents.some((e) => e.args?.layer !== undefined || e.args?.lower_ios !== undefined)).toBe(false);
  });
});
