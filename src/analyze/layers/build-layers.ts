import { COMPLETION_MODES, type CompletionMode } from '../../model/io.js';
import type { HopSummary, Layer, LayerRole } from '../../model/layers.js';
import type { Fold } from '../summary.js';
import { REMAP_LINK } from './bio.js';
import { lowerOf } from './track.js';
import type { LayersState } from './layers-state.js';

/**
 * The `layers` of an Analysis, top first: the top device with the workload's figures (the main
 * fold), then each device beneath it as the trace proved the links, then devices with only
 * background I/O. Each says how much of its work was background.
 */

const zeroModes = (): Record<CompletionMode, number> => Object.fromEntries(COMPLETION_MODES.map((m) => [m, 0])) as Record<CompletionMode, number>;

function counts(f: Fold): Pick<Layer, 'ios' | 'byMode' | 'byDirection' | 'latencyUs'> {
  return { ios: f.total, byMode: { ...f.byMode }, byDirection: { ...f.byDirection }, latencyUs: f.latency().total };
}

export function buildLayers(s: LayersState, fold: Fold, unit: 'dio' | 'request'): { layers: Layer[]; hops: HopSummary } {
  const devices = [...s.tallies.keys()].filter((d) => d !== '?');
  // The top: where the workload was counted (most workload I/Os), else a device nothing is above.
  const tops = devices.filter((d) => (s.tallies.get(d)?.workload ?? 0) > 0).sort((a, b) => (s.tallies.get(b)?.workload ?? 0) - (s.tallies.get(a)?.workload ?? 0));
  const order: string[] = [];
  for (const top of tops) for (let d: string | undefined = top; d && !order.includes(d); d = lowerOf(s, d)) order.push(d);
  for (const d of devices.sort()) if (!order.includes(d)) order.push(d);
  const layers: Layer[] = order.map((device) => {
    const t = s.tallies.get(device);
    const link = s.below.get(device);
    const lower = lowerOf(s, device);
    const above = [...s.below].filter(([l]) => l === device).map(([, x]) => x.upper);
    const isTop = (t?.workload ?? 0) > 0;
    // A remap (bio.ts) proves a dm/md target; any other link is a servicer's I/O on a backing
    // file (loop: its work function, which perf.data may print as an address, or inline).
    const role: LayerRole = isTop ? 'top' : link ? (link.fn === REMAP_LINK ? 'dm-target' : 'loop-backing') : 'physical';
    const own = isTop ? counts(fold) : t ? counts(t.servicing) : { ios: 0, byMode: zeroModes(), byDirection: { R: 0, W: 0, unknown: 0 } };
    const bg = t ? counts(t.background) : { ios: 0, byMode: zeroModes(), byDirection: { R: 0, W: 0, unknown: 0 } };
    const all = own.ios + bg.ios;
    const layer: Layer = {
      device,
      name: s.names.get(device) ?? device,
      role,
      unit: isTop ? unit : (t?.unit ?? 'request'),
      ...own,
      above,
      below: lower ? [lower] : [],
      servicing: isTop ? 0 : (t?.servicing.total ?? 0),
      background: { ...bg, submitters: t ? [...t.backgroundSubmitters].map(([comm, ios]) => ({ comm, ios })).sort((a, b) => b.ios - a.ios).slice(0, 10) : [] },
      backgroundShare: all > 0 ? Math.round((bg.ios / all) * 1000) / 1000 : 0,
    };
    if (isTop && s.nowaitRetries > 0) layer.nowaitRetries = s.nowaitRetries;
    if (link?.fn === REMAP_LINK) layer.linkedBy = `block_bio_remap: bios of ${link.upper} (a bio-based device: dm, md) went on to this device`;
    else if (link) layer.linkedBy = link.fn === 'inline' ? `its DIOs were submitted inline by the task that issued on ${link.upper} (same byte position)` : `${link.fn}${link.workqueue ? ` on ${link.workqueue}` : ''}, queued after an issue on ${link.upper}, ran its I/O`;
    return layer;
  });
  const histogram: Record<string, number> = {};
  for (const [n, c] of [...s.hopCounts].sort((a, b) => a[0] - b[0])) histogram[String(n)] = c;
  const common = [...s.hopChains].sort((a, b) => b[1] - a[1])[0]?.[0];
  return { layers, hops: { histogram, common: common ? common.split(' > ') : [] } };
}
