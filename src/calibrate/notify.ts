import type { DeviceSamples } from './kernel-samples.js';
import type { CalibratedValue } from './model.js';
import { quantileSorted, type Values as Samples } from './samples.js';
import { byDefault, measured, MIN_SAMPLES, ns, type Values } from './values.js';
import type { BusyIrqSample, SubmissionSample } from './walk.js';

/**
 * Which submissions trap on the device notify (kickWhen). A virtio-blk guest with
 * VIRTIO_RING_F_EVENT_IDX notifies only when the host asked for it (vring_need_event), and the
 * host asks once it has posted everything it took and found the ring empty. So a submission made
 * while none of the submitter's requests is in flight must always notify (the host has nothing,
 * it is waiting), whereas with requests in flight it notifies only if the host happens to have
 * finished them. A device whose notify traps at random (or always) shows no such split.
 *
 * A trap is an issue → queued gap (fio's own time, interrupts taken out) longer than
 * median + max(5 µs, 2·median), as for kickProb (costs-fio.ts).
 */

/**
 * The host-idle rule: at least this share of the submissions with nothing in flight trap (a host
 * may still be polling its ring for a moment after posting), and at most half as large a share of
 * the others: trapping then depends on the host's state, not on chance.
 */
const IDLE_KICKS = 0.9;

export interface NotifyRule {
  values: Values;
  /** Issue times of the submissions that trapped (host-idle only: they start the host's runs). */
  kicked: Set<number> | null;
}

export function notifyRule(subs: readonly SubmissionSample[]): NotifyRule {
  if (subs.length === 0) return { values: { kickWhen: byDefault('kickWhen', 'No submission of the submitter followed from block_rq_issue to iomap_dio_rw_queued.') }, kicked: null };
  const sorted = subs.map((s) => s.postNs).sort((a, b) => a - b);
  const med = sorted.length > 0 ? quantileSorted(sorted, 0.5) : 0;
  const cut = med + Math.max(5000, 2 * med);
  let idle = 0;
  let idleKicks = 0;
  let busy = 0;
  let busyKicks = 0;
  for (const s of subs) {
    const k = s.postNs > cut ? 1 : 0;
    if (s.inflight === 0) (idle++, (idleKicks += k));
    else (busy++, (busyKicks += k));
  }
  const pct = (a: number, b: number): string => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : '–');
  const facts = `with none of the submitter's requests in flight ${idleKicks} of ${idle} submissions trapped on the notify (${pct(idleKicks, idle)}), with some in flight ${busyKicks} of ${busy} (${pct(busyKicks, busy)})`;
  const hostIdle = idle >= MIN_SAMPLES && busy > 0 && idleKicks >= IDLE_KICKS * idle && busyKicks / busy <= idleKicks / idle / 2;
  if (!hostIdle) {
    return {
      values: { kickWhen: measured('random', subs.length, `${facts}: not the host-idle pattern (at least ${100 * IDLE_KICKS}% of the first and at most half that share of the second), so each submission traps at kickProb`) },
      kicked: null,
    };
  }
  const kicked = new Set<number>();
  for (const s of subs) if (s.postNs > cut) kicked.add(s.issueTs);
  return {
    values: {
      kickWhen: measured('host-idle', idle, `${facts}: a submission traps exactly when the host has nothing left (virtio EVENT_IDX: the host asks for a notify once it has posted all it took), so whether one traps follows from the host's runs, not from kickProb`),
    },
    kicked,
  };
}

/**
 * irqDelayNs where the host-idle rule holds: a submission that trapped although some of the
 * submitter's requests were still in flight found the host re-armed, so the host had already
 * posted those requests; the interrupt that delivers them enters after the notify. In the model
 * (src/sim/device.ts) the host posts and re-arms at once and the interrupt enters irqDelayNs (+
 * idleWakeNs on an idle CPU) later, so the notify → that interrupt's entry is at most that: its
 * median is a lower bound of irqDelayNs (the notify comes some time after the host re-armed).
 */
