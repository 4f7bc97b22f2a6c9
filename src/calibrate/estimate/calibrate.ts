import { quantileSorted } from 'simple-statistics';
import { ANALYZED_EVENTS } from '../../analyze/analyzed-events.js';
import type { Analysis } from '../../model/analysis.js';
import { NS_PER_US } from '../../model/time.js';
import { streamEvents } from '../../parse/stream.js';
import type { TraceFormat } from '../../parse/formats.js';
import { defaultParams, PARAM_SPECS, validateParams, type SimParams } from '../../sim/params.js';
import { fioCosts, stealValue } from './costs-fio.js';
import { kernelCosts } from './costs-kernel.js';
import { untraceable } from './untraceable.js';
import { ioPass } from '../collect/io-pass.js';
import { busyStealValue, hostKickValue, hostRunSamples, irqDelayValue, notifyRule, releaseValues, stallEstimator } from './notify.js';
import { MODEL_SCHEMA, type CalibratedModel, type CalibratedValue, type CalibratedValues, type MeasuredFigures, type ParamKey, type Quantiles } from './model-file.js';
import { replay, stealEstimate, type FioSamples } from './replay.js';
import { serviceValues } from './service.js';
import { byDefault, measured, MIN_SAMPLES } from './calibrated-values.js';
import { estimateIodepth } from './iodepth.js';
import { walkGaps } from './gaps.js';
import { TIMELINE_CAP, type Timeline } from '../collect/fio-events.js';
import { createWalker } from '../collect/walk.js';
import type { WalkResult } from '../collect/walk-result.js';
import { workloadValues } from './workload-params.js';

/**
 * `calibrate`: trace → simulator parameters. Two passes over the file (collect/): `analyze` links
 * each I/O (io-pass.ts), then a walk over the raw events measures each cost between the adjacent
 * events that bracket it (walk.ts) and records the submitter's timeline, which a replay of fio's
 * loop turns into fio's costs (estimate/replay.ts, costs-fio.ts). The device's service time is an
 * empirical histogram (service.ts). Whatever the trace cannot show keeps its documented default
 * (untraceable.ts). Every parameter of the model gets a record: value, samples, source, formula.
 */

export class CalibrateError extends Error {
  override name = 'CalibrateError';
}

export interface CalibrateOptions {
  format?: TraceFormat;
  label?: string;
  /** fio's iodepth when the caller knows it (the trace shows it only indirectly). */
  iodepth?: number;
}

