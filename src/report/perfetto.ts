import { phasesOf, type IoPath, type Stage } from '../model/io.js';
import type { Layer } from '../model/layers.js';
import type { CpuSlice, LostMark } from './slices.js';
import { isKworkerComm } from '../kernel/tasks.js';
import { indexStack, LAYER_PID0, layerTitle, lowerArgs, stackSteps, workloadStackArgs, type PerfettoStack } from './perfetto-stack.js';

/**
 * Chrome trace-event JSON for ui.perfetto.dev (and DevTools): a pseudo-process "CPUs" with one
 * thread track per CPU holding its task, hardirq, softirq and work-item slices; one track per
 * submitting thread; an async slice per I/O (with device / completion / deferral-wait children);
 * and one v1 flow per I/O: submit → block completion → kworker work item → completion.
 *
 * Binding rules (see the peers survey, section 6): Perfetto binds `s`/`t` to the slice on top of
 * the flow event's thread stack, and `f` with `bp:"e"` to the enclosing one; DevTools binds a flow
 * event only to a slice with the same ts, pid, tid and cat. So every flow step is emitted on a
 * slice that starts exactly at the step's ts on the same pid/tid, with one cat for slices and
 * flows, and each flow event is written right after its slice (events are sorted by ts, longer
 * slices first so parents precede children). Steps without a real slice starting there get a
 * zero-length marker slice, which also shows the event on its track. Flow ids are unique per I/O.
 *
 * On a storage stack (more than one layer, perfetto-stack.ts) each layer beneath the top has a
 * process of its own with its I/Os' slices, and each workload I/O's flow also passes through the
 * lower I/Os that serviced it and every completion hop's work item.
 */

export const CAT = 'iopath';
export const FLOW_NAME = 'I/O path';
/** Beyond Linux's largest pid_max (2^22): these pseudo pids and tids cannot collide with real ones. */
export const CPU_PID = 10_000_000;
export const IO_PID = 10_000_001;
export const cpuTid = (cpu: number): number => CPU_PID + 100 + cpu;

export interface TraceEventJson {
  ph: string;
  name: string;
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  cat?: string;
  id?: string | number;
  bp?: string;
  s?: string;
  args?: Record<string, unknown>;
}

export interface PerfettoInput {
  paths: IoPath[];
  slices: CpuSlice[];
  lost: LostMark[];
  submitters: { pid: number; comm: string }[];
  unit: string;
  /** The storage stack, when the analysis found more than one layer. */
  stack?: PerfettoStack;
}

/**
 * ns → µs for the JSON. Perfetto reads a fractional µs as `(int64)(double × 1000)`, which truncates
 * 123.456 to 123455 ns about half the time and can then make a slice poke 1 ns out of its parent.
 * A tenth of a ns added to non-integral values makes that truncation land on the exact ns.
 */
export const us = (ns: number): number => (ns % 1000 === 0 ? ns / 1000 : (ns + 0.1) / 1000);

interface Keyed {
  ev: TraceEventJson;
  ts: number;
  dur: number;
  seq: number;
  track?: string;
}

function pathArgs(p: IoPath): Record<string, unknown> {
  const phaseUs: Record<string, number> = {};
  for (const [k, v] of Object.entries(phasesOf(p))) if (v !== undefined) phaseUs[`${k}_us`] = v / 1000;
  const stages = [p.submit ?? p.issue, p.deviceComplete, p.queueWork, p.executeStart, p.completion].filter((s): s is Stage => s !== undefined);
  return {
    io: p.id,
    mode: p.mode,
    ...(p.irqContext ? { irq_context: p.irqContext } : {}),
    ...(p.taskKind ? { task_kind: p.taskKind } : {}),
    ...(p.unresolvedReason ? { unresolved_reason: p.unresolvedReason } : {}),
    dir: p.dir,
    bytes: p.bytes,
    ...(p.sector !== undefined ? { sector: p.sector } : {}),
    ...(p.offset !== undefined ? { offset: p.offset } : {}),
    ...phaseUs,
    ...(p.completion ? { completed_by: `${p.completion.comm} (${p.completion.pid}) in ${p.completion.ctx} on CPU ${p.completion.cpu}` } : {}),
    lines: stages.map((s) => s.line),
  };
}

