import type { SchedMigrateEvent, SchedSwitchEvent, SchedWakeEvent } from '../../model/events.js';
import { internName } from '../names.js';
import { at, sint } from '../scan.js';
import { decodeTaskState } from '../../kernel/task-states.js';
import { noteAmbiguity } from './notes.js';
import { rawFields, rawNumber } from './raw.js';
import { withHead, type EventHead } from './types.js';

/**
 * sched payloads in two forms. The kernel's (include/trace/events/sched.h):
 *   `prev_comm=fio prev_pid=7888 prev_prio=120 prev_state=R ==> next_comm=kworker/1:32 next_pid=4150 next_prio=120`
 *   `comm=kworker/1:32 pid=4150 prio=120 target_cpu=001`            (older kernels: `… success=1 target_cpu=001`)
 *   `comm=fio pid=7888 prio=120 orig_cpu=1 dest_cpu=0`              (sched_migrate_task)
 * and libtraceevent's sched plugin, which `trace-cmd report` (and perf with plugins) prints instead:
 *   `fio:7909 [120] R ==> kworker/1:32:4150 [120]`
 *   `kworker/1:32:4150 [120] CPU:001`                                (or `… [120] success=1 CPU:001`)
 * trace-cmd report -R prints sched_switch's raw fields, the state as a number:
 *   `prev_comm=bash prev_pid=2891 prev_prio=120 prev_state=1 next_comm=rcu_preempt next_pid=15 next_prio=120`
 * which becomes the kernel form with the state letters the kernel would print (`S`); the wakeup
 * events' raw fields read the same as their kernel form.
 * A comm may hold spaces and colons, so every field is found from its fixed right-hand anchor.
 */

function parseSchedSwitchRaw(payload: string, h: EventHead): SchedSwitchEvent | null {
  const f = rawFields(payload);
  if (!f) return null;
  const prevComm = f.get('prev_comm');
  const nextComm = f.get('next_comm');
  const prevPid = rawNumber(f.get('prev_pid'));
  const prevPrio = rawNumber(f.get('prev_prio'));
  const state = rawNumber(f.get('prev_state'));
  const nextPid = rawNumber(f.get('next_pid'));
  const nextPrio = rawNumber(f.get('next_prio'));
  if (prevComm === undefined || nextComm === undefined || [prevPid, prevPrio, state, nextPid, nextPrio].some(Number.isNaN)) return null;
  const decoded = decodeTaskState(state);
  if (decoded.readings !== undefined) noteAmbiguity(`prev_state=${state} reads ${decoded.readings.join('; ')}: kept as ${decoded.letters}`);
  return withHead<SchedSwitchEvent>(h, { kind: 'sched_switch', prevComm, prevPid, prevPrio, prevState: decoded.letters, nextComm, nextPid, nextPrio, form: 'kernel' });
}

/** A task name from the payload: shared, since the same few names recur in every line. */
const name = internName;

/** `comm:pid [prio]` of the plugin form, in [start, end); sets `task`. */
const task = { comm: '', pid: 0, prio: 0 };
function pluginTask(s: string, start: number, end: number): boolean {
  if (s.charCodeAt(end - 1) !== 93 /* ] */) return false;
  const br = s.lastIndexOf(' [', end - 1);
  if (br < start) return false;
  const prio = sint(s, br + 2);
  if (prio !== prio || at.p !== end - 1) return false;
  const colon = s.lastIndexOf(':', br);
  if (colon < start || colon + 1 === br) return false;
  const pid = sint(s, colon + 1);
  if (pid !== pid || at.p !== br) return false;
  task.comm = name(s, start, colon);
  task.pid = pid;
  task.prio = prio;
  return true;
}

function trimEnd(s: string, from: number): number {
  let e = s.length;
  while (e > from && s.charCodeAt(e - 1) === 32) e--;
  return e;
}

const LATENCY = ' Latency: ';
const USECS = ' usecs';

/**
 * The end of a sched_switch payload, less the wakeup latency `trace-cmd report -w` appends to it
 * (trace-read.c, add_sched: ` Latency: %llu.%03llu usecs`), and trailing spaces:
 *   `tsc:12086 [120] R ==> tsc:12078 [120] Latency: 7.912 usecs`
 */
function withoutWakeupLatency(s: string, from: number): number {
  let e = trimEnd(s, from);
  if (s.endsWith(USECS, e)) {
    const l = s.lastIndexOf(LATENCY, e);
    if (l > from) {
      e = l;
      while (e > from && s.charCodeAt(e - 1) === 32) e--;
    }
  }
  return e;
}

const PREV_COMM = 'prev_comm=';
const ARROW_NEXT = ' ==> next_comm=';