export async function calibrateTrace(path: string, opts: CalibrateOptions = {}): Promise<CalibratedModel> {
  const label = opts.label ?? path;
  const io = await ioPass(path, { format: opts.format, label });
  if (io.submitter === null || io.analysis.ios.total === 0) throw new CalibrateError(`${label}: no I/O followed from submission to completion: nothing to calibrate`);
  // The model is one device under one filesystem: a stack (loop, dm) adds layers and completion
  // hops it does not simulate, so its prediction would be wrong rather than approximate.
  const lower = (io.analysis.layers ?? []).filter((l) => l.role !== 'top' && l.servicing > 0);
  if (lower.length > 0)
    throw new CalibrateError(`${label}: the workload runs over a storage stack (${(io.analysis.layers ?? []).filter((l) => l.role === 'top' || l.servicing > 0).map((l) => `${l.name} ${l.role}`).join(' > ')}): calibrate and whatif model a single device, not a stack; trace the workload on a device without a loop or dm layer beneath it`);
  const walker = createWalker(io.walk);
  const stream = await streamEvents(path, walker.onEvent, { format: opts.format ?? io.analysis.input.format as TraceFormat, payloads: ANALYZED_EVENTS, label });
  const w = walker.result();

  const softirqMode = w.kernel.completeCtx.softirq > w.kernel.completeCtx.hardirq;
  const kc = kernelCosts(w.kernel, softirqMode, io.analysis.window.endNs - io.analysis.window.startNs);
  const wl = workloadValues(io, w, stream.cpusHeader, kc.irq);
  const ctxSwitchNs = Number(kc.values.ctxSwitchNs?.value ?? PARAM_SPECS.ctxSwitchNs[0]);
  const span = io.analysis.window.endNs - io.analysis.window.startNs;
  const steal = stealEstimate(w.timeline, span > 0 ? (w.irqRuns[w.submitCpu] ?? 0) / span : 0);
  // A virtio host that asks for notifies only when idle (notify.ts) holds a busy vCPU's interrupt
  // for its next notify and stalls it after that: the stall is measured there (or before
  // interrupts into a busy CPU); otherwise it is inferred from fio's gaps.
  const notify = notifyRule(w.submissions);
  const stallOf = stallEstimator(w.plainGaps);
  const release = notify.kicked !== null ? releaseValues(w.releases, stallOf) : null;
  const busySteal = notify.kicked !== null ? (release?.irqStealNs ?? busyStealValue(w.busyIrqs, stallOf, kc.irq)) : null;
  const stealRec = busySteal ?? stealValue(steal);
  const stealNs = Number(stealRec.value);
  wl.iodepth = depthValue(io.maxInFlight, w.timeline, opts.iodepth, stealNs, ctxSwitchNs) ?? wl.iodepth;
  const iodepth = Number(wl.iodepth?.value ?? PARAM_SPECS.iodepth[0]);
  const fioSamples = replay(w.timeline, iodepth, ctxSwitchNs, steal, stealNs, busySteal !== null ? 1 : 0);
  const fc = fioCosts(fioSamples, String(wl.engine?.value ?? 'libaio'), stealRec);
  wl.preempt = preemptValue(fioSamples.stats.preemptedInKernel, fioSamples.stats.preemptedInUser, w.kernel.preemptPlus);
  const hidden = untraceable(w, wl.dsync?.value === true && (wl.rw?.value === 'randwrite' || wl.rw?.value === 'write'));
  const num = (x: CalibratedValues[ParamKey], fallback: number): number => (typeof x?.value === 'number' ? x.value : fallback);
  const idleWakeNs = num(hidden.idleWakeNs, PARAM_SPECS.idleWakeNs[0]);
  const host: CalibratedValues = {};
  let hostRuns: number[] | null = null;
  if (notify.kicked !== null) {
    const delay = irqDelayValue(w.submissions, notify.kicked, w.device, { idleWakeNs });
    if (delay !== null) hidden.irqDelayNs = delay;
    const noRelease = 'No stall followed an interrupt taken on the way back from a notify (the submitter does not share the interrupt\'s CPU).';
    host.hostTakeNs = release?.hostTakeNs ?? byDefault('hostTakeNs', noRelease);
    const kick = hostKickValue(w.submissions, notify.kicked, num(fc.values.submitPostIssueNs, PARAM_SPECS.submitPostIssueNs[0]));
    if (kick !== null) host.kickNs = kick;
    hostRuns = hostRunSamples(w.device, w.submissions, notify.kicked, { irqDelayNs: num(hidden.irqDelayNs, PARAM_SPECS.irqDelayNs[0]), idleWakeNs });
    if (hostRuns.length < MIN_SAMPLES) hostRuns = null;
  } else {
    host.hostTakeNs = byDefault('hostTakeNs', 'Only used with kickWhen host-idle.');
  }
  host.ksoftirqd = softirqdValue(w.blockSoftirqs);
  const svc = serviceValues(
    w.device,
    {
      irqDelayNs: num(hidden.irqDelayNs, PARAM_SPECS.irqDelayNs[0]),
      irqStealNs: stealNs,
      idleWakeNs,
      stallOf,
    },
    notify.kicked,
    hostRuns,
  );

  const values: CalibratedValues = { ...wl, ...kc.values, ...fc.values, ...notify.values, ...hidden, ...svc.values, ...host };
  const kp = values.kickProb;
  if (notify.kicked !== null && kp !== undefined) kp.how += ' (informative: with kickWhen host-idle which submissions trap follows from the host\'s runs)';
  for (const key of Object.keys(PARAM_SPECS) as ParamKey[]) values[key] ??= byDefault(key, 'Not found in this trace.');
  const params = { ...defaultParams() } as Record<string, unknown>;
  for (const [key, rec] of Object.entries(values)) if (rec !== undefined) params[key] = rec.value;
  const bad = validateParams(params as unknown as SimParams);
  if (bad.length > 0) throw new CalibrateError(`${label}: the calibrated parameters do not run: ${bad.join('; ')}`);

  const notes = notesFor(io.analysis, fioSamples, iodepth, w, io.analysis.submitters.length);
  return {
    schema: MODEL_SCHEMA,
    input: {
      path: label,
      format: io.analysis.input.format,
      lines: io.analysis.input.lines,
      events: io.analysis.input.events,
      unit: io.analysis.unit,
      windowNs: io.analysis.window.endNs - io.analysis.window.startNs,
    },
    params: params as unknown as SimParams,
    values,
    measured: measuredFigures(io.analysis, w, kc.irq),
    notes,
  };
}

