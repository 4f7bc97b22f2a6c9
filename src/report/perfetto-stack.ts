import type { IoPath, Stage } from '../model/io.js';
import type { CompletionHop, Layer } from '../model/layers.js';

/**
 * The storage stack in the Perfetto export (perfetto.ts): each layer beneath the top gets a
 * process of its own holding the async slices of its I/Os (the loop worker's DIOs on the backing
 * file, …), and each workload I/O's flow runs through every layer: its submission, each lower I/O
 * that serviced it (submission and block completion), every completion hop's work item where it
 * ran, and its final completion. The hops' places come from the analysis (AnalyzeOptions.onHop):
 * the work item queued from that I/O's completion chain, not one guessed by function and time.
 */

/** Where a completion hop's work item was queued and where it started. */
export interface HopPlace {
  queued: Stage;
  start: Stage & { pid: number; comm: string };
}

export interface PerfettoStack {
  /** The analysis' layers, top first. */
  layers: Layer[];
  /** Lower layers' I/Os that serviced an exported workload I/O (`layers.services` set). */
  lower: IoPath[];
  hopAt: Map<CompletionHop, HopPlace>;
}

/** Pseudo pids of the layers beneath the top (the top's I/Os stay in the I/O process). */
export const LAYER_PID0 = 10_000_010;

export const layerTitle = (l: Layer): string => `${l.name} (${l.device}), ${l.role}, ${l.unit}`;

/** `254,0` (block events) and `254:0` (iomap) name one device, as the analysis keys layers. */
const devKey = (dev: string | undefined): string => (dev ?? '?').replace(',', ':');

export interface StackIndex {
  /** Layer of a device, and the pid its I/Os are drawn on (undefined: the top's I/O process). */
  layerOf(dev: string | undefined): { layer: Layer; pid?: number } | undefined;
  lowerOf(id: number): IoPath[];
}

export function indexStack(stack: PerfettoStack): StackIndex {
  const byDev = new Map<string, { layer: Layer; pid?: number }>();
  stack.layers.forEach((layer, i) => byDev.set(layer.device, { layer, ...(i > 0 ? { pid: LAYER_PID0 + i } : {}) }));
  const byUpper = new Map<number, IoPath[]>();
  for (const p of stack.lower) {
    const up = p.layers?.services;
    if (up === undefined) continue;
    const list = byUpper.get(up);
    if (list) list.push(p);
    else byUpper.set(up, [p]);
  }
  return { layerOf: (dev) => byDev.get(devKey(dev)), lowerOf: (id) => byUpper.get(id) ?? [] };
}

export interface StackStep {
  cpu: number;
  stage: Stage;
  marker: string;
  /** Bind to the work item's own slice when one starts there. */
  onWork?: boolean;
}

/**
 * The steps of a workload I/O's flow beneath its own (CPU-track steps; the caller adds the
 * submitter's): each servicing I/O's submission and block completion, each hop's work item. In
 * time order with the I/O's own steps once the caller merges them.
 */
export function stackSteps(p: IoPath, idx: StackIndex, hopAt: Map<CompletionHop, HopPlace>): StackStep[] {
  const steps: StackStep[] = [];
  for (const low of idx.lowerOf(p.id)) {
    const name = idx.layerOf(low.dev)?.layer.name ?? devKey(low.dev);
    const b = low.submit ?? low.issue;
    if (b) steps.push({ cpu: b.cpu, stage: b, marker: `${name} submit #${low.id} for #${p.id}` });
    if (low.deviceComplete) steps.push({ cpu: low.deviceComplete.cpu, stage: low.deviceComplete, marker: `${name} block complete #${low.id} for #${p.id}` });
  }
  for (const h of p.layers?.hops ?? []) {
    const at = hopAt.get(h);
    if (at) steps.push({ cpu: at.start.cpu, stage: at.start, marker: `${h.fn} #${p.id}`, onWork: true });
  }
  return steps;
}

/** Args a workload I/O's slice gains on a stack; a lower I/O's say what it serviced. */
export function workloadStackArgs(p: IoPath, idx: StackIndex): Record<string, unknown> {
  const l = idx.layerOf(p.dev)?.layer;
  return {
    ...(l ? { layer: layerTitle(l) } : {}),
    ...(p.layers ? { layers: p.layers.devices, hops: p.layers.hops.map((h) => `${h.fn}@${h.workqueue || '?'} (${h.label})`) } : {}),
    lower_ios: idx.lowerOf(p.id).map((x) => x.id),
  };
}

export function lowerArgs(p: IoPath, idx: StackIndex): Record<string, unknown> {
  const l = idx.layerOf(p.dev)?.layer;
  return { ...(l ? { layer: layerTitle(l) } : {}), services: p.layers?.services };
}
