import type { DeviceSamples } from './kernel-samples.js';
import { quantileSorted } from './samples.js';
import { byDefault, measured, MIN_SAMPLES, ns, type Values } from './values.js';

/**
 * The device's service time as an empirical histogram. The trace shows, per I/O, block_rq_issue
 * and the irq_handler_entry of the interrupt that delivered it. In the simulator (device.ts,
 * model.ts, cpu.ts) the first completion of an empty completion queue raises the interrupt
 * irqDelayNs later; an idle CPU first leaves its idle state (idleWakeNs); the injection costs
 * irqStealNs before the handler runs; completions that arrive meanwhile are read by the same
 * handler. So for the I/O that raised the interrupt
 *   service = (issue → entry) − irqDelayNs − irqStealNs − [idle] idleWakeNs
 * and an I/O that joined the batch finished somewhere between that instant and the entry: its
 * estimate is the middle, (issue → entry) − (irqDelayNs + irqStealNs + [idle] idleWakeNs) / 2.
 * Bins are quantiles, finer in the tail so the mean survives: 2.5% wide up to 95%, then 1%,
 * 0.5%, 0.4% and 0.1%.
 */

const EDGES = [...Array.from({ length: 38 }, (_, i) => (i + 1) * 0.025), 0.96, 0.97, 0.98, 0.99, 0.995, 0.999, 1];

export interface ServiceInputs {
  irqDelayNs: number;
  irqStealNs: number;
  idleWakeNs: number;
}

export function serviceValues(d: DeviceSamples, x: ServiceInputs): { values: Values; samples: number[] } {
  const v: Values = {};
  const n = d.toIrq.length;
  if (n < MIN_SAMPLES) {
    for (const k of ['serviceDist', 'serviceHistogram', 'serviceLowNs', 'serviceMedianNs'] as const) v[k] = byDefault(k, `Too few I/Os linked from issue to the interrupt that delivered them (${n}).`);
    return { values: v, samples: [] };
  }
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const path = x.irqDelayNs + x.irqStealNs + (d.idle[i] ? x.idleWakeNs : 0);
    const toIrq = d.toIrq[i] as number;
    xs.push(Math.max(1000, (d.pos[i] ?? 0) === 0 ? toIrq - path : toIrq - path / 2));
  }
  xs.sort((a, b) => a - b);
  const low = ns(quantileSorted(xs, 0));
  const bins: [number, number][] = [];
  let lastEdge = low;
  let lastP = 0;
  for (const p of EDGES) {
    const edge = ns(quantileSorted(xs, p));
    const w = Math.round((p - lastP) * 10000) / 10;
    lastP = p;
    const top = bins[bins.length - 1];
    if (edge <= lastEdge && top !== undefined) top[1] = Math.round((top[1] + w) * 10) / 10;
    else {
      bins.push([Math.max(edge, lastEdge + 1), w]);
      lastEdge = Math.max(edge, lastEdge + 1);
    }
  }
  const how = 'block_rq_issue → irq_handler_entry of the interrupt that delivered the I/O, less irqDelayNs + irqStealNs (+ idleWakeNs if the CPU was idle), halved for I/Os that joined a batch';
  v.serviceDist = measured('empirical', n, 'the service time is taken as measured, not as a fitted shape');
  v.serviceHistogram = measured(bins, n, `quantile bins [upper ns, weight ‰] of ${how}`);
  v.serviceLowNs = measured(low, n, `smallest value of ${how}`);
  v.serviceMedianNs = measured(ns(quantileSorted(xs, 0.5)), n, `median of ${how} (informative: the empirical histogram is what runs)`);
  return { values: v, samples: xs };
}
