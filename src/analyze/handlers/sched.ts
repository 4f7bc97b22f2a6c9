import { newTaskInvocation } from '../../kernel/cpu-context.js';
import { kworkerBaseComm } from '../../kernel/tasks.js';
import type { SchedSwitchEvent, SchedWakeEvent, TraceEvent } from '../../model/events.js';
import { cpuOf, type AnalyzerContext } from '../context.js';
import { ACC, type AnalyzerCpu } from '../records.js';
import { charge } from './cpu-time.js';
import { isKworker } from './workqueue-state.js';

/**
 * Scheduler accounting: who runs on each CPU, context switches, preemptions of a submitter
 * (`prev_state=R`/`R+`: it was runnable when switched out), kworker runs, and the last wakeup and
 * switch-in of every task (read by the workqueue handler to time a kworker's wakeup). Its state is
 * sched-state.ts.
 *
 *   `sched_switch: prev_comm=fio prev_pid=7888 prev_prio=120 prev_state=R ==> next_comm=kworker/1:32 next_pid=4150 next_prio=120`
 */
export function handleSwitch(ctx: AnalyzerContext, e: SchedSwitchEvent): void {
  const c = cpuOf(ctx, e.cpu);
  charge(ctx, c, e.ts);
  c.acc[ACC.switches] = (c.acc[ACC.switches] ?? 0) + 1;
  const prevRunnable = e.prevState.startsWith('R');
  const nextIsKworker = isKworker(ctx.work, e.nextPid, e.nextComm);
  if (prevRunnable && ctx.io.submitterPids.has(e.prevPid)) {
    c.acc[ACC.preempt] = (c.acc[ACC.preempt] ?? 0) + 1;
    if (nextIsKworker) c.acc[ACC.preemptByKworker] = (c.acc[ACC.preemptByKworker] ?? 0) + 1;
  }
  if (e.prevState.startsWith('D')) ctx.sched.blocked.add(e.prevPid);
  endRun(ctx, c, e.ts);
  noteComm(ctx, e.prevPid, e.prevComm, e.line);
  noteComm(ctx, e.nextPid, e.nextComm, e.line);
  startRun(ctx, c, e.ts, e.nextPid, e.nextComm);
  // A new task run is a new invocation (a task-context completion belongs to the task that ran it).
  newTaskInvocation(c);
  ctx.sched.blocked.delete(e.nextPid);
  ctx.sched.lastSwitchIn.set(e.nextPid, { ts: e.ts, cpu: e.cpu, line: e.line });
}

/**
 * A task-context event of a task other than the one we believe runs: it was switched in without a
 * traced sched_switch. The old owner is charged up to the last event seen on the CPU (the last
 * evidence it ran); the gap from there to this event is `unknown` (the switch happened somewhere
 * in it); from here the CPU is this task's.
 */
export function noteRunning(ctx: AnalyzerContext, c: AnalyzerCpu, e: TraceEvent): void {
  if (c.curPid !== undefined) {
    // Only a trace that traces switches can miss one: without sched_switch every change of task is untraced.
    if (ctx.seen.has('sched_switch')) ctx.diagnostics.add('untraced_switch', e.line, `CPU ${e.cpu}: ${e.comm}-${e.pid} runs, but the last switch was to pid ${c.curPid}`);
    if (c.lastSeen > c.lastMark) charge(ctx, c, c.lastSeen);
    endRun(ctx, c, Number.isNaN(c.lastSeen) ? e.ts : c.lastSeen);
    c.curPid = undefined;
    charge(ctx, c, e.ts);
  }
  startRun(ctx, c, e.ts, e.pid, e.comm);
}

/** A task's run on the CPU ends at `ts`: a kworker run that completed DIOs is the CPU cost of deferral. */
function endRun(ctx: AnalyzerContext, c: AnalyzerCpu, ts: number): void {
  if (c.kworkerRunStart !== undefined) {
    if (c.kworkerRunDid) ctx.time.dioKworkerRunNs += ts - c.kworkerRunStart;
    c.kworkerRunStart = undefined;
    c.kworkerRunDid = false;
  }
}

/** `pid` runs on the CPU from `ts`. */
function startRun(ctx: AnalyzerContext, c: AnalyzerCpu, ts: number, pid: number, comm: string): void {
  c.curPid = pid;
  c.curComm = comm;
  const running = ctx.work.runningWork.get(pid);
  c.inDioWork = running !== undefined && running.isDio;
  if (isKworker(ctx.work, pid, comm)) {
    c.kworkerRunStart = ts;
    c.kworkerRunDid = c.inDioWork;
  }
}

/** The name a task had, without a kworker's `-<workqueue>` suffix, as perf would cut it (15 characters). */
function baseComm(comm: string): string {
  return kworkerBaseComm(comm).slice(0, 15);
}

/**
 * A pid seen under another name: a task that renamed itself (prctl, exec) or a pid reused after
 * an exit. Counted; the analysis keys tasks by pid and always uses the latest name.
 */
function noteComm(ctx: AnalyzerContext, pid: number, comm: string, line: number): void {
  if (pid <= 0) return;
  const name = baseComm(comm);
  const comms = ctx.sched.comms;
  const known = comms.get(pid);
  if (known === undefined) comms.set(pid, name);
  else if (known !== name && comm !== '<...>') {
    ctx.diagnostics.add('pid_reuse', line, `pid ${pid} was ${known}, now ${name}`);
    comms.set(pid, name);
  }
}

/**
 * `sched_waking: comm=kworker/1:32 pid=4150 prio=120 target_cpu=001` is the moment a wakeup is
 * asked for (try_to_wake_up); `sched_wakeup` the moment the task is runnable. Both are kept.
 */
export function handleWake(ctx: AnalyzerContext, e: SchedWakeEvent): void {
  const at = { ts: e.ts, cpu: e.cpu, line: e.line };
  if (e.kind === 'sched_waking') ctx.sched.lastWaking.set(e.targetPid, at);
  else ctx.sched.lastWakeup.set(e.targetPid, at);
}
