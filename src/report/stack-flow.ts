import type { Analysis } from '../model/analysis.js';
import type { IoPath } from '../model/io.js';
import type { CompletionHop, Layer } from '../model/layers.js';

/**
 * The numbers behind the report's storage-stack drawing: the layers top first, how the workload's
 * I/Os went down (the servicer that linked each layer to the one above, and how many I/Os it
 * issued), and the completion hops back up with the share of workload I/Os that took each.
 *
 * The analysis keeps only the hop histogram and the most common chain; the share of each hop
 * comes from a tally of every workload I/O as it finishes (createHopTally, fed by the analysis'
 * onPath), so a chain that only some I/Os took (writes, not reads) shows with its own share.
 */

/** A hop as the drawing groups them: function, workqueue and the device whose completion queued it. */
export const hopKey = (h: CompletionHop): string => `${h.fn}@${h.workqueue}@${h.device}`;

export interface HopTally {
  onPath(p: IoPath): void;
  /** hopKey → workload I/Os that took it (at least once), and the resolved I/Os counted. */
  counts(): { byHop: Map<string, { hop: CompletionHop; ios: number }>; resolved: number };
}

/** Counts, per workload I/O that completed (mode not unresolved, as the analysis' histogram does), each distinct hop it took. */
export function createHopTally(): HopTally {
  const byHop = new Map<string, { hop: CompletionHop; ios: number }>();
  let resolved = 0;
  return {
    onPath(p) {
      if (p.mode === 'unresolved' || !p.layers) return;
      resolved++;
      const seen = new Set<string>();
      for (const h of p.layers.hops) {
        const k = hopKey(h);
        if (seen.has(k)) continue;
        seen.add(k);
        const e = byHop.get(k);
        if (e) e.ios++;
        else byHop.set(k, { hop: h, ios: 1 });
      }
    },
    counts: () => ({ byHop, resolved }),
  };
}

export interface FlowHop {
  hop: CompletionHop;
  /** Workload I/Os that took it; undefined when only the common chain is known (no tally). */
  ios?: number;
  /** ios / resolved workload I/Os. */
  share?: number;
}

export interface FlowLayer {
  layer: Layer;
  /** The proof that links it to the layer above (undefined on the top). */
  linkedBy?: string;
  /** Hops queued by this layer's completions, carried up to the layer above (or to the submitter). */
  hops: FlowHop[];
}

export interface StackFlow {
  layers: FlowLayer[];
  submitters: string;
  /** Workload I/Os with a completion, the hop shares' denominator. */
  resolved: number;
  /** Share of resolved workload I/Os that completed with no hop at all (from the histogram). */
  noHopShare?: number;
}

/** Whether the report has a stack to show: more than one layer, or background I/O beside the workload. */
export function hasStack(a: Analysis): boolean {
  const layers = a.layers ?? [];
  return layers.length > 1 || layers.some((l) => l.background.ios > 0);
}

export function stackFlow(a: Analysis, tally?: ReturnType<HopTally['counts']>): StackFlow {
  const hist = a.hops?.histogram ?? {};
  const histTotal = Object.values(hist).reduce((s, n) => s + n, 0);
  const resolved = tally?.resolved ?? histTotal;
  const devices = new Set((a.layers ?? []).map((l) => l.device));
  // A hop whose device is not a layer (a trace that does not name it) is drawn at the top.
  const at = (h: CompletionHop, device: string, top: boolean): boolean => h.device === device || (top && !devices.has(h.device));
  const hopsOf = (device: string, top: boolean): FlowHop[] => {
    if (tally) {
      return [...tally.byHop.values()]
        .filter((e) => at(e.hop, device, top))
        .sort((x, y) => y.ios - x.ios)
        .map((e) => ({ hop: e.hop, ios: e.ios, share: resolved > 0 ? e.ios / resolved : undefined }));
    }
    // Without a tally: the most common chain's hops, without shares (`fn@workqueue` each).
    const fromSamples = a.samples.flatMap((p) => p.layers?.hops ?? []);
    return (a.hops?.common ?? [])
      .map((c) => fromSamples.find((h) => `${h.fn}@${h.workqueue}` === c))
      .filter((h): h is CompletionHop => h !== undefined && at(h, device, top))
      .map((hop) => ({ hop }));
  };
  const layers = (a.layers ?? []).map((layer) => ({ layer, ...(layer.linkedBy ? { linkedBy: layer.linkedBy } : {}), hops: hopsOf(layer.device, layer.role === 'top') }));
  const submitters = [...new Set(a.submitters.map((s) => s.comm))].join(', ') || 'the workload';
  return { layers, submitters, resolved, ...(histTotal > 0 ? { noHopShare: (hist['0'] ?? 0) / histTotal } : {}) };
}
