import { SOFTIRQ } from '../../kernel/softirq.js';
import { isKsoftirqdComm } from '../../kernel/tasks.js';
import { DIO_COMPLETION_WORK } from '../../kernel/work-functions.js';
import type { SchedSwitchEvent, TraceEvent } from '../../model/events.js';
import { enterContext, lostContext, newCpuState, type CpuState, type Ctx } from './cpu-state.js';
import { createIrqTracker } from './irq-tracker.js';
import { createKeptValues, type KeptValues } from './accumulators.js';
import type { WalkInput } from './io-pass.js';
import { createDeviceSamples, createKernelSamples } from './kernel-samples.js';
import { B, C, createTimeline, I, N, O, P, Q, T, X } from './fio-events.js';
import { RELEASE_WINDOW_NS, STALL_MIN_NS, type BusyIrqSample, type ReleaseSample, type SubmissionSample, type WalkResult } from './walk-result.js';
import { createWorkloadScan, scanBegin, scanIssue } from './workload-scan.js';
import { isIdlePid } from '../../kernel/tasks.js';

/**
 * The calibration pass: one walk over the events that collects, per CPU, the durations between
 * adjacent events that each measure one cost the simulator charges (kernel-samples.ts), the
 * submitter's timeline (fio-events.ts), and per I/O the interrupt that delivered it (device
 * service time). It relies on what the analysis pass already linked: which completions are the
 * submitter's, and each block completion's issue time, by input line.
 */

/** Submissions kept at most (bounded memory on a 10⁶-I/O trace). */
const SUBMISSION_CAP = 1_000_000;
/** Plain gaps kept per kind of event (enough for their median). */
const PLAIN_GAPS_KEPT = 20_000;

export interface Walker {
  onEvent(e: TraceEvent): void;
  result(): WalkResult;
}

const DIO_WORK = DIO_COMPLETION_WORK;

