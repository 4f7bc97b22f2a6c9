import type { CompletionMode, IoUnit, Phase } from '../model/io.js';

/**
 * The `iopath compare --json` result, schema `iopath.compare/1`. A stable contract: fields may be
 * added, never removed or changed in meaning. Units are in the names or stated here; a value that
 * cannot be computed is `null` (JSON has no NaN), never a made-up number.
 *
 * {"schema": "iopath.compare/1",
 *  "level": 0.95,                      confidence level of every interval and test
 *  "seed": 1,                          seed of every resampling (same inputs + seed = same output)
 *  "before" | "after": {               one side: one run or several pooled
 *    "label", "inputs": [path…], "runs", "unit": "dio"|"request",
 *    "ios"       all I/Os seen; "resolved": those followed to a completion,
 *    "iops", "mbps"                    as `analyze` prints them (completions / I/O window), pooled over runs,
 *    "byMode": {MODE: count}, "irqContext": {"hardirq", "softirq"},
 *    "direction": {"R", "W", "unknown"},
 *    "submitters": [{"comm", "pid", "cpus", "ios"}], "submitterCpus": [cpu…],
 *    "kworkerCpus": [{"cpu", "items"}], "irqCpus": [{"cpu", "completions"}],
 *    "windows": complete windows behind the IOPS interval, "windowMs",
 *    "stalledWindows": windows with < 10% of the median completions (I/O stalled)},
 *  "iops": RATE, "mbps": RATE,
 *    RATE = {"before", "after"          per second, from the complete windows,
 *            "changePct", "ci95": [LOW, HIGH] | null (percent), "significant", "method"}
 *  "modes": {MODE: {"before", "after"   share in percent: of resolved I/Os, except `unresolved` (of all I/Os),
 *                   "countBefore", "countAfter", "diffPts", "ci95" (percentage points),
 *                   "pValue", "pAdjusted" (Benjamini–Hochberg), "test": "z"|"fisher", "significant"}},
 *  "irqContext": {"hardirq"|"softirq": same shape, share of resolved I/Os},
 *  "latencyUs": {PHASE: LATENCY}, "latencyUsByMode": {MODE: {PHASE: LATENCY}},
 *    LATENCY = {"count": {"before", "after"},
 *               "p50"|"p90"|"p99": {"before", "after", "diff", "ci95": [LOW, HIGH] (µs, of after − before), "significant"},
 *               "pValue", "pAdjusted", "test": "mann-whitney (normal|exact|permutation)",
 *               "designEffect": variance inflation for dependent sampled I/Os (≥ 1; intervals widened by its root),
 *               "effect": {"rankBiserial", "probabilityOfSuperiority", "hodgesLehmannUs"}, "significant"}
 *  "cpu": {"before"|"after": {"cpus": [cpu…], "windowMs", "shares": {CATEGORY: percent of those CPUs' time}},
 *          "change": {CATEGORY: percentage points}}
 *    CATEGORY = kworker (all kworker time), dioWork (of which DIO completion work items), softirq,
 *               hardirq, submitter, otherTask, idle, unknown
 *  "perIo": {"contextSwitches"|"submitterPreemptions": {"before", "after", "changePct", "pValue", "test"},
 *            PLAIN = {"before", "after", "changePct"} (µs per I/O, no test) for:
 *            "deferredCpuUs" (kworker CPU per kworker-deferred I/O), "deferredCpuUsPerIo" (per resolved I/O),
 *            "dioWorkUs" (of it inside the work item, per deferred I/O),
 *            "submitterCpuUs": the submitters' own CPU time per resolved I/O,
 *            "busyCpuUs": all non-idle time on the submitters' CPUs per resolved I/O (when that CPU is
 *                         saturated, IOPS ≈ 1 / busyCpuUs)},
 *  "method": {"iops", "mbps", "modes", "latency", "cpu", "perIo", "multipleTesting"},
 *  "warnings": ["…"],
 *  "verdict": "…"}
 *
 * MODE: irq-inline | kworker-deferred | task-inline | unresolved. PHASE: total | device | completion |
 * deferralWait | work. A phase or mode absent on either side (or with < 10 sampled values) is left
 * out of `latencyUs*`; both are empty when latencies were not compared (library option
 * `latency: false`). `significant`: interval excludes 0 (IOPS, MB/s, quantiles), or pAdjusted <
 * 1 − level (modes, IRQ context, latency tests). Percentages are 0–100, not fractions.
 */

