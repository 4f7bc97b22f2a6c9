import type { DiagnosticSummary } from './diagnostics.js';
import type { SketchJSON } from '../stats/sketch.js';
import type { CompletionMode, IoPath, IoUnit, Phase, UnresolvedReason } from './io.js';
import type { HopSummary, Layer } from './layers.js';

/**
 * The Analysis: plain data, the single source for every output (text, JSON, CSV, HTML, Perfetto).
 * Its JSON form is the stable contract `iopath.analysis/1`, documented in the README: fields may
 * be added, never removed or changed in meaning.
 */

/** count, mean, p50, p90, p99, max of one phase, in µs (the statistics layer's summary shape). */
export type { LatencySummary } from '../stats/summary.js';
import type { LatencySummary } from '../stats/summary.js';

export interface CpuShare {
  cpu: number;
  hardirqUs: number;
  softirqUs: number;
  /** All kworker time, DIO completion work included. */
  kworkerUs: number;
  /** Of which: inside DIO completion work items (execute_start … execute_end). */
  dioWorkUs: number;
  submitterUs: number;
  otherTaskUs: number;
  idleUs: number;
  /** Time the trace does not attribute (no event told who ran). */
  unknownUs: number;
  contextSwitches: number;
  /** Submitter switched out while runnable (prev_state R/R+) in favour of a kworker. */
  submitterPreemptionsByKworker: number;
  /** Submitter switched out while runnable, to anyone. */
  submitterPreemptions: number;
}

/** The `schema` field of every Analysis, and how a saved one is recognised. */
export const ANALYSIS_SCHEMA = 'iopath.analysis/1';

export interface Analysis {
  schema: typeof ANALYSIS_SCHEMA;
  input: {
    path: string;
    format: string;
    lines: number;
    events: number;
    diagnostics: Record<string, number>;
  };
  unit: IoUnit;
  window: { startNs: number; endNs: number };
  ios: {
    total: number;
    byMode: Record<CompletionMode, number>;
    irqContext: { hardirq: number; softirq: number };
    taskInline: { submitter: number; 'sync-waiter': number; 'other-task': number };
    unresolvedReasons: Partial<Record<UnresolvedReason, number>>;
    byDirection: { R: number; W: number; unknown: number };
  };
  iops: number;
  mbps: number;
  latencyUs: Partial<Record<Phase, LatencySummary>>;
  latencyUsByMode: Partial<Record<CompletionMode, Partial<Record<Phase, LatencySummary>>>>;
  cpus: CpuShare[];
  perIo: {
    contextSwitches: number;
    submitterPreemptions: number;
    /** CPU time spent by kworkers in runs that completed DIOs, per kworker-deferred I/O. */
    deferredCpuUs: number;
    /** Of which inside the DIO work items themselves. */
    dioWorkUs: number;
  };
  submitters: { pid: number; comm: string; cpus: number[]; ios: number }[];
  /** Where the deferred completions ran: kworker comm and CPU, with counts. */
  kworkers: { pid: number; comm: string; cpu: number; items: number }[];
  irqCpus: { cpu: number; completions: number }[];
  /**
   * Event loss, reported or not. When it is suspected, `iops` counts only the I/Os the trace
   * followed; `iopsFromSubmissions` (submissions over the same window) is then the better estimate
   * of the run's rate, since a closed-loop workload submits as fast as it completes.
   */
  dataLoss: {
    suspected: boolean;
    /** Lost-event markers (and `buffer started` restarts) in the trace. */
    markers: number;
    /** I/Os in flight across a marker. */
    iosAcrossMarkers: number;
    /** I/Os that never completed although the trace went on long after them. */
    vanishedIos: number;
    /** Where and when they were submitted: which CPU, which window, how many. */
    vanishedByCpu: { cpu: number; ios: number; firstNs: number; lastNs: number }[];
    /** DIOs that completed although their block completion never appeared (device time unknown). */
    missingDeviceCompletions: number;
    /** Exits of irq/softirq that were never traced. */
    contextRepairs: number;
    iopsFromSubmissions: number;
    note: string;
  };
  /** Event types the analysis would need but the trace lacks, with what their absence limits. */
  limitations: string[];
  explanation: string;
  /** A bounded sample of whole paths (for charts, waterfalls and examples). */
  samples: IoPath[];
  /** Completions per window over the I/O window: the samples behind IOPS confidence intervals. */
  series: { binNs: number; startNs: number; counts: number[] };
  /** Per group (`all` or a mode) and phase: the quantile sketch and a uniform sample of raw values (ns). */
  distributions: Partial<Record<CompletionMode | 'all', Partial<Record<Phase, { sketch: SketchJSON; sample: number[] }>>>>;
  diagnostics: DiagnosticSummary[];
  fio?: FioCrossCheck;
  /** The storage stack, top first (model/layers.ts): the workload on the top, lower layers and background apart. */
  layers?: Layer[];
  /** Completion hops per workload I/O (deferrals between the device interrupt and the final completion). */
  hops?: HopSummary;
}

export interface FioCrossCheck {
  prefix: string;
  /** Per log kind (lat, clat, slat): fio's own percentiles in µs. */
  logs: Record<string, LatencySummary & { file: string }>;
  /** I/Os of the trace matched to fio log entries by offset (dio unit only). */
  matchedByOffset: number;
  /** Trace total (submit → completion) vs fio clat/lat for matched I/Os. */
  comparison: string[];
}