export function irqDelayValue(
  subs: readonly SubmissionSample[],
  kicked: ReadonlySet<number>,
  d: DeviceSamples,
  x: { idleWakeNs: number },
): CalibratedValue | null {
  const order = d.toIrq.map((_, i) => i).sort((a, b) => (d.issueTs[a] as number) + (d.toIrq[a] as number) - ((d.issueTs[b] as number) + (d.toIrq[b] as number)));
  const entry = (i: number): number => (d.issueTs[i] as number) + (d.toIrq[i] as number);
  const offsets: number[] = [];
  for (const s of subs) {
    if (s.inflight === 0 || !kicked.has(s.issueTs)) continue;
    // First interrupt entering after this issue (binary search), then the first one inside the trap that delivered an earlier request.
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (entry(order[mid] as number) <= s.issueTs) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < order.length; k++) {
      const i = order[k] as number;
      const t = entry(i);
      if (t > s.endTs) break;
      if ((d.issueTs[i] as number) < s.issueTs) {
        // One posted from the vCPU's own physical CPU enters at once: no measure of the delay.
        if (d.busy[i] !== true) offsets.push(t - s.issueTs - (d.idle[i] ? x.idleWakeNs : 0));
        break;
      }
    }
  }
  if (offsets.length < MIN_SAMPLES) return null;
  offsets.sort((a, b) => a - b);
  return measured(
    ns(quantileSorted(offsets, 0.5)),
    offsets.length,
    "median of block_rq_issue of a request that notified the host with some of the submitter's requests still in flight → irq_handler_entry of the interrupt, inside that trap, that delivered those earlier requests (not one that entered a CPU running a task: the host posted that from its physical CPU, see irqStealNs), less idleWakeNs on an idle CPU: the host had posted them and re-armed before the notify, so this is at most the interrupt's delay (a lower bound)",
  );
}

/**
 * The stall seen before one interrupt into a CPU running a task: its gap from that CPU's previous
 * event, less half the median gap that kind of event leaves when no interrupt follows (the
 * interrupt comes at a random instant of such a gap: half-way on average). Undefined when that
 * kind has too few plain gaps.
 */
export type StallOf = (gapNs: number, prevKind: string) => number | undefined;

export function stallEstimator(plain: ReadonlyMap<string, Samples>): StallOf {
  const medians = new Map<string, number | undefined>();
  return (gapNs, kind) => {
    if (!medians.has(kind)) {
      const v = plain.get(kind);
      medians.set(kind, v === undefined || v.n < MIN_SAMPLES ? undefined : quantileSorted([...v.values()].sort((a, b) => a - b), 0.5));
    }
    const m = medians.get(kind);
    return m === undefined || !Number.isFinite(gapNs) ? undefined : gapNs - m / 2;
  };
}

/**
 * irqStealNs where the host-idle rule holds: the host thread shares the physical CPU of the vCPU
 * that takes the device interrupt, and to post while that vCPU runs guest code it holds the CPU
 * first (src/sim/model.ts); a halted vCPU, or one exited on a notify, costs nothing. So the cost
 * is seen in the interrupts that entered a CPU running a task, except those right after the
 * submitter's block_rq_issue (it was out on its notify): the mean stall before them (StallOf).
 */
export function busyStealValue(busy: readonly BusyIrqSample[], stallOf: StallOf, irq: number | null): CalibratedValue | null {
  let sum = 0;
  let n = 0;
  for (const b of busy) {
    if (b.irq !== irq || b.afterIssue) continue;
    const stall = stallOf(b.gapNs, b.prevKind);
    if (stall === undefined) continue;
    sum += stall;
    n++;
  }
  if (n < MIN_SAMPLES) return null;
  return measured(
    ns(sum / n),
    n,
    "mean stall before a device interrupt that entered a CPU running a task (not right after the submitter's block_rq_issue, when it was out on its notify): the gap from that CPU's previous event to irq_handler_entry, less half the median gap that kind of event leaves when no interrupt follows; a halted vCPU, or one exited on a notify, takes the interrupt without it (kickWhen host-idle)",
  );
}