export const COMPARE_SCHEMA = 'iopath.compare/1';

export type Interval = [number, number];

export interface SideSummary {
  label: string;
  inputs: string[];
  runs: number;
  unit: IoUnit;
  ios: number;
  resolved: number;
  iops: number;
  mbps: number;
  byMode: Record<CompletionMode, number>;
  irqContext: { hardirq: number; softirq: number };
  direction: { R: number; W: number; unknown: number };
  submitters: { comm: string; pid: number; cpus: number[]; ios: number }[];
  submitterCpus: number[];
  kworkerCpus: { cpu: number; items: number }[];
  irqCpus: { cpu: number; completions: number }[];
  windows: number;
  windowMs: number;
  stalledWindows: number;
}

export interface RateComparison {
  before: number;
  after: number;
  changePct: number | null;
  ci95: Interval | null;
  significant: boolean;
  method: string;
}

export interface ShareComparison {
  before: number;
  after: number;
  countBefore: number;
  countAfter: number;
  diffPts: number;
  ci95: Interval;
  pValue: number;
  pAdjusted: number;
  test: 'z' | 'fisher';
  significant: boolean;
}

export interface QuantileComparison {
  before: number;
  after: number;
  diff: number;
  ci95: Interval | null;
  significant: boolean;
}

export interface LatencyComparison {
  count: { before: number; after: number };
  p50: QuantileComparison;
  p90: QuantileComparison;
  p99: QuantileComparison;
  pValue: number | null;
  pAdjusted: number | null;
  test: string;
  /** Variance inflation applied for dependent sampled I/Os (≥ 1). */
  designEffect: number;
  effect: { rankBiserial: number; probabilityOfSuperiority: number; hodgesLehmannUs: number } | null;
  significant: boolean;
}

/** The MB of `mbps` and every MB/s here: decimal megabytes, as `analyze` prints them. */
export const BYTES_PER_MB = 1e6;

export const CPU_CATEGORIES = ['kworker', 'dioWork', 'softirq', 'hardirq', 'submitter', 'otherTask', 'idle', 'unknown'] as const;
export type CpuCategory = (typeof CPU_CATEGORIES)[number];

export interface CpuSide {
  cpus: number[];
  windowMs: number;
  shares: Record<CpuCategory, number>;
}

export interface CountRateComparison {
  before: number;
  after: number;
  changePct: number | null;
  pValue: number;
  test: string;
}

export interface PlainChange {
  before: number;
  after: number;
  changePct: number | null;
}

export interface CompareResult {
  schema: typeof COMPARE_SCHEMA;
  level: number;
  seed: number | string;
  before: SideSummary;
  after: SideSummary;
  iops: RateComparison;
  mbps: RateComparison;
  modes: Record<CompletionMode, ShareComparison>;
  irqContext: { hardirq: ShareComparison; softirq: ShareComparison };
  latencyUs: Partial<Record<Phase, LatencyComparison>>;
  latencyUsByMode: Partial<Record<CompletionMode, Partial<Record<Phase, LatencyComparison>>>>;
  cpu: { before: CpuSide; after: CpuSide; change: Record<CpuCategory, number> };
  perIo: {
    contextSwitches: CountRateComparison;
    submitterPreemptions: CountRateComparison;
    deferredCpuUs: PlainChange;
    deferredCpuUsPerIo: PlainChange;
    dioWorkUs: PlainChange;
    submitterCpuUs: PlainChange;
    busyCpuUs: PlainChange;
  };
  method: Record<'iops' | 'mbps' | 'modes' | 'latency' | 'cpu' | 'perIo' | 'multipleTesting', string>;
  warnings: string[];
  verdict: string;
}
