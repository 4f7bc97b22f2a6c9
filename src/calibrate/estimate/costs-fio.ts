import { quantileSorted } from 'simple-statistics';
import { NS_PER_US } from '../../model/time.js';
import { PARAM_SPECS } from '../../sim/params.js';
import type { FioSamples, StealEstimate } from './replay.js';
import type { CalibratedValue, CalibratedValues } from './model-file.js';
import { byDefault, measured, MIN_SAMPLES, ns } from './calibrated-values.js';

/**
 * fio's and the submission path's CPU costs, from the replayed timeline (replay.ts). In the
 * simulator (src/sim/workload.ts) one submission is
 *   fioPrepNs · syscallNs/2 · [begin] submitPreIssueNs [issue] submitPostIssueNs (+ kickNs with
 *   kickProb) [queued] · syscallNs/2
 * and a reap of n events is syscallNs/2 · n·reapPerEventNs · syscallNs/2 · n·fioCompletionNs;
 * a blocking reap sleeps after its first syscallNs/2. Hence fio's own time (gaps.ts: running,
 * less interrupts, less the switch back in) in each gap is
 *   begin → issue                     = submitPreIssueNs
 *   issue → queued                    = submitPostIssueNs (+ kickNs)
 *   queued → begin, no reap           = syscallNs + fioPrepNs
 *   queued → begin, reap of n         = 2·syscallNs + fioPrepNs + n·(reapPerEventNs + fioCompletionNs)
 *     (the same when it slept in the reap: the switch in is charged to ctxSwitchNs)
 *   queued → falling asleep           = syscallNs
 */

export interface FioCosts {
  values: CalibratedValues;
}

export function fioCosts(s: FioSamples, engine: string, steal: CalibratedValue): FioCosts {
  const v: CalibratedValues = {};
  const pre = s.preIssue.mean();
  v.submitPreIssueNs =
    s.preIssue.n >= MIN_SAMPLES
      ? measured(ns(pre), s.preIssue.n, 'mean of iomap_dio_rw_begin → block_rq_issue of the submitter with no interrupt between')
      : byDefault('submitPreIssueNs', 'Too few begin → issue gaps without interrupts.');

  v.irqStealNs = steal;

  Object.assign(v, kick(s));
  Object.assign(v, loop(s, engine));
  return { values: v };
}

export function stealValue(s: StealEstimate): CalibratedValue {
  if (s.samples < MIN_SAMPLES) return byDefault('irqStealNs', 'No begin → issue gaps with an interrupt inside to compare with clean ones.');
  const ratio = Number.isFinite(s.arrivalRatio) ? s.arrivalRatio : 1;
  return measured(
    ns(s.stealNs),
    s.samples,
    `time per interrupt run that no event accounts for (VM exit, injection, host stalls before irq_handler_entry): begin → issue gaps an interrupt fell in are ${(s.excessNs / NS_PER_US).toFixed(1)} µs longer per run, less their traced irq/softirq time, than clean ones; interrupts land there at ${ratio.toFixed(2)}× the CPU's interrupt rate, so the excess is scaled by ${Math.min(1, ratio).toFixed(2)} to steal the same share of the CPU`,
  );
}

/**
 * issue → queued gaps come in two populations: the usual few hundred ns, and gaps µs to tens of
 * µs longer (a VM exit on the virtqueue notify). Anything TRAP_MIN_EXCESS_NS (or TRAP_MEDIANS
 * times the median) above the median is a trap (kick); trapCutNs is that threshold.
 */
const TRAP_MIN_EXCESS_NS = 5 * NS_PER_US;
const TRAP_MEDIANS = 2;
/** The trap rule as the model's `how` texts state it. */
const TRAP_CUT_RULE = `median + max(${TRAP_MIN_EXCESS_NS / NS_PER_US} µs, ${TRAP_MEDIANS}·median)`;

export function trapCutNs(postNs: readonly number[]): number {
  const sorted = [...postNs].sort((a, b) => a - b);
  const med = sorted.length > 0 ? quantileSorted(sorted, 0.5) : 0;
  return med + Math.max(TRAP_MIN_EXCESS_NS, TRAP_MEDIANS * med);
}

/** issue → queued: submitPostIssueNs, or that plus a trap on the queue notify (kick). */
function kick(s: FioSamples): CalibratedValues {
  const xs = s.post.values();
  if (xs.length < MIN_SAMPLES) {
    return {
      submitPostIssueNs: byDefault('submitPostIssueNs', 'Too few issue → queued gaps.'),
      kickProb: byDefault('kickProb', 'Too few issue → queued gaps.'),
      kickNs: byDefault('kickNs', 'Too few issue → queued gaps.'),
    };
  }
  const cut = trapCutNs(xs);
  let shortSum = 0;
  let shortN = 0;
  let longSum = 0;
  let longN = 0;
  for (const x of xs) {
    if (x > cut) (longSum += x), longN++;
    else (shortSum += x), shortN++;
  }
  const post = shortN > 0 ? shortSum / shortN : 0;
  const how = 'fio\'s own time from block_rq_issue to iomap_dio_rw_queued (or to its own iomap_dio_complete)';
  return {
    submitPostIssueNs: measured(ns(post), shortN, `mean of ${how}, for gaps up to ${TRAP_CUT_RULE}`),
    kickProb: measured(longN / xs.length, xs.length, `share of ${how} longer than ${TRAP_CUT_RULE}`),
    kickNs: longN > 0 ? measured(ns(longSum / longN - post), longN, `mean of those long gaps less submitPostIssueNs`) : measured(0, 0, 'no long issue → queued gaps'),
  };
}

