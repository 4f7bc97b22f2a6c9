import { IopathError } from '../model/errors.js';
import { PHASES, type Phase } from '../model/io.js';
import type { CompareResult, CountRateComparison, QuantileComparison } from './schema.js';

/**
 * `--fail-on-regression METRIC[:THRESHOLD]`: a CI gate. A metric regressed when it got worse
 * detectably (its interval, or its test at the comparison's level, rules out "no change") AND the
 * estimated change is worse than THRESHOLD (default 0). Both are needed: significance alone fails
 * builds on changes too small to matter in long traces; a threshold alone fails them on noise.
 *
 * The gate uses the unadjusted test of its one metric: it is declared before the run, so there is
 * no search across metrics to correct for. A gate that cannot be evaluated (no interval: traces
 * too short; a phase absent) does not fail the build; it is reported as undecided.
 */

export interface RegressionGate {
  spec: string;
  metric: string;
  /** Percent (relative), or percentage points for `kworker`. */
  threshold: number;
}

export interface GateOutcome {
  gate: RegressionGate;
  status: 'regressed' | 'ok' | 'undecided';
  message: string;
}

/** Documented in --help: name, direction that is worse, threshold unit. */
export const GATE_METRICS: readonly { name: string; help: string }[] = [
  { name: 'iops', help: 'IOPS fell (threshold: % drop)' },
  { name: 'mbps', help: 'MB/s fell (threshold: % drop)' },
  { name: 'p50, p90, p99', help: 'total latency (submit → completion) quantile rose (threshold: % rise)' },
  { name: 'PHASE.pNN', help: 'the same for one phase: device, completion, deferralWait, work (e.g. completion.p99:10)' },
  { name: 'kworker', help: 'share of I/Os completed in a kworker rose (threshold: percentage points)' },
  { name: 'preemptions', help: 'kworker preemptions of the submitter per I/O rose (threshold: % rise)' },
  { name: 'ctxswitches', help: "context switches per I/O on the submitter's CPUs rose (threshold: % rise)" },
];

const QUANTILE = /^(?:(\w+)\.)?(p50|p90|p99)$/;
const SIMPLE = new Set(['iops', 'mbps', 'kworker', 'preemptions', 'ctxswitches']);

export function parseGate(spec: string): RegressionGate {
  const m = /^([A-Za-z0-9.]+)(?::([0-9]+(?:\.[0-9]+)?)%?)?$/.exec(spec.trim());
  const names = GATE_METRICS.map((g) => g.name).join(', ');
  if (!m) throw new IopathError('usage', `--fail-on-regression: expected METRIC[:THRESHOLD] (got "${spec}"); metrics: ${names}`);
  const metric = m[1]!.toLowerCase().replace('deferralwait', 'deferralWait');
  const q = QUANTILE.exec(metric);
  if (!SIMPLE.has(metric) && !(q && (q[1] === undefined || (PHASES as readonly string[]).includes(q[1])))) {
    throw new IopathError('usage', `--fail-on-regression: unknown metric "${m[1]}"; metrics: ${names}; phases: ${PHASES.join(', ')}`);
  }
  return { spec, metric, threshold: m[2] === undefined ? 0 : Number(m[2]) };
}

const fmt = (x: number, d = 1): string => `${x >= 0 ? '+' : ''}${x.toFixed(d)}`;

function rateGate(g: RegressionGate, name: string, r: CompareResult['iops'], level: number): GateOutcome {
  if (r.changePct === null || r.ci95 === null) return { gate: g, status: 'undecided', message: `${name}: no interval (traces too short), not gated` };
  const text = `${name} ${fmt(r.changePct)}% (${Math.round(level * 100)}% CI ${fmt(r.ci95[0])}..${fmt(r.ci95[1])})`;
  const worse = r.ci95[1] < 0 && -r.changePct > g.threshold;
  return { gate: g, status: worse ? 'regressed' : 'ok', message: worse ? `${text}: worse by more than ${g.threshold}%` : `${text}: not a regression beyond ${g.threshold}%` };
}

