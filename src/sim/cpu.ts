import { PRIO_CPU, type Engine } from './engine.js';
import type { KernelEvents } from './kevents.js';
import type { SimParams } from './params.js';
import { RESCHED, SLEEP, type Cpu, type Frame, type FrameCtx, type Program, type Task } from './types.js';

/**
 * The CPUs: each runs the top frame of its stack (task < softirq < hardirq). An interrupt pauses
 * the top frame (its operation's remaining time is kept) and pushes a hardirq frame; leaving the
 * hardirq runs pending softirqs; returning to the task honours need_resched at once when the task
 * was in user space (or under full preemption); a task in the kernel under voluntary preemption
 * switches only when it returns to user space, sleeps, or yields RESCHED (cond_resched()).
 */

export interface CpuSet {
  cpus: Cpu[];
  run(cpu: Cpu): void;
  raiseIrq(cpu: Cpu, handler: () => Program): void;
  raiseSoftirq(cpu: Cpu, vec: number): void;
  /** Called by a wakeup targeting an idle CPU (after the IPI delay). */
  kick(cpu: Cpu): void;
  makeTask(t: Pick<Task, 'pid' | 'comm' | 'headerComm' | 'perfComm' | 'prio' | 'cpu' | 'sleepState'>, program: Program): Task;
  setSoftirqHandler(vec: number, name: string, handler: (cpu: Cpu) => Program): void;
  /** ksoftirqd: runs the pending softirqs on top of the current task's frame (the caller then yields 0). */
  runSoftirqs(cpu: Cpu): void;
  softirqName(vec: number): string;
  /** Closes the accounting at the end of the run. */
  finish(): void;
}

export interface SchedulerHooks {
  /** Picks and switches to the next task on `cpu` (need_resched was set). */
  switchTask(cpu: Cpu): void;
  /** Wakes `cpu`'s ksoftirqd from its current frame (p.ksoftirqd only). */
  wakeSoftirqd?(cpu: Cpu): Program;
}

/** A host thread holding the vCPU's physical CPU (time the guest loses, without events), then `done`. */
export function* hostStall(ns: number, done: () => void): Program {
  yield ns;
  done();
}

function* idleProgram(): Program {
  for (;;) yield SLEEP;
}