/** Standard error (ns) below which the reap line's intercept counts as pinned down. */
const PINNED_INTERCEPT_SE_NS = 250;

/** fio's loop: syscall entry/exit, preparation, and the per-event cost of reaping. */
function loop(s: FioSamples, engine: string): CalibratedValues {
  const v: CalibratedValues = {};
  const reap = s.gapReap.fit();
  // fio's own work is best seen where nothing else happened; gaps with interrupts or switches
  // agree with them in the simulator, but on a VM they also hold host stalls that are not fio's.
  const cleanOnly = s.gapPlainClean.n >= MIN_SAMPLES;
  const plain = cleanOnly ? s.gapPlainClean : s.gapPlain;
  const plainHow = cleanOnly ? 'queued → begin gaps without a reap, interrupt or switch' : 'queued → begin gaps without a reap';
  const hasPlain = plain.n >= MIN_SAMPLES;
  const hasReap = s.gapReap.n >= MIN_SAMPLES;
  // With io_uring a reap from the user-space ring makes no syscall (src/sim/workload.ts).
  const reapSyscalls = engine === 'libaio' ? 1 : 0;
  // The intercept of own time against events reaped is trusted only when it is pinned down (reaps
  // of few events make it an interpolation; reaps of 20–30 a long extrapolation).
  const pinned = reap !== null && s.gapReap.spread() >= 2 && hasReap && reap.seA < PINNED_INTERCEPT_SE_NS;

  let syscall: number;
  // Falling asleep also sets up the wait; when that alone outlasts a whole plain gap it is no
  // measure of the syscall halves, and the plain gap (syscall + prep) is the firmer fact.
  const sleepFits = s.toSleep.n >= MIN_SAMPLES && (!hasPlain || s.toSleep.mean() < plain.mean());
  if (sleepFits) {
    syscall = Math.max(0, s.toSleep.mean());
    v.syscallNs = measured(ns(syscall), s.toSleep.n, "mean of fio's own time from iomap_dio_rw_queued to switching out asleep (io_submit exit + io_getevents entry)");
  } else if (reapSyscalls === 1 && pinned && reap !== null && hasPlain && reap.a >= plain.mean()) {
    syscall = reap.a - plain.mean();
    v.syscallNs = measured(ns(syscall), reap.n + plain.n, `intercept of fio's own time in queued → begin gaps with a reap (against events reaped) less its mean in ${plainHow}`);
  } else {
    syscall = Math.min(PARAM_SPECS.syscallNs[0], hasPlain ? plain.mean() : Infinity);
    v.syscallNs = byDefault('syscallNs', 'Neither fio falling asleep after a submission nor its reaps pin the syscall cost down; fioPrepNs carries the rest of the measured gap, so their sum is as measured.');
    v.syscallNs.value = ns(syscall);
  }

  let prep = NaN;
  if (hasPlain) {
    prep = plain.mean() - syscall;
    v.fioPrepNs = measured(ns(prep), plain.n, `mean of fio's own time in ${plainHow}, less syscallNs`);
  } else if (pinned && reap !== null) {
    prep = reap.a - (1 + reapSyscalls) * syscall;
    v.fioPrepNs = measured(ns(prep), reap.n, "intercept of fio's own time in queued → begin gaps with a reap (against events reaped), less its syscalls");
  } else v.fioPrepNs = byDefault('fioPrepNs', 'No queued → begin gaps without a reap, and reaps that do not pin the intercept down.');

  // Per reaped event: io_getevents' copy plus fio's accounting; the trace shows their sum.
  let perEvent = NaN;
  let how = '';
  if (hasReap && Number.isFinite(prep)) {
    // The mean reap gap less its fixed part, over the mean events reaped: robust where the slope
    // is a long extrapolation.
    const m = s.gapReap.means();
    perEvent = (m.y - prep - (1 + reapSyscalls) * syscall) / m.x;
    how = "fio's mean own time in queued → begin gaps with a reap (fio's loop replayed: it reaps when iodepth I/Os are unreaped), less fioPrepNs and its syscalls, over the mean events reaped";
  } else if (reap !== null && s.gapReap.spread() >= 2 && hasReap) {
    perEvent = reap.b;
    how = "slope of fio's own time in queued → begin gaps with a reap against the events reaped";
  }
  if (Number.isFinite(perEvent) && perEvent >= 0) {
    const [r] = PARAM_SPECS.reapPerEventNs;
    const [c] = PARAM_SPECS.fioCompletionNs;
    const reapShare = r / (r + c);
    const n = s.gapReap.n;
    v.reapPerEventNs = measured(ns(perEvent * reapShare), n, `${how}; the trace shows only the sum with fioCompletionNs, split in the defaults' ratio ${r}:${c}`);
    v.fioCompletionNs = measured(ns(perEvent * (1 - reapShare)), n, `${how}; the rest of the per-event cost after reapPerEventNs`);
  } else {
    v.reapPerEventNs = byDefault('reapPerEventNs', 'No reaps could be measured.');
    v.fioCompletionNs = byDefault('fioCompletionNs', 'No reaps could be measured.');
  }
  return v;
}
