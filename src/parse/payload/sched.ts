import type { SchedMigrateEvent, SchedSwitchEvent, SchedWakeEvent } from '../../model/events.js';
import { begin, int, lit, pos, setPos, text } from '../scan.js';
import { taskStateLetters } from './kernel-tables.js';
import { rawFields, rawNumber } from './raw.js';
import type { Payload } from './types.js';

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

function parseSchedSwitchRaw(payload: string): Payload<SchedSwitchEvent> | null {
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
  return { kind: 'sched_switch', prevComm, prevPid, prevPrio, prevState: taskStateLetters(state), nextComm, nextPid, nextPrio, form: 'kernel' };
}

/** `comm:pid [prio]` of the plugin form, between [start, end). */
function pluginTask(s: string, start: number, end: number): { comm: string; pid: number; prio: number } | null {
  const br = s.lastIndexOf(' [', end);
  if (br < start || s.charCodeAt(end - 1) !== 93 /* ] */) return null;
  const prio = Number(s.slice(br + 2, end - 1));
  const colon = s.lastIndexOf(':', br);
  if (colon < start) return null;
  const pid = Number(s.slice(colon + 1, br));
  if (!Number.isInteger(pid) || !Number.isInteger(prio) || colon + 1 === br) return null;
  return { comm: s.slice(start, colon), pid, prio };
}

export function parseSchedSwitch(payload: string): Payload<SchedSwitchEvent> | null {
  begin(payload);
  if (lit('prev_comm=')) {
    const s = payload;
    const arrow = s.lastIndexOf(' ==> next_comm=');
    if (arrow < 0) return parseSchedSwitchRaw(payload);
    const pp = s.lastIndexOf(' prev_pid=', arrow);
    if (pp < 0) return null;
    const prevComm = s.slice(10, pp);
    setPos(pp + 10);
    const prevPid = int();
    if (Number.isNaN(prevPid) || !lit(' prev_prio=')) return null;
    const prevPrio = int();
    if (Number.isNaN(prevPrio) || !lit(' prev_state=')) return null;
    const prevState = s.slice(pos(), arrow);
    const np = s.lastIndexOf(' next_pid=');
    if (np < arrow) return null;
    const nextComm = s.slice(arrow + 15, np);
    setPos(np + 10);
    const nextPid = int();
    if (Number.isNaN(nextPid) || !lit(' next_prio=')) return null;
    const nextPrio = int();
    if (Number.isNaN(nextPrio)) return null;
    return { kind: 'sched_switch', prevComm, prevPid, prevPrio, prevState, nextComm, nextPid, nextPrio, form: 'kernel' };
  }
  // Plugin form: "<prev>:<pid> [<prio>] <state> ==> <next>:<pid> [<prio>]"
  const s = payload.trimEnd();
  const arrow = s.lastIndexOf(' ==> ');
  if (arrow < 0) return null;
  const stateSp = s.lastIndexOf(' ', arrow - 1);
  if (stateSp < 0) return null;
  const prev = pluginTask(s, 0, stateSp);
  const next = pluginTask(s, arrow + 5, s.length);
  if (!prev || !next) return null;
  return {
    kind: 'sched_switch',
    prevComm: prev.comm,
    prevPid: prev.pid,
    prevPrio: prev.prio,
    prevState: s.slice(stateSp + 1, arrow),
    nextComm: next.comm,
    nextPid: next.pid,
    nextPrio: next.prio,
    form: 'plugin',
  };
}

export function parseSchedWake(kind: SchedWakeEvent['kind'], payload: string): Payload<SchedWakeEvent> | null {
  begin(payload);
  if (lit('comm=')) {
    const s = payload;
    const pp = s.lastIndexOf(' pid=');
    if (pp < 0) return null;
    const targetComm = s.slice(5, pp);
    setPos(pp + 5);
    const targetPid = int();
    if (Number.isNaN(targetPid) || !lit(' prio=')) return null;
    const prio = int();
    if (Number.isNaN(prio)) return null;
    let success: number | undefined;
    if (lit(' success=')) {
      success = int();
      if (Number.isNaN(success)) return null;
    }
    if (!lit(' target_cpu=')) return null;
    const targetCpu = int();
    if (Number.isNaN(targetCpu)) return null;
    const ev: Payload<SchedWakeEvent> = { kind, targetComm, targetPid, prio, targetCpu, form: 'kernel' };
    if (success !== undefined) ev.success = success;
    return ev;
  }
  // Plugin form: "<comm>:<pid> [<prio>] [success=N ]CPU:NNN"
  const s = payload.trimEnd();
  const cpuAt = s.lastIndexOf(' CPU:');
  if (cpuAt < 0) return null;
  const targetCpu = Number(s.slice(cpuAt + 5));
  if (!Number.isInteger(targetCpu)) return null;
  let end = cpuAt;
  let success: number | undefined;
  const succAt = s.lastIndexOf(' success=', cpuAt);
  if (succAt >= 0 && s.charCodeAt(succAt - 1) === 93) {
    success = Number(s.slice(succAt + 9, cpuAt));
    if (!Number.isInteger(success)) return null;
    end = succAt;
  }
  const t = pluginTask(s, 0, end);
  if (!t) return null;
  const ev: Payload<SchedWakeEvent> = { kind, targetComm: t.comm, targetPid: t.pid, prio: t.prio, targetCpu, form: 'plugin' };
  if (success !== undefined) ev.success = success;
  return ev;
}

export function parseSchedMigrate(payload: string): Payload<SchedMigrateEvent> | null {
  begin(payload);
  if (!lit('comm=')) return null;
  const s = text();
  const pp = s.lastIndexOf(' pid=');
  if (pp < 0) return null;
  const targetComm = s.slice(5, pp);
  setPos(pp + 5);
  const targetPid = int();
  if (Number.isNaN(targetPid) || !lit(' prio=')) return null;
  const prio = int();
  if (Number.isNaN(prio) || !lit(' orig_cpu=')) return null;
  const origCpu = int();
  if (Number.isNaN(origCpu) || !lit(' dest_cpu=')) return null;
  const destCpu = int();
  if (Number.isNaN(destCpu)) return null;
  return { kind: 'sched_migrate_task', targetComm, targetPid, prio, origCpu, destCpu };
}
