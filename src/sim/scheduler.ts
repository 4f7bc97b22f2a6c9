import { PRIO_IRQ, type Engine } from './engine.js';
import type { CpuSet } from './cpu.js';
import type { KernelEvents } from './kevents.js';
import type { SimParams } from './params.js';
import type { Cpu, Program, Task } from './types.js';

/**
 * Per-CPU run queues with CFS's rules for the cases that matter here (all tasks nice 0, or a
 * higher-priority kworker): a task's vruntime grows with the CPU time it gets; a woken sleeper is
 * placed no further back than min_vruntime − sleeperCredit (GENTLE_FAIR_SLEEPERS); it preempts the
 * running task when it lags it by more than the wakeup granularity, or when it has a better static
 * priority; the next task is the one with the smallest vruntime. A kworker that runs a few µs per
 * millisecond therefore always preempts fio on wakeup, as the RFC describes. EEVDF (6.6+) gives the
 * same outcome here, since the kworker wakes with positive lag; the model does not model slices or
 * tick preemption between two CPU-bound tasks.
 */

export interface Scheduler {
  switchTask(cpu: Cpu): void;
  /** try_to_wake_up from the current frame of `waker` (a generator: the wakeup costs CPU time there). */
  wake(waker: Cpu, t: Task): Program;
  /** Makes a new task runnable on its CPU without trace events (tasks existing before the trace). */
  start(t: Task): void;
}

export function createScheduler(engine: Engine, p: SimParams, ev: KernelEvents, getCpus: () => CpuSet): Scheduler {
  const cpuOf = (t: Task): Cpu => getCpus().cpus[t.cpu] as Cpu;

  function updateMin(cpu: Cpu): void {
    let m = Infinity;
    if (!cpu.curr.isIdle && cpu.curr.state === 'running') m = cpu.curr.vruntime;
    for (const t of cpu.runqueue) if (t.vruntime < m) m = t.vruntime;
    if (m !== Infinity && m > cpu.minVruntime) cpu.minVruntime = m;
  }

  function account(cpu: Cpu): void {
    const now = engine.now();
    const ran = now - cpu.currSince;
    cpu.currSince = now;
    if (!cpu.curr.isIdle) {
      cpu.curr.vruntime += ran;
      cpu.curr.runNs += ran;
    }
  }

  function switchTask(cpu: Cpu): void {
    account(cpu);
    const prev = cpu.curr;
    const preempted = prev.state === 'running' && !prev.isIdle;
    let best: Task | null = preempted ? prev : null;
    let bestIdx = -1;
    cpu.runqueue.forEach((t, i) => {
      if (best === null || t.prio < best.prio || (t.prio === best.prio && t.vruntime < best.vruntime)) {
        best = t;
        bestIdx = i;
      }
    });
    cpu.needResched = false;
    const next: Task = best ?? cpu.idle;
    if (next === prev) return;
    if (bestIdx >= 0) cpu.runqueue.splice(bestIdx, 1);
    if (preempted) {
      prev.state = 'runnable';
      cpu.runqueue.push(prev);
    }
    const now = engine.now();
    if (prev.isIdle) cpu.idleNs += now - cpu.idleSince;
    // The switch is traced in the outgoing task's context; its cost is paid by the incoming one.
    ev.switchEvent(cpu, prev, next, preempted ? (p.preempt === 'full' && !prev.inUser ? 'R+' : 'R') : prev.isIdle ? 'R' : prev.sleepState);
    cpu.switches++;
    cpu.curr = next;
    cpu.currSince = now;
    cpu.stack[0] = next.frame;
    if (next.isIdle) {
      cpu.idleSince = now;
      next.state = 'running';
    } else {
      next.state = 'running';
      next.lastSwitchIn = now;
      next.frame.remaining += p.ctxSwitchNs;
    }
    updateMin(cpu);
  }

  function enqueue(t: Task): boolean {
    const cpu = cpuOf(t);
    account(cpu);
    updateMin(cpu);
    t.vruntime = Math.max(t.vruntime, cpu.minVruntime - p.sleeperCreditNs);
    t.state = 'runnable';
    cpu.runqueue.push(t);
    const curr = cpu.curr;
    const preempt = curr.isIdle || curr.state !== 'running' || t.prio < curr.prio || curr.vruntime - t.vruntime > p.wakeupGranNs;
    if (preempt) cpu.needResched = true;
    return preempt;
  }

  function* wake(waker: Cpu, t: Task): Program {
    if (t.state !== 'sleeping') return;
    const target = cpuOf(t);
    ev.wakeEvent(waker, 'sched_waking', t, 3);
    // Mark it woken at once so a second waker in the same instant does not wake it twice.
    t.state = 'runnable';
    yield p.wakeupNs;
    t.state = 'sleeping';
    const preempt = enqueue(t);
    t.lastWakeup = engine.now();
    ev.wakeEvent(waker, 'sched_wakeup', t, 4);
    if (target !== waker && preempt && target.curr.isIdle) {
      const cpus = getCpus();
      engine.after(p.ipiNs, PRIO_IRQ, () => cpus.kick(target));
    }
  }

  function start(t: Task): void {
    const cpu = cpuOf(t);
    t.state = 'runnable';
    cpu.runqueue.push(t);
    cpu.needResched = true;
    getCpus().kick(cpu);
  }

  return { switchTask, wake, start };
}
