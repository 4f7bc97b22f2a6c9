import { isIdlePid, isKworkerComm } from '../kernel/tasks.js';
import { IO_COMPLETION_WORK } from '../kernel/work-functions.js';
import type { CompletionMode } from '../model/io.js';
import { NS_PER_S, NS_PER_US } from '../model/time.js';
import type { CpuCategory } from './chart-data.js';
import type { Timeline } from './timeline.js';

/** Chart 4's rows: one lane per CPU and context, slices coloured like chart 3, I/O events as marks. */

export interface TimelineSliceRow {
  row: string;
  category: CpuCategory;
  name: string;
  pid: number;
  startUs: number;
  endUs: number;
  durUs: number;
  line: number;
}

export interface TimelineMarkRow {
  row: string;
  io: string;
  mode: CompletionMode;
  event: 'block completion' | 'completed';
  us: number;
}

export interface TimelineRows {
  startLabel: string;
  widthUs: number;
  rowOrder: string[];
  slices: TimelineSliceRow[];
  marks: TimelineMarkRow[];
}

const LANES = ['hardirq', 'softirq', 'task'] as const;

function lane(ctx: string): (typeof LANES)[number] {
  return ctx === 'hardirq' || ctx === 'nmi' ? 'hardirq' : ctx === 'softirq' ? 'softirq' : 'task';
}

export function timelineRows(t: Timeline, submitterPids: ReadonlySet<number>, baseNs = 0): TimelineRows {
  const us = (ns: number): number => (ns - t.startNs) / NS_PER_US;
  const cpus = new Set<number>();
  const slices: TimelineSliceRow[] = [];
  const row = (cpu: number, l: string): string => `CPU ${cpu} · ${l}`;
  for (const s of t.slices) cpus.add(s.cpu); // idle CPUs get their (empty) lanes too
  for (const s of t.slices) {
    let category: CpuCategory;
    if (s.kind === 'hardirq') category = 'hardirq';
    else if (s.kind === 'softirq') category = 'softirq';
    else if (s.kind === 'work') {
      // Work that completes no I/O is already drawn as its kworker's run slice. The rest is the
      // work the CPU-share chart counts as "kworker DIO work" (the analyzer's list).
      if (!IO_COMPLETION_WORK.has(s.name)) continue;
      category = 'kworker DIO work';
    } else if (isIdlePid(s.pid)) continue; // idle: left blank
    else if (isKworkerComm(s.name)) category = 'other kworker';
    else if (submitterPids.has(s.pid)) category = 'submitter';
    else category = 'other tasks';
    const l = s.kind === 'hardirq' || s.kind === 'softirq' ? s.kind : 'task';
    slices.push({ row: row(s.cpu, l), category, name: s.name, pid: s.pid, startUs: us(s.startNs), endUs: us(s.endNs), durUs: (s.endNs - s.startNs) / NS_PER_US, line: s.line });
  }
  // Work pieces after the run slices, so they are drawn on top of their kworker.
  slices.sort((a, b) => Number(a.category === 'kworker DIO work') - Number(b.category === 'kworker DIO work') || a.startUs - b.startUs);
  const marks: TimelineMarkRow[] = [];
  const inside = (ns: number | undefined): ns is number => ns !== undefined && ns >= t.startNs && ns <= t.endNs;
  for (const io of t.ios) {
    const name = `#${io.id}`;
    if (inside(io.deviceNs) && io.deviceCpu !== undefined) {
      cpus.add(io.deviceCpu);
      marks.push({ row: row(io.deviceCpu, lane(io.deviceCtx)), io: name, mode: io.mode, event: 'block completion', us: us(io.deviceNs) });
    }
    if (inside(io.completionNs) && io.completionCpu !== undefined) {
      cpus.add(io.completionCpu);
      marks.push({ row: row(io.completionCpu, lane(io.ctx)), io: name, mode: io.mode, event: 'completed', us: us(io.completionNs) });
    }
  }
  const rowOrder = [...cpus].sort((a, b) => a - b).flatMap((c) => LANES.map((l) => row(c, l)));
  return { startLabel: `${((t.startNs + baseNs) / NS_PER_S).toFixed(6)} s`, widthUs: (t.endNs - t.startNs) / NS_PER_US, rowOrder, slices, marks };
}
