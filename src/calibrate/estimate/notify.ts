import { quantileSorted } from 'simple-statistics';
import { NS_PER_US } from '../../model/time.js';
import { trapCutNs } from './costs-fio.js';
import type { DeviceSamples } from '../collect/kernel-samples.js';
import type { CalibratedValue, CalibratedValues } from './model-file.js';
import type { KeptValues } from '../collect/accumulators.js';
import { byDefault, measured, MIN_SAMPLES, ns } from './calibrated-values.js';
import { RELEASE_WINDOW_NS, STALL_MIN_NS, type BusyIrqSample, type ReleaseSample, type SubmissionSample } from '../collect/walk-result.js';

/**
 * Which submissions trap on the device notify (kickWhen). A virtio-blk guest with
 * VIRTIO_RING_F_EVENT_IDX notifies only when the host asked for it (vring_need_event), and the
 * host asks once it has posted everything it took and found the ring empty. So a submission made
 * while none of the submitter's requests is in flight must always notify (the host has nothing,
 * it is waiting), whereas with requests in flight it notifies only if the host happens to have
 * finished them. A device whose notify traps at random (or always) shows no such split.
 *
 * A trap is an issue → queued gap (fio's own time, interrupts taken out) longer than
 * trapCutNs (median + max(5 µs, 2·median)), as for kickProb (costs-fio.ts).
 */

/**
 * The host-idle rule: at least this share of the submissions with nothing in flight trap (a host
 * may still be polling its ring for a moment after posting), and at most half as large a share of
 * the others: trapping then depends on the host's state, not on chance.
 */
const IDLE_KICKS = 0.9;

export interface NotifyRule {
  values: CalibratedValues;
  /** Issue times of the submissions that trapped (host-idle only: they start the host's runs). */
  kicked: Set<number> | null;
}

export function notifyRule(subs: readonly SubmissionSample[]): NotifyRule {
  if (subs.length === 0) return { values: { kickWhen: byDefault('kickWhen', 'No submission of the submitter followed from block_rq_issue to iomap_dio_rw_queued.') }, kicked: null };
  const cut = trapCutNs(subs.map((s) => s.postNs));
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
 * posted those requests; the interrupt that delivers them enters after the notify. When fio runs
 * on the interrupt's CPU the host held that interrupt for this exit (the vCPU ran guest code when
 * it posted), and it enters as the vCPU re-enters: notify → entry is the exit's round trip, which
 * the simulator (src/sim/device.ts) spends as irqDelayNs. When the interrupt goes to another, idle
 * vCPU the host posted and re-armed before the notify and the interrupt entered irqDelayNs (+
 * idleWakeNs) after that, so notify → entry is a lower bound of irqDelayNs.
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
    "median of block_rq_issue of a request that notified the host with some of the submitter's requests still in flight → irq_handler_entry of the interrupt, inside that trap, that delivered those earlier requests (not one that entered a CPU running a task after a stall), less idleWakeNs on an idle CPU: the host had posted them and re-armed before the notify; held for that exit (fio on the interrupt's CPU) they enter as the vCPU re-enters, irqDelayNs after the notify, and posted to another, idle vCPU this is at most their delay (a lower bound)",
  );
}

/**
 * The stall seen before one interrupt into a CPU running a task: its gap from that CPU's previous
 * event, less half the median gap that kind of event leaves when no interrupt follows (the
 * interrupt comes at a random instant of such a gap: half-way on average). Undefined when that
 * kind has too few plain gaps.
 */
export type StallOf = (gapNs: number, prevKind: string) => number | undefined;