export function parseSchedSwitch(s: string, p: number, h: EventHead): SchedSwitchEvent | null {
  if (s.startsWith(PREV_COMM, p)) {
    const arrow = s.lastIndexOf(ARROW_NEXT);
    if (arrow < p) return parseSchedSwitchRaw(s.slice(p), h);
    const pp = s.lastIndexOf(' prev_pid=', arrow);
    if (pp < p) return null;
    const prevPid = sint(s, pp + 10);
    let q = at.p;
    if (prevPid !== prevPid || !s.startsWith(' prev_prio=', q)) return null;
    const prevPrio = sint(s, q + 11);
    q = at.p;
    if (prevPrio !== prevPrio || !s.startsWith(' prev_state=', q)) return null;
    const stateStart = q + 12;
    const np = s.lastIndexOf(' next_pid=');
    if (np < arrow) return null;
    const nextPid = sint(s, np + 10);
    q = at.p;
    if (nextPid !== nextPid || !s.startsWith(' next_prio=', q)) return null;
    const nextPrio = sint(s, q + 11);
    if (nextPrio !== nextPrio) return null;
    return {
      kind: 'sched_switch',
      line: h.line,
      ts: h.ts,
      cpu: h.cpu,
      pid: h.pid,
      comm: h.comm,
      prevComm: name(s, p + 10, pp),
      prevPid,
      prevPrio,
      prevState: name(s, stateStart, arrow),
      nextComm: name(s, arrow + ARROW_NEXT.length, np),
      nextPid,
      nextPrio,
      form: 'kernel',
    };
  }
  // Plugin form: "<prev>:<pid> [<prio>] <state> ==> <next>:<pid> [<prio>]"
  const end = withoutWakeupLatency(s, p);
  const arrow = s.lastIndexOf(' ==> ', end);
  if (arrow < p) return null;
  const stateSp = s.lastIndexOf(' ', arrow - 1);
  if (stateSp < p) return null;
  if (!pluginTask(s, arrow + 5, end)) return null;
  const nextComm = task.comm;
  const nextPid = task.pid;
  const nextPrio = task.prio;
  if (!pluginTask(s, p, stateSp)) return null;
  return {
    kind: 'sched_switch',
    line: h.line,
    ts: h.ts,
    cpu: h.cpu,
    pid: h.pid,
    comm: h.comm,
    prevComm: task.comm,
    prevPid: task.pid,
    prevPrio: task.prio,
    prevState: name(s, stateSp + 1, arrow),
    nextComm,
    nextPid,
    nextPrio,
    form: 'plugin',
  };
}

/** The target task of the wakeup and migrate events, read by `commPidPrio`. */
const target = { pidAt: 0, pid: 0, prio: 0 };

/**
 * `comm=<comm> pid=<pid> prio=<prio>` at p (sched_waking/wakeup, sched_migrate_task): the comm may
 * hold ` pid=` itself, so the last one is the field. Leaves at.p just past the prio.
 */
function commPidPrio(s: string, p: number): boolean {
  const pidAt = s.lastIndexOf(' pid=');
  if (pidAt < p) return false;
  const pid = sint(s, pidAt + 5);
  const q = at.p;
  if (pid !== pid || !s.startsWith(' prio=', q)) return false;
  const prio = sint(s, q + 6);
  if (prio !== prio) return false;
  target.pidAt = pidAt;
  target.pid = pid;
  target.prio = prio;
  return true;
}

export function parseSchedWake(kind: SchedWakeEvent['kind'], s: string, p: number, h: EventHead): SchedWakeEvent | null {
  if (s.startsWith('comm=', p)) {
    if (!commPidPrio(s, p)) return null;
    const { pidAt: pp, pid: targetPid, prio } = target;
    let q = at.p;
    let success: number | undefined;
    if (s.startsWith(' success=', q)) {
      success = sint(s, q + 9);
      q = at.p;
      if (success !== success) return null;
    }
    if (!s.startsWith(' target_cpu=', q)) return null;
    const targetCpu = sint(s, q + 12);
    if (targetCpu !== targetCpu) return null;
    const ev: SchedWakeEvent = { kind, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, targetComm: name(s, p + 5, pp), targetPid, prio, targetCpu, form: 'kernel' };
    if (success !== undefined) ev.success = success;
    return ev;
  }
  // Plugin form: "<comm>:<pid> [<prio>] [success=N ]CPU:NNN"
  const end = trimEnd(s, p);
  const cpuAt = s.lastIndexOf(' CPU:', end);
  if (cpuAt < p) return null;
  const targetCpu = sint(s, cpuAt + 5);
  if (targetCpu !== targetCpu || at.p !== end) return null;
  let tEnd = cpuAt;
  let success: number | undefined;
  const succAt = s.lastIndexOf(' success=', cpuAt);
  if (succAt >= p && s.charCodeAt(succAt - 1) === 93) {
    success = sint(s, succAt + 9);
    if (success !== success || at.p !== cpuAt) return null;
    tEnd = succAt;
  }
  if (!pluginTask(s, p, tEnd)) return null;
  const ev: SchedWakeEvent = { kind, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, targetComm: task.comm, targetPid: task.pid, prio: task.prio, targetCpu, form: 'plugin' };
  if (success !== undefined) ev.success = success;
  return ev;
}

export function parseSchedMigrate(s: string, p: number, h: EventHead): SchedMigrateEvent | null {
  if (!s.startsWith('comm=', p) || !commPidPrio(s, p)) return null;
  const { pidAt: pp, pid: targetPid, prio } = target;
  let q = at.p;
  if (!s.startsWith(' orig_cpu=', q)) return null;
  const origCpu = sint(s, q + 10);
  q = at.p;
  if (origCpu !== origCpu || !s.startsWith(' dest_cpu=', q)) return null;
  const destCpu = sint(s, q + 10);
  if (destCpu !== destCpu) return null;
  return { kind: 'sched_migrate_task', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, targetComm: name(s, p + 5, pp), targetPid, prio, origCpu, destCpu };
}
