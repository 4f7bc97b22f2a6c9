import type { CompletionMode } from '../model/io.js';
import { NS_PER_MS, NS_PER_US } from '../model/time.js';
import type { CompareResult, QuantileComparison, SideSummary } from './schema.js';

/**
 * The verdict: what changed, by how much, and through which mechanism, in plain words. Built only
 * from numbers in the result, so every claim in it can be checked against the JSON:
 *  1. throughput: the IOPS change with its interval, or "no detectable difference" when the interval
 *     includes zero (or no interval when the traces are too short);
 *  2. mechanism: where completions ran (mode mix, IRQ context), whether the kworker or the
 *     interrupt shares the submitter's CPU, how often the submitter is preempted, what share of
 *     the submitter's CPU goes to completion work, how idle it is and how busy per I/O — a clause
 *     only when the change is big enough to matter and, where the data allow a test (modes,
 *     preemptions), detectable; CPU shares are totals without a test, so they get a size floor only;
 *  3. latency: total p50/p99 with intervals, and which phase (device or completion path) moved;
 *  4. the caveats that change how far the numbers can be trusted (one run per side, different
 *     workloads).
 */

/** The result as far as it is known when the verdict is written. */
type Draft = Omit<CompareResult, 'verdict'>;

/** Changes smaller than these are not worth a clause even when detectable. */
const MIN_MODE_PTS = 1;
const MIN_PREEMPT_PER_IO = 0.01;
const MIN_CPU_PTS = 2;
const MIN_IDLE_PTS = 5;
/** Idle share (%) below which the submitter's CPU counts as saturated. */
const SATURATED_IDLE = 2;
/** Relative change of busy CPU time per I/O worth a clause. */
const MIN_BUSY_PCT = 5;

const signed = (x: number, digits = 1): string => `${x >= 0 ? '+' : '-'}${Math.abs(x).toFixed(digits)}`;
const pct = (x: number): string => `${x >= 99.95 || x === 0 ? x.toFixed(0) : x >= 99 || x < 1 ? x.toFixed(2) : x.toFixed(1)}%`;
const rate = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e4 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0));
const US_PER_MS = NS_PER_MS / NS_PER_US;
const usStr = (x: number): string => (Math.abs(x) >= US_PER_MS ? `${(x / US_PER_MS).toFixed(2)} ms` : `${x.toFixed(1)} µs`);
const cpuList = (cpus: readonly number[]): string => (cpus.length === 1 ? `CPU ${cpus[0]}` : `CPUs ${cpus.join(',')}`);

function submitterName(s: SideSummary): string {
  return s.submitters[0]?.comm ?? 'the submitter';
}

function mainMode(s: SideSummary): CompletionMode | null {
  if (s.resolved === 0) return null;
  const order: CompletionMode[] = ['kworker-deferred', 'irq-inline', 'task-inline'];
  return order.reduce((best, m) => (s.byMode[m] > s.byMode[best] ? m : best), order[0]!);
}

function modeName(m: CompletionMode, s: SideSummary): string {
  if (m === 'kworker-deferred') return 'a kworker';
  if (m === 'task-inline') return 'the submitting task';
  if (m === 'irq-inline') return s.irqContext.softirq >= s.irqContext.hardirq ? 'the block softirq' : 'hardirq';
  return 'unresolved';
}

function throughputClause(r: Draft): string {
  const { iops, before: b, after: a } = r;
  if (iops.changePct === null) return `IOPS cannot be compared (no complete ${b.windowMs} ms window on a side)`;
  const ci = iops.ci95;
  const range = `${rate(iops.before)} → ${rate(iops.after)}`;
  if (ci === null) return `${a.label}: ${signed(iops.changePct)}% IOPS vs ${b.label} (${range}; no interval: the traces are too short)`;
  const ciText = `${Math.round(r.level * 100)}% CI ${signed(ci[0])}..${signed(ci[1])}`;
  if (!iops.significant) return `${a.label} vs ${b.label}: no detectable difference in IOPS (${signed(iops.changePct)}%, ${ciText}; ${range})`;
  return `${a.label}: ${signed(iops.changePct)}% IOPS vs ${b.label} (${ciText}; ${range})`;
}

