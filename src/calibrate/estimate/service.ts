import { quantileSorted } from 'simple-statistics';
import { NS_PER_US } from '../../model/time.js';
import type { DeviceSamples } from '../collect/kernel-samples.js';
import type { StallOf } from './notify.js';
import { byDefault, measured, MIN_SAMPLES, ns } from './calibrated-values.js';
import type { CalibratedValues } from './model-file.js';

/**
 * The device's service time as an empirical histogram. The trace shows, per I/O, block_rq_issue
 * and the irq_handler_entry of the interrupt that delivered it. In the simulator (src/sim/device.ts,
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

/** A service time is at least this long: an estimate below it is noise of the subtraction. */
const SERVICE_FLOOR_NS = NS_PER_US;

const EDGES = [...Array.from({ length: 38 }, (_, i) => (i + 1) * 0.025), 0.96, 0.97, 0.98, 0.99, 0.995, 0.999, 1];

export interface ServiceInputs {
  irqDelayNs: number;
  irqStealNs: number;
  idleWakeNs: number;
  /** The stall seen before one interrupt (host-idle only, notify.ts). */
  stallOf?: StallOf;
}

/**
 * `kicked` (kickWhen = host-idle, notify.ts): the device is the virtio host, which serves in one
 * run every request queued between a notify and its run (src/sim/device.ts). Its "service time"
 * is then notify → run: `hostRuns` gives it per run (notify.ts hostRunSamples); without them it is
 * read off the requests that notified: issue → entry of the interrupt that delivered them, less
 * the whole path (all of a run's requests are posted at once).
 */
export function serviceValues(d: DeviceSamples, x: ServiceInputs, kicked: ReadonlySet<number> | null = null, hostRuns: readonly number[] | null = null): { values: CalibratedValues; samples: number[] } {
  const v: CalibratedValues = {};
  const use: number[] = [];
  if (hostRuns === null) for (let i = 0; i < d.toIrq.length; i++) if (kicked === null || kicked.has(d.issueTs[i] as number)) use.push(i);
  const n = hostRuns !== null ? hostRuns.length : use.length;
  if (n < MIN_SAMPLES) {
    for (const k of ['serviceDist', 'serviceHistogram', 'serviceLowNs', 'serviceMedianNs'] as const) v[k] = byDefault(k, `Too few I/Os linked from issue to the interrupt that delivered them (${n}).`);
    return { values: v, samples: [] };
  }
  const xs: number[] = hostRuns !== null ? hostRuns.map((x) => Math.max(SERVICE_FLOOR_NS, x)) : [];
  for (const i of use) {
    // A virtio host (kicked !== null) holds a busy vCPU's physical CPU, then posts as it gives it
    // back: that interrupt enters at once, after the stall its gap shows; otherwise (or if that
    // stall is shorter) it took irqDelayNs.
    const stall = kicked !== null && d.busy[i] === true && x.stallOf !== undefined ? (x.stallOf(d.gapNs[i] as number, d.prevKind[i] as string) ?? 0) : 0;
    const path = kicked !== null ? Math.max(stall, x.irqDelayNs + (d.idle[i] ? x.idleWakeNs : 0)) : x.irqDelayNs + x.irqStealNs + (d.idle[i] ? x.idleWakeNs : 0);
    const toIrq = d.toIrq[i] as number;
    xs.push(Math.max(SERVICE_FLOOR_NS, kicked !== null || (d.pos[i] ?? 0) === 0 ? toIrq - path : toIrq - path / 2));
  }
  xs.sort((a, b) => a - b);
  const low = ns(quantileSorted(xs, 0));
  const bins: [number, number][] = [];
  let lastEdge = low;
  let lastP = 0;
  for (const p of EDGES) {
    const edge = ns(quantileSorted(xs, p));
    // The bin's weight in ‰, to 0.1 ‰.
    const w = Math.round((p - lastP) * 10000) / 10;
    lastP = p;
    const top = bins[bins.length - 1];
    if (edge <= lastEdge && top !== undefined) top[1] = Math.round((top[1] + w) * 10) / 10;
    else {
      bins.push([Math.max(edge, lastEdge + 1), w]);
      lastEdge = Math.max(edge, lastEdge + 1);
    }
  }
  const how =
    hostRuns !== null
      ? "the host's notify → run time (kickWhen host-idle, notify.ts hostRunSamples): per run started by a notify that found no interrupt held, between the issue of the last request it posted and the next submission that trapped; issue → entry of its interrupt less irqDelayNs (+ idleWakeNs) when the vCPU took it at once"
      : kicked !== null
      ? 'block_rq_issue → irq_handler_entry of the interrupt that delivered it, for the requests that notified the host (kickWhen host-idle: the host\'s notify → run), less the stall seen before it if it entered a CPU running a task (the host held its physical CPU, then posted) or irqDelayNs (+ idleWakeNs if the CPU was idle), whichever is longer'
      : 'block_rq_issue → irq_handler_entry of the interrupt that delivered the I/O, less irqDelayNs + irqStealNs (+ idleWakeNs if the CPU was idle), halved for I/Os that joined a batch';
  v.serviceDist = measured('empirical', n, 'the service time is taken as measured, not as a fitted shape');
  v.serviceHistogram = measured(bins, n, `quantile bins [upper ns, weight ‰] of ${how}`);
  v.serviceLowNs = measured(low, n, `smallest value of ${how}`);
  v.serviceMedianNs = measured(ns(quantileSorted(xs, 0.5)), n, `median of ${how} (informative: the empirical histogram is what runs)`);
  return { values: v, samples: xs };
}