export function stallEstimator(plain: ReadonlyMap<string, KeptValues>): StallOf {
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
 * irqStealNs where the host-idle rule holds but no interrupt was taken on the way back from a
 * notify (releaseValues has nothing: fio does not share the interrupt's CPU): the host's stall is
 * then seen only before interrupts that entered a CPU running a task, except those right after
 * the submitter's block_rq_issue (it was out on its notify): the mean stall before them (StallOf).
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

/**
 * kickNs where the host-idle rule holds: the trap of a notify that found no interrupt held, i.e.
 * one with no interrupt between block_rq_issue and queued (a notify that released a held interrupt
 * re-enters with it at once, and the host's time comes as a stall after it: releaseValues).
 */
export function hostKickValue(subs: readonly SubmissionSample[], kicked: ReadonlySet<number>, postIssueNs: number): CalibratedValue | null {
  let sum = 0;
  let n = 0;
  for (const s of subs) {
    if (s.irqs !== 0 || !kicked.has(s.issueTs)) continue;
    sum += s.postNs;
    n++;
  }
  if (n < MIN_SAMPLES) return null;
  return measured(
    ns(sum / n - postIssueNs),
    n,
    "mean of block_rq_issue → iomap_dio_rw_queued of the submissions that trapped on the notify with no interrupt in between, less submitPostIssueNs (kickWhen host-idle: a notify that finds an interrupt held for the vCPU exits only until it takes it; see hostTakeNs)",
  );
}

/**
 * hostTakeNs and irqStealNs where the host-idle rule holds. An interrupt that enters right after
 * the submitter's block_rq_issue was held for that notify's exit (the vCPU was running guest code
 * when the host posted). After it the host, woken by the notify, takes the vCPU's physical CPU:
 * on the VM captures the first gap of 10 µs or more after such an interrupt starts 5–7 µs after its
 * entry and lasts 30–50 µs, and the next interrupt (the host's post of the request that notified)
 * enters as it ends. The stall is the gap less half the usual gap of its earlier event's kind
 * (StallOf), and starts where that leaves it.
 */
export function releaseValues(rs: readonly ReleaseSample[], stallOf: StallOf): { hostTakeNs: CalibratedValue; irqStealNs: CalibratedValue } | null {
  const take: number[] = [];
  let sum = 0;
  for (const r of rs) {
    if (!Number.isFinite(r.gapNs)) continue;
    const stall = stallOf(r.gapNs, r.prevKind) ?? r.gapNs;
    take.push(Math.max(0, r.prevTs + (r.gapNs - stall) - r.entryTs));
    sum += stall;
  }
  const n = take.length;
  if (n < MIN_SAMPLES) return null;
  take.sort((a, b) => a - b);
  const what = `after a device interrupt that entered right after the submitter's block_rq_issue (taken on the way back from that notify; ${n} of ${rs.length} had a gap of ${STALL_MIN_NS / NS_PER_US} µs or more within ${RELEASE_WINDOW_NS / NS_PER_US} µs)`;
  return {
    hostTakeNs: measured(ns(quantileSorted(take, 0.5)), n, `median time from irq_handler_entry to the start of the first stall ${what}: the gap's earlier event plus half the usual gap of its kind`),
    irqStealNs: measured(ns(sum / n), n, `mean length of that stall (the gap less half the usual gap of its earlier event's kind): the host holding the interrupt vCPU's physical CPU after the notify, then posting`),
  };
}

/**
 * The host's notify → run time where the host-idle rule holds, one sample per run started by a
 * notify that found no interrupt held. The requests one interrupt delivered were posted by one
 * run; that run came after the last of them was queued, and no later than the next submission if
 * that one trapped (the host re-arms as it posts). When the interrupt entered an idle CPU, or
 * during the trap of the notify that started the run, it came at once: run = entry − irqDelayNs
 * (− idleWakeNs if idle), kept within those bounds. When it entered right after a later notify the
 * host had held it for the vCPU's exit: the middle of the bounds. Runs
 * whose interrupt came after a stall of a busy CPU, or started by a notify that released a held
 * interrupt (posted at the end of the host's stall, see releaseValues), are left out.
 */
export function hostRunSamples(d: DeviceSamples, subs: readonly SubmissionSample[], kicked: ReadonlySet<number>, x: { irqDelayNs: number; idleWakeNs: number }): number[] {
  const byIssue = new Map<number, number>();
  subs.forEach((s, i) => {
    if (!byIssue.has(s.issueTs)) byIssue.set(s.issueTs, i);
  });
  const groups = new Map<number, number[]>();
  for (let i = 0; i < d.toIrq.length; i++) {
    const entry = (d.issueTs[i] as number) + (d.toIrq[i] as number);
    let g = groups.get(entry);
    if (g === undefined) groups.set(entry, (g = []));
    g.push(i);
  }
  const out: number[] = [];
  for (const [entry, g] of groups) {
    let first = Infinity;
    let last = -Infinity;
    for (const i of g) {
      const t = d.issueTs[i] as number;
      if (kicked.has(t) && t < first) first = t;
      if (t > last) last = t;
    }
    const fi = byIssue.get(first);
    const li = byIssue.get(last);
    if (fi === undefined || li === undefined) continue;
    const f = subs[fi] as SubmissionSample;
    const next = subs[li + 1];
    const lo = last - first;
    const hi = next !== undefined && kicked.has(next.issueTs) ? next.issueTs - first : Infinity;
    const i0 = g[0] as number;
    const at = entry - first - x.irqDelayNs;
    const ownTrap = d.busy[i0] !== true && d.idle[i0] !== true && entry <= f.endTs;
    if (ownTrap) out.push(Math.min(hi, Math.max(lo, at)));
    else if (f.injected) continue;
    else if (d.idle[i0] === true) out.push(Math.min(hi, Math.max(lo, at - x.idleWakeNs)));
    else if (d.busy[i0] !== true && Number.isFinite(hi)) out.push((lo + hi) / 2);
  }
  return out;
}
