import type { Dev } from '../model/events.js';
import { NS_PER_S } from '../model/time.js';
import { createCpus, hostStall, type CpuSet } from './cpu.js';
import { createDevice, type Device } from './device.js';
import { createEngine, PRIO_DEVICE, PRIO_IRQ, PRIO_LOW, type Engine } from './engine.js';
import { createKernelPath, type KernelPath } from './kernel.js';
import { createKernelEvents, type DirectSink, type EventSink, type KernelEvents } from './kevents.js';
import type { SimParams } from './params.js';
import { POLICIES } from './policies/index.js';
import { createRng } from '../stats/rng.js';
import { createScheduler, type Scheduler } from './scheduler.js';
import { SLEEP, type Cpu, type Io, type Program, type Task } from './types.js';
import { createWorkload, type Workload } from './workload.js';
import { createWorkqueue, type Workqueue } from './workqueue.js';

/**
 * Wires the parts into one machine: engine, CPUs, scheduler, device, kernel completion path,
 * workqueue and the fio job, plus the scheduler tick. `step` advances it; nothing here holds
 * events or finished I/Os: events go to `sink` as they happen, finished I/Os to `onDone`.
 */

export interface Model {
  engine: Engine;
  cpus: CpuSet;
  workload: Workload;
  wq: Workqueue;
  ev: KernelEvents;
  startNs: number;
  done(): boolean;
}

const INODE = '0x20c089';

/** Raw kernel address of dio slab object `i` (kmalloc-96, so objects sit 0x60 apart). */
function dioAddress(i: number): string {
  const lo = (0x35791000 + i * 0x60) >>> 0;
  return `0xffff8881${lo.toString(16).padStart(8, '0')}`;
}