function modeClauses(r: Draft): string[] {
  const b = r.before;
  const a = r.after;
  const mb = mainMode(b);
  const ma = mainMode(a);
  if (mb === null || ma === null) return [];
  const out: string[] = [];
  const nb = modeName(mb, b);
  const na = modeName(ma, a);
  if (mb !== ma || nb !== na) {
    out.push(`completions moved from ${nb} (${pct(r.modes[mb].before)}) to ${na} (${pct(r.modes[ma].after)})`);
  } else {
    const t = r.modes[mb];
    const moved = t.significant && Math.abs(t.diffPts) >= MIN_MODE_PTS;
    out.push(`completions ran mostly in ${nb} on both sides (${pct(t.before)} → ${pct(t.after)}${moved ? '' : ', no detectable change in the mix'})`);
  }
  const others = (['kworker-deferred', 'irq-inline', 'task-inline'] as CompletionMode[])
    .filter((m) => m !== mb && m !== ma)
    .filter((m) => r.modes[m].significant && Math.abs(r.modes[m].diffPts) >= MIN_MODE_PTS)
    .map((m) => `${m === 'task-inline' ? 'completions in the submitting task' : m === 'irq-inline' ? 'completions in IRQ context' : 'completions in a kworker'} ${pct(r.modes[m].before)} → ${pct(r.modes[m].after)}`);
  if (others.length > 0) out.push(others.join(', '));
  return out;
}

/** Share of a side's kworker items (or IRQ completions) that ran on one of its submitters' CPUs; null when there were none. */
function colocated(items: readonly { cpu: number; n: number }[], cpus: readonly number[]): number | null {
  const total = items.reduce((s, x) => s + x.n, 0);
  if (total === 0) return null;
  return items.filter((x) => cpus.includes(x.cpu)).reduce((s, x) => s + x.n, 0) / total;
}

function placementClauses(r: Draft): string[] {
  const b = r.before;
  const a = r.after;
  const who = submitterName(a);
  const away: { what: string; cpus: number[] }[] = [];
  const onto: string[] = [];
  const check = (what: string, pick: (s: SideSummary) => { cpu: number; n: number }[]): void => {
    const cb = colocated(pick(b), b.submitterCpus);
    const ca = colocated(pick(a), a.submitterCpus);
    if (cb === null || ca === null) return;
    if (cb >= 0.5 && ca < 0.5) away.push({ what, cpus: pick(a).map((x) => x.cpu) });
    else if (cb < 0.5 && ca >= 0.5) onto.push(what);
  };
  check('interrupt', (s) => s.irqCpus.map((q) => ({ cpu: q.cpu, n: q.completions })));
  check('kworker', (s) => s.kworkerCpus.map((k) => ({ cpu: k.cpu, n: k.items })));
  const out: string[] = [];
  // Say who moved: the submitter (pinned elsewhere) or the completion work (steered elsewhere).
  const moved = b.submitterCpus.join(',') !== a.submitterCpus.join(',');
  const list = (xs: string[]): string => `the ${xs.join(' and the ')}`;
  if (away.length > 0) {
    const whats = away.map((x) => x.what);
    const cpus = cpuList([...new Set(away.flatMap((x) => x.cpus))].sort((x, y) => x - y));
    if (moved) out.push(`${who} moved from ${cpuList(b.submitterCpus)} to ${cpuList(a.submitterCpus)}, away from ${list(whats)} (${cpus})`);
    else out.push(`${list(whats)} moved off ${who}'s ${cpuList(a.submitterCpus)} (to ${cpus})`);
  }
  if (onto.length > 0) {
    if (moved) out.push(`${who} moved from ${cpuList(b.submitterCpus)} to ${cpuList(a.submitterCpus)}, where ${list(onto)} ${onto.length === 1 ? 'runs' : 'run'}`);
    else out.push(`${list(onto)} now ${onto.length === 1 ? 'runs' : 'run'} on ${who}'s ${cpuList(a.submitterCpus)}`);
  }
  return out;
}

function cpuClauses(r: Draft, alpha: number): string[] {
  const who = submitterName(r.after);
  const out: string[] = [];
  const p = r.perIo.submitterPreemptions;
  const d = p.after - p.before;
  if (Number.isFinite(d) && Math.abs(d) >= MIN_PREEMPT_PER_IO && p.pValue < alpha) {
    const nums = `${p.before.toFixed(2)} → ${p.after.toFixed(2)} per I/O`;
    if (p.after < MIN_PREEMPT_PER_IO / 2) out.push(`${who} is no longer preempted by a kworker (${nums})`);
    else if (p.before < MIN_PREEMPT_PER_IO / 2) out.push(`${who} is now preempted by a kworker (${nums})`);
    else out.push(`${who} is preempted by a kworker ${d < 0 ? 'less' : 'more'} often (${nums})`);
  }
  const sb = r.cpu.before.shares;
  const sa = r.cpu.after.shares;
  const work = (s: typeof sb): number => s.hardirq + s.softirq + s.kworker;
  const dw = work(sa) - work(sb);
  const di = sa.idle - sb.idle;
  const parts: string[] = [];
  if (Math.abs(dw) >= MIN_CPU_PTS) parts.push(`spent ${pct(work(sb))} → ${pct(work(sa))} of its time in hardirq, softirq and kworkers`);
  if (Math.abs(di) >= MIN_IDLE_PTS || (parts.length > 0 && Math.min(sb.idle, sa.idle) < SATURATED_IDLE)) parts.push(`was idle ${pct(sb.idle)} → ${pct(sa.idle)}${saturation(sb.idle, sa.idle)}`);
  if (parts.length > 0) out.push(`${who}'s CPU ${parts.join(' and ')}`);
  // A saturated CPU's throughput is 1 / (busy time per I/O): say where the time per I/O went.
  const busyB = r.perIo.busyCpuUs;
  const own = r.perIo.submitterCpuUs;
  if ((sb.idle < SATURATED_IDLE || sa.idle < SATURATED_IDLE) && busyB.changePct !== null && Math.abs(busyB.changePct) >= MIN_BUSY_PCT) {
    out.push(`per I/O, ${who}'s CPU was busy ${busyB.before.toFixed(1)} → ${busyB.after.toFixed(1)} µs (${who} itself ${own.before.toFixed(1)} → ${own.after.toFixed(1)} µs)`);
  }
  return out;
}