function quantileGate(g: RegressionGate, name: string, q: QuantileComparison | undefined, level: number): GateOutcome {
  if (!q || q.ci95 === null || !(q.before > 0)) return { gate: g, status: 'undecided', message: `${name}: no interval (phase absent or too few samples), not gated` };
  const rel = (100 * q.diff) / q.before;
  const text = `${name} ${q.before.toFixed(1)} → ${q.after.toFixed(1)} µs (${fmt(rel)}%, ${Math.round(level * 100)}% CI of the difference ${fmt(q.ci95[0])}..${fmt(q.ci95[1])} µs)`;
  const worse = q.ci95[0] > 0 && rel > g.threshold;
  return { gate: g, status: worse ? 'regressed' : 'ok', message: worse ? `${text}: worse by more than ${g.threshold}%` : `${text}: not a regression beyond ${g.threshold}%` };
}

function countGate(g: RegressionGate, name: string, c: CountRateComparison, alpha: number): GateOutcome {
  if (!Number.isFinite(c.pValue)) return { gate: g, status: 'undecided', message: `${name}: not measured on a side, not gated` };
  const rel = c.before > 0 ? (100 * (c.after - c.before)) / c.before : c.after > 0 ? Infinity : 0;
  const text = `${name} ${c.before.toFixed(3)} → ${c.after.toFixed(3)} per I/O (p=${c.pValue.toPrecision(2)})`;
  const worse = c.after > c.before && c.pValue < alpha && rel > g.threshold;
  return { gate: g, status: worse ? 'regressed' : 'ok', message: worse ? `${text}: worse by more than ${g.threshold}%` : `${text}: not a regression beyond ${g.threshold}%` };
}

export function evaluateGate(r: CompareResult, g: RegressionGate): GateOutcome {
  const alpha = 1 - r.level;
  if (g.metric === 'iops') return rateGate(g, 'IOPS', r.iops, r.level);
  if (g.metric === 'mbps') return rateGate(g, 'MB/s', r.mbps, r.level);
  if (g.metric === 'preemptions') return countGate(g, 'kworker preemptions of the submitter', r.perIo.submitterPreemptions, alpha);
  if (g.metric === 'ctxswitches') return countGate(g, 'context switches', r.perIo.contextSwitches, alpha);
  if (g.metric === 'kworker') {
    const k = r.modes['kworker-deferred'];
    if (!Number.isFinite(k.pValue)) return { gate: g, status: 'undecided', message: 'kworker share: no resolved I/O on a side, not gated' };
    const text = `kworker-deferred share ${k.before.toFixed(1)}% → ${k.after.toFixed(1)}% (${fmt(k.diffPts)} points, p=${k.pValue.toPrecision(2)})`;
    const worse = k.diffPts > g.threshold && k.pValue < alpha;
    return { gate: g, status: worse ? 'regressed' : 'ok', message: worse ? `${text}: worse by more than ${g.threshold} points` : `${text}: not a regression beyond ${g.threshold} points` };
  }
  const q = QUANTILE.exec(g.metric)!;
  const phase = (q[1] ?? 'total') as Phase;
  const key = q[2] as 'p50' | 'p90' | 'p99';
  return quantileGate(g, `${phase} latency ${key}`, r.latencyUs[phase]?.[key], r.level);
}

/**
 * The failure a set of gates amounts to: a `regression` error naming the gates that tripped, or
 * null when none did. A value, not a throw: the command prints every outcome first, then exits
 * with this error's code; a library caller may throw it.
 */
export function gateFailure(outcomes: readonly GateOutcome[]): IopathError | null {
  const tripped = outcomes.filter((o) => o.status === 'regressed').map((o) => o.gate.spec);
  return tripped.length === 0 ? null : new IopathError('regression', `regression: ${tripped.join(', ')}`);
}