/** `direct`, when given, receives every event unstamped instead of `sink` (see kevents.ts). */
export function createModel(p: SimParams, seed: number, sink: EventSink, onDone: (io: Io) => void, direct?: DirectSink): Model {
  // sfc32: the simulator's generator since its first trace; a seed must keep giving the same trace.
  const rng = createRng(seed, 'sfc32');
  const engine = createEngine(0);
  const startNs = p.startSec * NS_PER_S;
  const dev: Dev = { major: p.devMajor, minor: p.devMinor };
  const ev = createKernelEvents(engine, startNs, dev, sink, direct);
  const policy = POLICIES[p.kernel];

  let cpus: CpuSet | null = null;
  const getCpus = (): CpuSet => cpus as CpuSet;
  const sched: Scheduler = createScheduler(engine, p, ev, getCpus);
  let device: Device | null = null;
  const softirqd: Task[] = [];
  cpus = createCpus(engine, p, ev, {
    switchTask: (cpu) => {
      sched.switchTask(cpu);
      // A vCPU that halts with an interrupt held for it takes it at once (kickWhen host-idle).
      if (cpu.id === p.irqCpu && cpu.curr.isIdle && device !== null) device.vcpuHalted();
    },
    wakeSoftirqd: (cpu) => sched.wake(cpu, softirqd[cpu.id] as Task),
  });
  if (p.ksoftirqd) {
    const cs0 = cpus;
    // ksoftirqd/N: runs the softirqs __do_softirq left to it, then sleeps (pids as on a small machine).
    for (const cpu of cs0.cpus) {
      const prog = function* (): Program {
        for (;;) {
          if (cpu.softirqPending.length > 0) {
            cs0.runSoftirqs(cpu);
            yield 0;
          } else yield SLEEP;
        }
      };
      softirqd.push(cs0.makeTask({ pid: 15 + 7 * cpu.id, comm: `ksoftirqd/${cpu.id}`, headerComm: `ksoftirqd/${cpu.id}`, perfComm: `ksoftirqd/${cpu.id}`, prio: 120, cpu: cpu.id, sleepState: 'S' }, prog()));
    }
  }
  const cs = cpus;
  const irqCpu = cs.cpus[p.irqCpu] as Cpu;

  // LIFO free list of dio objects: kfree'd addresses come back first, as with the slab allocator.
  const free: number[] = [];
  let nextObj = 0;
  const addrs: string[] = [];
  const allocDio = (): number => free.pop() ?? nextObj++;
  const workPtr = (io: Io): string => (addrs[io.workAddr] ??= dioAddress(io.workAddr));

  let kernel: KernelPath | null = null;
  let wq: Workqueue | null = null;
  let workload: Workload | null = null;
  const deliverIrq = (): void => cs.raiseIrq(irqCpu, () => (kernel as KernelPath).irqHandler(irqCpu));
  let stalling = false;
  // An idle CPU takes the interrupt only once it has left its idle state, unless the host made
  // the entry that delivers it (the vCPU was exited or held, not halted).
  device = createDevice(
    engine,
    p,
    rng.fork('device'),
    (wake) => {
      if (wake && irqCpu.curr.isIdle && irqCpu.stack.length === 1 && p.idleWakeNs > 0) engine.after(p.idleWakeNs, PRIO_IRQ, deliverIrq);
      else deliverIrq();
    },
    {
      state: () => {
        if (irqCpu.curr.isIdle && irqCpu.stack.length === 1) return 'idle';
        if (stalling || (irqCpu.stack.length === 1 && irqCpu.curr.inNotify)) return 'out';
        return 'busy';
      },
      stall: (ns, done) => {
        const end = (): void => {
          stalling = false;
          done();
        };
        stalling = true;
        // The host runs on the physical CPU of a halted vCPU without the guest noticing.
        if (irqCpu.curr.isIdle && irqCpu.stack.length === 1) engine.after(ns, PRIO_DEVICE, end);
        else cs.raiseIrq(irqCpu, () => hostStall(ns, end));
      },
    },
  );
  kernel = createKernelPath({
    engine,
    p,
    ev,
    cpus: cs,
    sched,
    policy,
    device,
    wq: () => wq as Workqueue,
    submitter: () => (workload as Workload).submitter,
    fileSize: () => (workload as Workload).fileSize(),
    inode: INODE,
    freeDio: (io) => free.push(io.workAddr),
  });
  const kp = kernel;
  wq = createWorkqueue(engine, p, ev, cs, sched, policy.workFunction, { runItem: (cpu, io) => kp.dioComplete(cpu, io), workPtr });
  workload = createWorkload({ engine, p, ev, cpus: cs, sched, policy, device, rng: rng.fork('workload'), kernel: () => kp, inode: INODE, allocDio, onDone });

  cs.setSoftirqHandler(4, 'BLOCK', (cpu) => kp.blockSoftirq(cpu));
  cs.setSoftirqHandler(1, 'TIMER', tickWork);
  cs.setSoftirqHandler(7, 'SCHED', tickWork);
  function* tickWork(): Program {
    yield p.tickSoftirqNs / 2;
  }
  // The local timer is an interrupt without irq_handler events (a vector, not a device irq).
  function* timerIrq(cpu: Cpu): Program {
    yield 200;
    cs.raiseSoftirq(cpu, 1);
    cs.raiseSoftirq(cpu, 7);
  }
  if (p.tickNs > 0) {
    for (const cpu of cs.cpus) {
      const tick = (): void => {
        // NOHZ idle: an idle CPU takes no tick.
        if (!(cpu.curr.isIdle && cpu.stack.length === 1)) cs.raiseIrq(cpu, () => timerIrq(cpu));
        engine.after(p.tickNs, PRIO_LOW, tick);
      };
      engine.after(Math.floor(((cpu.id + 1) * p.tickNs) / (p.cpus + 1)), PRIO_LOW, tick);
    }
  }

  sched.start(workload.task);
  return { engine, cpus: cs, workload, wq, ev, startNs, done: () => (workload as Workload).finished() };
}