/**
 * ksoftirqd: the kernel hands softirqs raised again during a softirq run to ksoftirqd when a
 * reschedule is pending (__do_softirq); the trace shows it as BLOCK softirq runs in ksoftirqd/N.
 */
function softirqdValue(b: { all: number; ksoftirqd: number }): CalibratedValue {
  if (b.ksoftirqd >= MIN_SAMPLES) return measured(true, b.ksoftirqd, `BLOCK softirq runs in ksoftirqd: ${b.ksoftirqd} of ${b.all}`);
  return {
    value: true,
    samples: 0,
    source: 'default',
    how: `BLOCK softirq runs in ksoftirqd: ${b.ksoftirqd} of ${b.all}, too few to show it; every Linux kernel hands softirqs raised again with a reschedule pending to ksoftirqd (__do_softirq), and this trace only had no occasion, so it stays on (the simulator's own default, off, is for its presets)`,
  };
}

/**
 * fio's iodepth: given; or, when fio fell asleep with the most I/Os ever in flight in the kernel
 * (it sleeps only with iodepth unreaped and none delivered), that number; or the depth whose
 * replay clearly separates reap gaps from plain ones; or, at least, the most in flight.
 */
function depthValue(maxInFlight: number, t: Timeline, given: number | undefined, stealNs: number, ctxSwitchNs: number): CalibratedValue | undefined {
  if (given !== undefined) return { value: given, samples: 0, source: 'trace', how: 'given by the caller (--iodepth)' };
  const asleep = walkGaps(t, Math.max(1, maxInFlight), 0, 0, () => {}).inflightAtSleep.filter((n) => n === maxInFlight).length;
  if (asleep >= 1) {
    return { value: maxInFlight, samples: asleep, source: 'trace', how: `fio fell asleep in io_getevents ${asleep} times with ${maxInFlight} I/Os in the kernel, the most ever in flight: it blocks only with iodepth I/Os unreaped and none delivered` };
  }
  const est = estimateIodepth(t, Math.max(1, maxInFlight), stealNs, ctxSwitchNs);
  // On a real trace reaps may cost too little to tell their gaps from the others (score ≈ 0):
  // then nothing beyond the most in flight is known.
  if (est === null || est.gaps < MIN_SAMPLES || est.score < 1) {
    return { value: maxInFlight, samples: 0, source: 'trace', how: `at least ${maxInFlight}, the most I/Os in the kernel at once: fio never blocked with a full queue and its reaps cost too little to place them; give --iodepth if it was more` };
  }
  return {
    value: est.iodepth,
    samples: est.gaps,
    source: 'trace',
    how: `the depth (≥ ${maxInFlight}, the most I/Os in the kernel at once) at which a replay of fio's loop best separates queued → begin gaps with a reap from those without: (μ_reap − μ_plain)² / (σ²_reap + σ²_plain) = ${est.score.toFixed(2)}`,
  };
}

/**
 * Full preemption shows as the submitter switched out while runnable inside a submission (begin →
 * queued). Kernels print R+ for any involuntary switch, user space included, so R+ alone is not
 * evidence; a share above FULL_PREEMPT_SHARE of its preemptions is.
 */