/**
 * Makes the slices of each track nest: one that starts inside another but would end after it is
 * cut at its parent's end (args.clipped). Real kernels nest by construction; lossy or hand-made
 * input may not, and Perfetto would drop such a slice, and any flow step on it, silently.
 */
function nest(slices: Keyed[]): void {
  const byTrack = new Map<string, Keyed[]>();
  for (const k of slices) {
    const list = byTrack.get(k.track as string);
    if (list) list.push(k);
    else byTrack.set(k.track as string, [k]);
  }
  for (const list of byTrack.values()) {
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur || a.seq - b.seq);
    const stack: Keyed[] = [];
    for (const k of list) {
      while (stack.length > 0) {
        const top = stack[stack.length - 1] as Keyed;
        const end = top.ts + top.dur;
        if (end < k.ts || (end === k.ts && !(top.dur === 0 && k.dur === 0))) stack.pop();
        else break;
      }
      const top = stack[stack.length - 1];
      if (top && k.ts + k.dur > top.ts + top.dur) {
        k.ev.args = { ...k.ev.args, clipped_from_us: k.dur / 1000 };
        k.dur = top.ts + top.dur - k.ts;
        k.ev.dur = us(k.dur);
      }
      stack.push(k);
    }
  }
}

export function buildPerfettoEvents(input: PerfettoInput): { events: TraceEventJson[]; flows: number } {
  const out: Keyed[] = [];
  const xs: Keyed[] = [];
  let seq = 0;
  const push = (ev: TraceEventJson, tsNs: number, durNs: number): Keyed => {
    const k = { ev, ts: tsNs, dur: durNs, seq: seq++ };
    out.push(k);
    return k;
  };
  const starts = new Map<string, Keyed>();
  const slice = (pid: number, tid: number, name: string, startNs: number, endNs: number, args: Record<string, unknown>): Keyed => {
    const k = push({ ph: 'X', name, cat: CAT, pid, tid, ts: us(startNs), dur: us(endNs - startNs), args }, startNs, endNs - startNs);
    k.track = `${pid}|${tid}`;
    xs.push(k);
    // Of several slices starting together on a track, Perfetto binds to the innermost: the shortest.
    const key = `${tid}@${startNs}`;
    const prev = starts.get(key);
    if (!prev || prev.dur >= k.dur) starts.set(key, k);
    return k;
  };
  const submitterPids = new Set(input.submitters.map((s) => s.pid));
  const cpus = new Set<number>();

  // 1. What ran on each CPU, and each submitter's own track.
  for (const s of input.slices) {
    cpus.add(s.cpu);
    const tid = cpuTid(s.cpu);
    if (s.kind !== 'task') slice(CPU_PID, tid, `${s.kind} ${s.name}`, s.startNs, s.endNs, { ...(s.pid >= 0 ? { pid: s.pid } : {}), line: s.line });
    else if (s.pid !== 0) {
      // (idle is left out: an empty stretch reads better than a wall of swapper)
      const role = submitterPids.has(s.pid) ? 'submitter' : isKworkerComm(s.name) ? 'kworker' : 'task';
      slice(CPU_PID, tid, s.name, s.startNs, s.endNs, { pid: s.pid, role, line: s.line });
      if (role === 'submitter') slice(s.pid, s.pid, `running on CPU ${s.cpu}`, s.startNs, s.endNs, { line: s.line });
    }
  }

  const ioSlices = (p: IoPath, pid: number, extra?: Record<string, unknown>): void => {
    const begin = p.submit ?? p.issue;
    const end = p.completion;
    if (begin && end && end.ts >= begin.ts) {
      // Pushed in nesting order; begins and ends of one I/O share a sort key, so the final sort
      // keeps this order at equal timestamps.
      const id = `0x${p.id.toString(16)}`;
      const inside = (a: Stage | undefined, b: Stage | undefined, lo: Stage, hi: Stage): boolean => !!a && !!b && a.ts <= b.ts && a.ts >= lo.ts && b.ts <= hi.ts;
      const ab = (ph: 'b' | 'e', name: string, at: Stage, args?: Record<string, unknown>): void =>
        void push({ ph, name, cat: `${CAT}.io`, id, pid, tid: pid, ts: us(at.ts), ...(args ? { args } : {}) }, at.ts, -1);
      const outer = `${p.mode} I/O`;
      ab('b', outer, begin, extra ? { ...pathArgs(p), ...extra } : pathArgs(p));
      if (inside(p.issue, p.deviceComplete, begin, end)) {
        ab('b', 'device', p.issue as Stage);
        ab('e', 'device', p.deviceComplete as Stage);
      }
      if (inside(p.deviceComplete, end, begin, end)) {
        const d = p.deviceComplete as Stage;
        ab('b', 'completion', d);
        if (inside(p.queueWork, p.executeStart, d, end)) {
          ab('b', 'deferral wait', p.queueWork as Stage);
          ab('e', 'deferral wait', p.executeStart as Stage);
        }
        ab('e', 'completion', end);
      }
      ab('e', outer, end);
    }
  };

  const stackIdx = input.stack && input.stack.layers.length > 1 ? indexStack(input.stack) : undefined;
  if (stackIdx && input.stack) {
    for (const low of input.stack.lower) {
      const at = stackIdx.layerOf(low.dev);
      if (at?.pid !== undefined) ioSlices(low, at.pid, lowerArgs(low, stackIdx));
    }
  }

  // 2. Each I/O: its async slice, and the slices its flow steps will bind to.
  const planned: { p: IoPath; steps: { pid: number; tid: number; ts: number; target: Keyed }[] }[] = [];
  for (const p of input.paths) {
    ioSlices(p, IO_PID, stackIdx ? workloadStackArgs(p, stackIdx) : undefined);
    const steps: { pid: number; tid: number; stage: Stage; marker: string; onWork?: boolean }[] = [];
    if (p.submit && p.submitterPid !== undefined && submitterPids.has(p.submitterPid)) steps.push({ pid: p.submitterPid, tid: p.submitterPid, stage: p.submit, marker: `submit #${p.id}` });
    if (p.deviceComplete) steps.push({ pid: CPU_PID, tid: cpuTid(p.deviceComplete.cpu), stage: p.deviceComplete, marker: `block complete #${p.id}` });
    if (p.executeStart) steps.push({ pid: CPU_PID, tid: cpuTid(p.executeStart.cpu), stage: p.executeStart, marker: `kworker start #${p.id}`, onWork: true });
    if (p.completion) steps.push({ pid: CPU_PID, tid: cpuTid(p.completion.cpu), stage: p.completion, marker: `complete #${p.id}` });
    for (const st of [p.deviceComplete, p.executeStart, p.completion]) if (st) cpus.add(st.cpu);
    if (stackIdx && input.stack) {
      // Through the layers: merged in time order (a stable sort keeps the submitter first), one step per slice.
      for (const x of stackSteps(p, stackIdx, input.stack.hopAt)) {
        cpus.add(x.cpu);
        steps.push({ pid: CPU_PID, tid: cpuTid(x.cpu), stage: x.stage, marker: x.marker, ...(x.onWork ? { onWork: true } : {}) });
      }
      const seen = new Set<string>();
      const merged = steps
        .sort((a, b) => a.stage.ts - b.stage.ts)
        .filter((x) => {
          const k = `${x.tid}@${x.stage.ts}`;
          return seen.has(k) ? false : (seen.add(k), true);
        });
      steps.splice(0, steps.length, ...merged);
    }
    // The work item's own slice when there is one; otherwise (and for the I/O's other events) a marker.
    const bound = steps.map((s) => ({
      pid: s.pid,
      tid: s.tid,
      ts: s.stage.ts,
      target: (s.onWork ? starts.get(`${s.tid}@${s.stage.ts}`) : undefined) ?? slice(s.pid, s.tid, s.marker, s.stage.ts, s.stage.ts, { io: p.id, mode: p.mode, line: s.stage.line }),
    }));
    if (bound.length >= 2) planned.push({ p, steps: bound });
  }

  // 3. Nesting repaired, the flows: each event keyed right after the slice it binds to.
  nest(xs);
  let flows = 0;
  for (const { p, steps } of planned) {
    const fid = ++flows;
    steps.forEach((s, i) => {
      const ph = i === 0 ? 's' : i === steps.length - 1 ? 'f' : 't';
      const ev: TraceEventJson = { ph, name: FLOW_NAME, cat: CAT, id: fid, pid: s.pid, tid: s.tid, ts: us(s.ts), ...(ph === 'f' ? { bp: 'e' } : {}), ...(i === 0 ? { args: { io: p.id, mode: p.mode } } : {}) };
      out.push({ ev, ts: s.target.ts, dur: s.target.dur, seq: s.target.seq + 0.5 });
    });
  }
  for (const m of input.lost) push({ ph: 'i', s: 'g', name: 'lost events', cat: CAT, pid: CPU_PID, tid: m.cpu >= 0 ? cpuTid(m.cpu) : CPU_PID, ts: us(m.ts), args: { cpu: m.cpu, count: m.count, line: m.line } }, m.ts, 0);

  const meta: TraceEventJson[] = [
    { ph: 'M', name: 'process_name', pid: CPU_PID, args: { name: 'CPUs' } },
    { ph: 'M', name: 'process_sort_index', pid: CPU_PID, args: { sort_index: -2 } },
    { ph: 'M', name: 'process_name', pid: IO_PID, args: { name: stackIdx && input.stack ? `I/Os (${input.unit}), the workload: ${layerTitle(input.stack.layers[0] as Layer)}` : `I/Os (${input.unit})` } },
    { ph: 'M', name: 'process_sort_index', pid: IO_PID, args: { sort_index: -1 } },
  ];
  if (stackIdx && input.stack) {
    const nameOf = (dev: string): string => input.stack?.layers.find((x) => x.device === dev)?.name ?? dev;
    input.stack.layers.slice(1).forEach((l, i) => {
      meta.push({ ph: 'M', name: 'process_name', pid: LAYER_PID0 + i + 1, args: { name: `Layer ${i + 2}: ${layerTitle(l)}, I/Os servicing ${l.above.map(nameOf).join(', ') || 'the layer above'}` } });
      meta.push({ ph: 'M', name: 'process_sort_index', pid: LAYER_PID0 + i + 1, args: { sort_index: i } });
    });
  }
  for (const s of input.submitters) {
    meta.push({ ph: 'M', name: 'process_name', pid: s.pid, args: { name: `${s.comm} (submitter)` } });
    meta.push({ ph: 'M', name: 'thread_name', pid: s.pid, tid: s.pid, args: { name: s.comm } });
  }
  for (const c of [...cpus].sort((a, b) => a - b)) {
    meta.push({ ph: 'M', name: 'thread_name', pid: CPU_PID, tid: cpuTid(c), args: { name: `CPU ${c}` } });
    meta.push({ ph: 'M', name: 'thread_sort_index', pid: CPU_PID, tid: cpuTid(c), args: { sort_index: c } });
  }
  out.sort((a, b) => a.ts - b.ts || b.dur - a.dur || a.seq - b.seq);
  return { events: [...meta, ...out.map((k) => k.ev)], flows };
}