export function createWalker(w: WalkInput): Walker {
  const cpus: CpuState[] = [];
  const k = createKernelSamples();
  const device = createDeviceSamples();
  const timeline = createTimeline();
  const workload = createWorkloadScan();
  const irqNames = new Map<number, string>();
  const pendingIpi = new Map<number, number>();
  let workqueueName: string | null = null;
  const workFunctions = new Map<string, number>();
  let maxCpu = -1;
  let firstTs = NaN;
  let lastTs = NaN;
  const beginsByCpu: number[] = [];
  const windowRuns: number[] = [];
  let lost = 0;
  const fio = w.submitterPid;
  const submissions: SubmissionSample[] = [];
  /** Issue times of the submitter's requests in flight (count per timestamp: µs ties). */
  const inFlight = new Map<number, number>();
  let inFlightN = 0;
  let lastIssue: { ts: number; inflight: number; injected: boolean } | null = null;
  const busyIrqs: BusyIrqSample[] = [];
  const releases: ReleaseSample[] = [];
  const blockSoftirqs = { all: 0, ksoftirqd: 0 };
  /** Per CPU: the release interrupt whose following gaps are being watched. */
  const watching: (ReleaseSample | null)[] = [];
  const plainGaps = new Map<string, KeptValues>();

  /** Before `e` changes the nesting: gaps a task's or softirq's event leaves to the next one. */
  function gapSample(c: CpuState, e: TraceEvent): void {
    const p = c.prev;
    const w = watching[e.cpu];
    if (w !== undefined && w !== null && p !== null) {
      const d = e.ts - p.e.ts;
      if (e.ts - w.entryTs > RELEASE_WINDOW_NS || isIdlePid(p.e.pid)) watching[e.cpu] = null;
      else if (d >= STALL_MIN_NS) {
        w.prevTs = p.e.ts;
        w.prevKind = p.e.kind;
        w.gapNs = d;
        watching[e.cpu] = null;
      }
    }
    if (p === null || p.ctx === 'hardirq' || isIdlePid(p.e.pid) || c.hardDepth > 0) return;
    const d = e.ts - p.e.ts;
    if (e.kind === 'irq_handler_entry') {
      const afterIssue = p.e.kind === 'block_rq_issue' && p.e.pid === fio;
      if (e.pid !== 0 && busyIrqs.length < SUBMISSION_CAP) busyIrqs.push({ irq: e.irq, gapNs: d, prevKind: p.e.kind, afterIssue });
      if (afterIssue) {
        if (lastIssue !== null) lastIssue.injected = true;
        if (releases.length < SUBMISSION_CAP) {
          const r: ReleaseSample = { entryTs: e.ts, prevTs: NaN, prevKind: '', gapNs: NaN };
          releases.push(r);
          watching[e.cpu] = r;
        }
      }
      return;
    }
    if (e.kind === 'softirq_entry' || e.kind === 'irq_handler_exit') return;
    let v = plainGaps.get(p.e.kind);
    if (v === undefined) plainGaps.set(p.e.kind, (v = createKeptValues(PLAIN_GAPS_KEPT)));
    v.add(d);
  }
  const irqs = createIrqTracker(k, device, w, irqNames);
  const isWorker = (pid: number): boolean => w.kworkerPids.has(pid);

  const cpuOf = (n: number): CpuState => (cpus[n] ??= newCpuState());

  function fioEvent(c: CpuState, code: number, ts: number): void {
    if (code === I) lastIssue = { ts, inflight: inFlightN, injected: false };
    else if ((code === Q || code === T) && lastIssue !== null) {
      if (submissions.length < SUBMISSION_CAP) submissions.push({ issueTs: lastIssue.ts, irqs: c.segIrqs, injected: lastIssue.injected, inflight: lastIssue.inflight, postNs: ts - lastIssue.ts - c.segIrqNs, endTs: ts });
      lastIssue = null;
    } else if (code === B) lastIssue = null;
    timeline.push(code, ts, c.segIrqNs, c.segIrqs);
    c.segIrqNs = 0;
    c.segIrqs = 0;
  }

  function onSwitch(c: CpuState, e: SchedSwitchEvent): void {
    if (e.prevPid === fio) {
      const st = e.prevState;
      if (st.startsWith('R')) {
        if (st === 'R+') k.preemptPlus++;
        fioEvent(c, P, e.ts);
      } else fioEvent(c, st.startsWith('S') ? O : X, e.ts);
    }
    if (e.nextPid === fio) fioEvent(c, N, e.ts);
    const woke = pendingIpi.get(e.nextPid);
    if (woke !== undefined) {
      pendingIpi.delete(e.nextPid);
      if (e.prevPid === 0) k.ipi.add(e.ts - woke);
    }
  }

  /** Costs measured between `p` (the previous event of this CPU) and `e`. */
  function pairs(c: CpuState, p: { e: TraceEvent; ctx: Ctx } | null, e: TraceEvent, ctx: Ctx): void {
    if (p === null) return;
    const pe = p.e;
    const d = e.ts - pe.ts;
    const same = p.ctx === ctx;
    switch (pe.kind) {
      case 'softirq_entry':
        if (pe.vec === SOFTIRQ.BLOCK && e.kind === 'block_rq_complete') k.softirqEntry.add(d);
        break;
      case 'irq_handler_entry':
        if (e.kind === 'block_rq_complete' && ctx === 'hardirq') k.irqToFirstComplete.add(d);
        break;
      case 'block_rq_complete':
        if (same && ctx !== 'task' && ((e.kind === 'workqueue_queue_work' && DIO_WORK.has(e.function)) || e.kind === 'iomap_dio_complete')) k.blkComplete.add(d);
        break;
      case 'iomap_dio_complete': {
        const inWorker = p.ctx === 'task' && isWorker(pe.pid);
        if (same && (p.ctx !== 'task' || inWorker) && pe.pid === e.pid) {
          const next = e.kind === 'workqueue_execute_end' || e.kind === 'sched_waking' || (!inWorker && (e.kind === 'block_rq_complete' || e.kind === 'softirq_exit'));
          if (next) k.dioComplete.add(d);
        }
        break;
      }
      case 'sched_waking':
        if (e.kind === 'sched_wakeup' && e.targetPid === pe.targetPid && (pe.targetPid === fio || isWorker(pe.targetPid))) k.wakeup.add(d);
        break;
      case 'sched_switch':
        if (isWorker(pe.nextPid) && e.kind === 'workqueue_execute_start' && e.pid === pe.nextPid && DIO_WORK.has(e.function)) k.ctxSwitch.add(d);
        break;
      case 'workqueue_execute_start':
        if (DIO_WORK.has(pe.function) && e.kind === 'iomap_dio_complete' && e.pid === pe.pid) k.workStart.add(d);
        break;
      case 'workqueue_execute_end':
        if (!isWorker(pe.pid)) break;
        if (e.kind === 'workqueue_execute_start' && e.pid === pe.pid && DIO_WORK.has(e.function)) k.workBetween.add(d);
        else if (e.kind === 'sched_switch' && e.prevPid === pe.pid && !e.prevState.startsWith('R')) k.workerSleep.add(d);
        break;
      default:
        break;
    }
    // queue_work → activate_work → (queueWorkNs) → next event of the same context; not the
    // handler's exit, which holds the rest of the handler too.
    if (!Number.isNaN(c.queueTs) && e.kind !== 'workqueue_activate_work' && e.kind !== 'workqueue_queue_work') {
      if (c.queueCtx === ctx && e.kind !== 'irq_handler_exit') k.queueWork.add(e.ts - c.queueTs);
      c.queueTs = NaN;
    }
  }

  let fioCpu = -1;

  function onEvent(e: TraceEvent): void {
    if (e.kind === 'lost') {
      // Adjacency across lost events means nothing: forget every CPU's previous event.
      lost++;
      watching.fill(null);
      lostContext(cpus, e);
      for (const c of cpus) if (c) (c.prev = null), (c.queueTs = NaN), (c.batch = null), (c.blockRun = null), (c.pendingIrqs = []);
      return;
    }
    if (Number.isNaN(firstTs)) firstTs = e.ts;
    lastTs = e.ts;
    if (e.cpu > maxCpu) maxCpu = e.cpu;
    const c = cpuOf(e.cpu);
    gapSample(c, e);
    const runs = c.runs;
    const ctx = enterContext(c, e);
    if (e.kind === 'softirq_entry' && e.vec === SOFTIRQ.BLOCK) {
      blockSoftirqs.all++;
      if (isKsoftirqdComm(e.comm)) blockSoftirqs.ksoftirqd++;
    }
    if (c.runs > runs && e.ts >= w.window.startNs && e.ts <= w.window.endNs) windowRuns[e.cpu] = (windowRuns[e.cpu] ?? 0) + 1;
    pairs(c, c.prev, e, ctx);
    irqs.onEvent(c, e, ctx, fioCpu);
    if (w.completionLines.has(e.line)) {
      // The submitter completing its own I/O ends a submission (T); any other completion is one
      // more event for it to reap (C).
      if (e.kind === 'iomap_dio_complete' && e.pid === fio && ctx === 'task') fioEvent(c, T, e.ts);
      else timeline.push(C, e.ts, 0, 0);
    }
    switch (e.kind) {
      case 'iomap_dio_rw_begin':
        if (e.pid === fio && ctx === 'task') {
          fioCpu = e.cpu;
          beginsByCpu[e.cpu] = (beginsByCpu[e.cpu] ?? 0) + 1;
          scanBegin(workload, e);
          fioEvent(c, B, e.ts);
        }
        break;
      case 'block_rq_issue':
        if (e.pid === fio && ctx === 'task') {
          scanIssue(workload, e);
          fioEvent(c, I, e.ts);
          inFlight.set(e.ts, (inFlight.get(e.ts) ?? 0) + 1);
          inFlightN++;
        }
        break;
      case 'block_rq_complete': {
        const issued = w.deviceLines.get(e.line);
        const n = issued === undefined ? undefined : inFlight.get(issued);
        if (issued !== undefined && n !== undefined) {
          if (n > 1) inFlight.set(issued, n - 1);
          else inFlight.delete(issued);
          inFlightN--;
        }
        break;
      }
      case 'iomap_dio_rw_queued':
        if (e.pid === fio && ctx === 'task') fioEvent(c, Q, e.ts);
        break;
      case 'workqueue_execute_start':
        if (DIO_WORK.has(e.function)) workFunctions.set(e.function, (workFunctions.get(e.function) ?? 0) + 1);
        break;
      case 'workqueue_queue_work':
        if (DIO_WORK.has(e.function)) {
          c.queueTs = e.ts;
          c.queueCtx = ctx;
          workqueueName ??= e.workqueue;
        }
        break;
      case 'sched_switch':
        onSwitch(c, e);
        break;
      case 'sched_wakeup':
        if ((e.targetPid === fio || isWorker(e.targetPid)) && e.targetCpu !== e.cpu) pendingIpi.set(e.targetPid, e.ts);
        break;
      default:
        break;
    }
    c.prev = { e, ctx };
  }

  return {
    onEvent,
    result() {
      for (const c of cpus) if (c) irqs.finish(c);
      let submitCpu = 0;
      beginsByCpu.forEach((n, i) => {
        if (n > (beginsByCpu[submitCpu] ?? 0)) submitCpu = i;
      });
      const irqRuns = Array.from({ length: maxCpu + 1 }, (_, i) => windowRuns[i] ?? 0);
      return { kernel: k, device, timeline, workload, irqNames, workqueueName, workFunctions, cpus: maxCpu + 1, firstTs, lastTs, irqRuns, submitCpu, lostMarkers: lost, submissions, busyIrqs, releases, blockSoftirqs, plainGaps };
    },
  };
}