const FULL_PREEMPT_SHARE = 0.05;

function preemptValue(inKernel: number, inUser: number, plus: number): CalibratedValue {
  const n = inKernel + inUser;
  const full = n > 0 && inKernel > FULL_PREEMPT_SHARE * n;
  return {
    value: full ? 'full' : 'voluntary',
    samples: n,
    source: 'trace',
    how: `the submitter was preempted ${inKernel} times inside a submission (begin → queued) and ${inUser} times elsewhere (${plus} switches printed R+): full when inside above ${100 * FULL_PREEMPT_SHARE}%, else voluntary`,
  };
}

function quantiles(q: Analysis['latencyUs']['total']): Quantiles | null {
  return q === undefined || q.count === 0 ? null : { p50: q.p50, p90: q.p90, p99: q.p99, mean: q.mean };
}

function measuredFigures(a: Analysis, w: WalkResult, irq: number | null): MeasuredFigures {
  const resolved = a.ios.total - a.ios.byMode.unresolved;
  const share = (n: number): number => (resolved > 0 ? n / resolved : 0);
  const windowUs = (a.window.endNs - a.window.startNs) / NS_PER_US;
  const frac = (us: number): number => (windowUs > 0 ? us / windowUs : 0);
  const perIrq = irq === null ? undefined : w.kernel.completionsPerIrq.get(irq);
  return {
    ios: a.ios.total,
    iops: a.iops,
    byMode: { 'irq-inline': share(a.ios.byMode['irq-inline']), 'kworker-deferred': share(a.ios.byMode['kworker-deferred']), 'task-inline': share(a.ios.byMode['task-inline']) },
    cpus: a.cpus.map((c) => ({
      cpu: c.cpu,
      busy: 1 - frac(c.idleUs + c.unknownUs),
      hardirq: frac(c.hardirqUs),
      softirq: frac(c.softirqUs),
      kworker: frac(c.kworkerUs),
      submitter: frac(c.submitterUs),
    })),
    completionsPerIrq: perIrq !== undefined ? perIrq.mean() : NaN,
    latencyUs: { total: quantiles(a.latencyUs.total), device: quantiles(a.latencyUs.device) },
  };
}

/** Sleeps of the submitter needed before their median in-flight count is worth a note. */
const MIN_SLEEPS_NOTED = 10;
/** Share of gaps where fio's replayed loop disagreed with the trace above which reap costs get a note. */
const REPLAY_MISMATCH_NOTED = 0.05;

function notesFor(a: Analysis, s: FioSamples, iodepth: number, w: WalkResult, submitters: number): string[] {
  const notes: string[] = [];
  if (submitters > 1) notes.push(`${submitters} submitting tasks: the model has one fio job; the one with most I/Os was calibrated.`);
  if (a.dataLoss.suspected) notes.push(`Events were lost (${a.dataLoss.note || 'see analyze'}): costs come from the adjacent events that survived.`);
  if (a.unit === 'request') notes.push('No iomap events: submissions are block requests; the fio job (engine, flags) keeps defaults.');
  if (w.timeline.truncated) notes.push(`The submitter's timeline was cut after ${TIMELINE_CAP.toLocaleString('en-US')} entries: fio costs come from the first part of the trace.`);
  const sleeps = [...s.stats.inflightAtSleep].sort((x, y) => x - y);
  if (sleeps.length >= MIN_SLEEPS_NOTED) {
    const m = quantileSorted(sleeps, 0.5);
    if (m !== iodepth) notes.push(`The submitter blocked with ${m} I/Os in the kernel at the median, but ${iodepth} were in flight at most: iodepth may be ${m}.`);
  }
  const gaps = s.gapPlain.n + s.gapReap.n;
  if (s.stats.mismatches > REPLAY_MISMATCH_NOTED * Math.max(1, gaps)) notes.push(`fio's loop replay disagreed with the trace ${s.stats.mismatches} times (of ${gaps} gaps): reap costs are approximate.`);
  return notes;
}