/**
 * A CPU that is almost never idle during the I/O window is saturated: the throughput it drives is
 * bounded by CPU time, which is what makes completion work on that CPU cost IOPS.
 */
function saturation(before: number, after: number): string {
  const sb = before < SATURATED_IDLE;
  const sa = after < SATURATED_IDLE;
  if (sb && sa) return ' (saturated on both sides)';
  if (sb && after >= MIN_IDLE_PTS) return ': saturated before, not after';
  if (sa && before >= MIN_IDLE_PTS) return ': saturated after, not before';
  return '';
}

function quantileText(name: string, q: QuantileComparison, level: number): string {
  const ci = q.ci95 ? `, ${Math.round(level * 100)}% CI ${signed(q.ci95[0])}..${signed(q.ci95[1])}` : '';
  return `${name} ${usStr(q.before)} → ${usStr(q.after)} (${signed(q.diff)} µs${ci})`;
}

function latencySentence(r: Draft): string | null {
  const t = r.latencyUs.total;
  if (!t) return null;
  const sig = [t.p50, t.p99].some((q) => q.significant);
  if (!sig) return `No detectable difference in total latency (${quantileText('p50', t.p50, r.level)}; ${quantileText('p99', t.p99, r.level)}).`;
  const qs = (['p50', 'p99'] as const).map((k) => (t[k].significant ? quantileText(k, t[k], r.level) : `${k} no detectable change (${usStr(t[k].before)} → ${usStr(t[k].after)})`));
  const phases: string[] = [];
  const dev = r.latencyUs.device;
  const comp = r.latencyUs.completion;
  if (dev?.p50.significant) phases.push(`device (issue → block completion) p50 ${usStr(dev.p50.before)} → ${usStr(dev.p50.after)}`);
  if (comp?.p50.significant) phases.push(`completion path (block completion → I/O completion) p50 ${usStr(comp.p50.before)} → ${usStr(comp.p50.after)}`);
  return `Total latency (submit → completion): ${qs.join('; ')}${phases.length > 0 ? `; of which ${phases.join(', ')}` : ''}.`;
}

/** Ends the warning about a side whose traces record only part of its workload (compare.ts), which the verdict leads with. */
export const NOT_THE_WORKLOAD = 'what is compared for it is not its whole workload, whatever the intervals say; see its limitations.';

export function buildVerdict(r: Draft): string {
  const alpha = 1 - r.level;
  const b = r.before;
  const a = r.after;
  const mechanism = [...modeClauses(r), ...placementClauses(r), ...cpuClauses(r, alpha)];
  const sentences = [`${[throughputClause(r), ...mechanism].join('; ')}.`];
  for (const s of [b, a]) {
    if (s.stalledWindows > 0 && s.stalledWindows >= 0.02 * s.windows) sentences.push(`${s.label}: I/O stalled (almost no completions) in ${s.stalledWindows} of its ${s.windows} ${s.windowMs} ms windows.`);
  }
  const lat = latencySentence(r);
  if (lat) sentences.push(lat);
  if (b.runs === 1 && a.runs === 1) sentences.push('One run per side: the intervals cover the noise within each trace only, so they cannot separate run-to-run variation from the change.');
  else if (b.runs === 1 || a.runs === 1) sentences.push(`One run ${b.runs === 1 ? 'before' : 'after'}: run-to-run variation on that side is not in the intervals.`);
  const workloads = r.warnings.find((w) => w.startsWith('The sides do different I/O'));
  if (workloads) sentences.push(workloads);
  // A side that recorded only part of its workload is said first: everything after is about that part.
  const partial = r.warnings.filter((w) => w.endsWith(NOT_THE_WORKLOAD));
  return [...partial, ...sentences].join(' ');
}
