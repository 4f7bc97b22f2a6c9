import type { Analysis } from '../model/analysis.js';
import { phasesOf, type IoPath, type Stage } from '../model/io.js';
import type { Row } from './columns.js';

/** Row builders: one I/O, its work item, and the per-trace tables from the finished Analysis. */

/**
 * Which I/Os a row is: `top`, the workload's (submitted by user tasks on the top device: the rows
 * `ios.byMode` counts); `servicing`, an I/O a lower layer issued to service a workload I/O (the
 * loop worker's DIO on the backing device); `background`, one the kernel issued on its own
 * (journal, log, flusher) or a lower device's I/O that services nothing above.
 */
export type RowLayer = 'top' | 'servicing' | 'background';
export const TOP_LAYER: RowLayer = 'top';

const us = (ns: number | undefined): number | undefined => (ns === undefined ? undefined : ns / 1000);

/**
 * CPU changes along device completion → queue_work → execute_start → completion, over the stages
 * the I/O has: 0 when all ran on one CPU (the IRQ's), 1 when the kworker or task that finished it
 * ran elsewhere, and so on. A change costs a cross-CPU wakeup and a cold cache.
 */
export function cpuChanges(p: IoPath): number {
  const cpus = [p.deviceComplete, p.queueWork, p.executeStart, p.completion].filter((s): s is Stage & object => s !== undefined).map((s) => s.cpu);
  let hops = 0;
  for (let i = 1; i < cpus.length; i++) if (cpus[i] !== cpus[i - 1]) hops++;
  return hops;
}

/** The completion hops (work items queued from its completion, model/layers.ts) as `fn@workqueue > …`. */
export function hopChain(p: IoPath): string | undefined {
  return p.layers?.hops.map((h) => `${h.fn}@${h.workqueue}`).join(' > ');
}

export function ioRow(p: IoPath, layer: RowLayer = TOP_LAYER): Row {
  const ph = phasesOf(p);
  const runnable = p.kworkerWakeup && p.kworkerSwitchIn && p.kworkerSwitchIn.ts >= p.kworkerWakeup.ts ? p.kworkerSwitchIn.ts - p.kworkerWakeup.ts : undefined;
  return {
    id: p.id,
    layer,
    unit: p.unit,
    mode: p.mode,
    irq_context: p.irqContext,
    task_kind: p.taskKind,
    direction: p.dir || undefined,
    bytes: p.bytes,
    dev: p.dev,
    ino: p.ino,
    offset: p.offset,
    sector: p.sector,
    submitter_pid: p.submitterPid,
    submitter_comm: p.submitterComm,
    submitter_cpu: (p.submit ?? p.issue)?.cpu,
    completer_pid: p.completion?.pid,
    completer_comm: p.completion?.comm,
    completer_cpu: p.completion?.cpu,
    submit_ns: p.submit?.ts,
    issue_ns: p.issue?.ts,
    device_complete_ns: p.deviceComplete?.ts,
    device_complete_cpu: p.deviceComplete?.cpu,
    device_complete_ctx: p.deviceComplete?.ctx,
    queue_work_ns: p.queueWork?.ts,
    activate_ns: p.activate?.ts,
    kworker_waking_ns: p.kworkerWaking?.ts,
    kworker_wakeup_ns: p.kworkerWakeup?.ts,
    kworker_switch_in_ns: p.kworkerSwitchIn?.ts,
    execute_start_ns: p.executeStart?.ts,
    execute_end_ns: p.executeEnd?.ts,
    completion_ns: p.completion?.ts,
    completion_ctx: p.completion?.ctx,
    total_us: us(ph.total),
    device_us: us(ph.device),
    completion_us: us(ph.completion),
    deferral_wait_us: us(ph.deferralWait),
    work_us: us(ph.work),
    run_delay_us: us(runnable),
    completion_hops: p.layers?.hops.length,
    hop_chain: hopChain(p),
    devices: p.layers?.devices.join(' > '),
    cpu_changes: p.completion ? cpuChanges(p) : undefined,
    unresolved_reason: p.unresolvedReason,
    evidence: p.evidence,
    submit_line: (p.submit ?? p.issue)?.line,
    completion_line: p.completion?.line,
  };
}

/**
 * The work item that completed an I/O, when one did (a queue_work or an execute_start joined it):
 * its function from either event, its workqueue from queue_work (NULL when queued before the trace).
 */
export function workItemRow(p: IoPath): Row | null {
  if (!p.queueWork && !p.executeStart) return null;
  const ph = phasesOf(p);
  return {
    io_id: p.id,
    work: p.work,
    function: p.workFunction,
    workqueue: p.workqueue,
    kworker_pid: p.executeStart?.pid,
    kworker_comm: p.executeStart?.comm,
    cpu: (p.executeStart ?? p.queueWork)?.cpu,
    queue_ns: p.queueWork?.ts,
    activate_ns: p.activate?.ts,
    start_ns: p.executeStart?.ts,
    end_ns: p.executeEnd?.ts,
    wait_us: us(ph.deferralWait),
    run_us: us(ph.work),
  };
}

export function cpuRows(a: Analysis): Row[] {
  return a.cpus.map((s) => ({
    cpu: s.cpu,
    hardirq_us: s.hardirqUs,
    softirq_us: s.softirqUs,
    kworker_us: s.kworkerUs,
    dio_work_us: s.dioWorkUs,
    submitter_us: s.submitterUs,
    other_task_us: s.otherTaskUs,
    idle_us: s.idleUs,
    unknown_us: s.unknownUs,
    context_switches: s.contextSwitches,
    submitter_preemptions_by_kworker: s.submitterPreemptionsByKworker,
    submitter_preemptions: s.submitterPreemptions,
  }));
}

export function diagnosticRows(a: Analysis): Row[] {
  return a.diagnostics.map((d) => ({ code: d.code, severity: d.severity, description: d.description, count: d.count, first_line: d.examples[0]?.line, first_text: d.examples[0]?.text }));
}

/** The kernel release, where the trace says it (a `# kernel: …` style header is not in every format): NULL otherwise. */
export function traceRow(a: Analysis, kernel?: string): Row {
  return {
    input: a.input.path,
    format: a.input.format,
    kernel,
    lines: a.input.lines,
    events: a.input.events,
    unit: a.unit,
    start_ns: a.window.startNs,
    end_ns: a.window.endNs,
    ios: a.ios.total,
    iops: a.iops,
    mbps: a.mbps,
    data_loss_suspected: a.dataLoss.suspected ? 1 : 0,
  };
}