export function createCpus(engine: Engine, p: SimParams, ev: KernelEvents, hooks: SchedulerHooks): CpuSet {
  const softirqHandlers = new Map<number, { name: string; handler: (cpu: Cpu) => Program }>();

  function makeFrame(ctx: FrameCtx, gen: Program, remaining = 0, nested = false): Frame {
    return { ctx, gen, remaining, startedAt: 0, pending: null, nested };
  }

  function makeTask(t: Pick<Task, 'pid' | 'comm' | 'headerComm' | 'perfComm' | 'prio' | 'cpu' | 'sleepState'>, program: Program): Task {
    return { ...t, state: 'sleeping', frame: makeFrame('task', program), vruntime: 0, isIdle: false, inUser: false, inNotify: false, lastWakeup: -1, lastSwitchIn: -1, runNs: 0 };
  }

  const cpus: Cpu[] = [];
  /** Per CPU: its pending softirqs were handed to ksoftirqd. */
  const deferred: boolean[] = [];
  for (let id = 0; id < p.cpus; id++) {
    deferred.push(false);
    const idle = makeTask({ pid: 0, comm: `swapper/${id}`, headerComm: '<idle>', perfComm: 'swapper', prio: 120, cpu: id, sleepState: 'R' }, idleProgram());
    idle.isIdle = true;
    idle.state = 'running';
    cpus.push({
      id,
      stack: [idle.frame],
      curr: idle,
      idle,
      needResched: false,
      irqPending: [],
      softirqPending: [],
      blockDone: [],
      runqueue: [],
      minVruntime: 0,
      currSince: engine.now(),
      idleNs: 0,
      idleSince: engine.now(),
      hardirqNs: 0,
      softirqNs: 0,
      irqs: 0,
      switches: 0,
    });
  }

  const top = (cpu: Cpu): Frame => cpu.stack[cpu.stack.length - 1] as Frame;
  const inHardirq = (cpu: Cpu): boolean => cpu.stack.some((f) => f.ctx === 'hardirq');

  function pause(cpu: Cpu): void {
    const f = top(cpu);
    if (f.pending !== null) {
      engine.cancel(f.pending);
      f.pending = null;
      f.remaining -= engine.now() - f.startedAt;
    }
    if (f.ctx === 'task' && cpu.curr.isIdle) cpu.idleNs += engine.now() - cpu.idleSince;
  }

  function run(cpu: Cpu): void {
    for (;;) {
      const f = top(cpu);
      if (f.pending !== null) return;
      if (f.ctx === 'task') {
        const t = cpu.curr;
        if (cpu.needResched && (t.isIdle || t.inUser || p.preempt === 'full' || t.state !== 'running')) {
          hooks.switchTask(cpu);
          continue;
        }
        if (t.isIdle) return;
      }
      if (f.remaining > 0) {
        f.startedAt = engine.now();
        f.pending = engine.schedule(engine.now() + f.remaining, PRIO_CPU, () => {
          f.pending = null;
          f.remaining = 0;
          run(cpu);
        });
        return;
      }
      const r = f.gen.next();
      if (r.done === true) {
        popFrame(cpu, f);
        continue;
      }
      if (r.value === RESCHED) {
        if (f.ctx === 'task' && cpu.needResched) hooks.switchTask(cpu);
        continue;
      }
      if (r.value === SLEEP) {
        if (f.ctx !== 'task') throw new Error('only a task can sleep');
        cpu.curr.state = 'sleeping';
        cpu.needResched = true;
        continue;
      }
      f.remaining = r.value;
    }
  }

  /**
   * Time the interrupt costs before its handler runs, unseen by the guest. With a virtio host
   * thread (kickWhen host-idle) the host's time is a stall of its own (model.ts), not part of the
   * injection, so the interrupt itself costs nothing more.
   */
  function stealFor(): number {
    return p.kickWhen === 'host-idle' ? 0 : p.irqStealNs;
  }

  function pushIrq(cpu: Cpu, handler: () => Program): void {
    const below = top(cpu);
    cpu.irqs++;
    const f = makeFrame('hardirq', handler(), stealFor(), below.ctx === 'softirq');
    f.startedAt = engine.now();
    cpu.stack.push(f);
  }

  function popFrame(cpu: Cpu, f: Frame): void {
    if (f.ctx === 'task') {
      // The task's program ended (fio finished): it exits.
      cpu.curr.state = 'dead';
      cpu.curr.sleepState = 'X';
      cpu.needResched = true;
      return;
    }
    cpu.stack.pop();
    const dur = engine.now() - f.startedAt;
    if (f.ctx === 'hardirq') {
      cpu.hardirqNs += dur;
      const next = cpu.irqPending.shift();
      if (next !== undefined) {
        pushIrq(cpu, next);
        return;
      }
    } else cpu.softirqNs += dur;
    const below = top(cpu);
    // Leaving an interrupt runs pending softirqs (invoke_softirq), even those handed to
    // ksoftirqd; a softirq run that handed its leftovers to ksoftirqd does not restart here.
    if (below.ctx === 'task' && cpu.softirqPending.length > 0 && (f.ctx === 'hardirq' || !deferred[cpu.id])) {
      pushSoftirq(cpu);
      return;
    }
    if (below.ctx === 'task' && cpu.curr.isIdle) cpu.idleSince = engine.now();
  }

  function pushSoftirq(cpu: Cpu): void {
    deferred[cpu.id] = false;
    const s = makeFrame('softirq', doSoftirq(cpu));
    s.startedAt = engine.now();
    cpu.stack.push(s);
  }

  /**
   * __do_softirq: run every pending vector in order; vectors raised meanwhile restart the loop,
   * unless (p.ksoftirqd) a reschedule is pending: then they wait for ksoftirqd (wakeup_softirqd),
   * or for the next interrupt's exit, whichever runs first.
   */
  function* doSoftirq(cpu: Cpu): Program {
    let pass = 0;
    while (cpu.softirqPending.length > 0) {
      if (pass++ > 0 && p.ksoftirqd && cpu.needResched && hooks.wakeSoftirqd !== undefined) {
        deferred[cpu.id] = true;
        yield* hooks.wakeSoftirqd(cpu);
        return;
      }
      const vecs = cpu.softirqPending.splice(0).sort((a, b) => a - b);
      for (const vec of vecs) {
        const h = softirqHandlers.get(vec);
        if (h === undefined) continue;
        ev.put(cpu, false, 0, { kind: 'softirq_entry', vec, action: h.name });
        yield p.softirqEntryNs;
        yield* h.handler(cpu);
        ev.put(cpu, false, 0, { kind: 'softirq_exit', vec, action: h.name });
      }
    }
  }

  function raiseIrq(cpu: Cpu, handler: () => Program): void {
    if (inHardirq(cpu)) {
      cpu.irqPending.push(handler);
      return;
    }
    pause(cpu);
    pushIrq(cpu, handler);
    run(cpu);
  }

  function raiseSoftirq(cpu: Cpu, vec: number): void {
    if (!cpu.softirqPending.includes(vec)) cpu.softirqPending.push(vec);
  }

  function kick(cpu: Cpu): void {
    const f = top(cpu);
    if (f.ctx === 'task' && cpu.curr.isIdle && f.pending === null) run(cpu);
  }

  return {
    cpus,
    run,
    raiseIrq,
    raiseSoftirq,
    kick,
    makeTask,
    setSoftirqHandler: (vec, name, handler) => {
      softirqHandlers.set(vec, { name, handler });
    },
    softirqName: (vec) => softirqHandlers.get(vec)?.name ?? String(vec),
    runSoftirqs: (cpu) => {
      if (cpu.softirqPending.length > 0) pushSoftirq(cpu);
    },
    finish() {
      for (const cpu of cpus) {
        if (cpu.curr.isIdle && cpu.stack.length === 1) cpu.idleNs += engine.now() - cpu.idleSince;
        cpu.idleSince = engine.now();
      }
    },
  };
}
