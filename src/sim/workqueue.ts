import type { Engine } from './engine.js';
import type { CpuSet } from './cpu.js';
import type { KernelEvents } from './kevents.js';
import type { SimParams } from './params.js';
import type { Scheduler } from './scheduler.js';
import { RESCHED, SLEEP, type Cpu, type Io, type Program, type Task } from './types.js';

/**
 * The `dio/<s_id>` workqueue: WQ_MEM_RECLAIM, per-CPU (bound), so a work item queued from the
 * irq CPU runs on that CPU's kworker. One worker per CPU serves it (the pool has more, but with
 * one busy worker the kernel does not start another). queue_work wakes the worker only when it
 * sleeps (try_to_wake_up of a running task traces nothing); the worker runs every pending item
 * before it sleeps again (worker_thread → process_scheduled_works until the list is empty).
 */

export interface WorkHooks {
  /** The completion work of one I/O, run in the worker (iomap_dio_complete_work / dio_aio_complete_work). */
  runItem(cpu: Cpu, io: Io): Program;
  /** Text of the work struct pointer (`&dio->aio.work`) in the kernel's raw form. */
  workPtr(io: Io): string;
}

export interface Workqueue {
  /** queue_work from the current frame of `cpu` (a generator: it costs CPU time there). */
  queue(cpu: Cpu, io: Io): Program;
  workers(): Task[];
  pending(): number;
}

export function createWorkqueue(
  engine: Engine,
  p: SimParams,
  ev: KernelEvents,
  cpus: CpuSet,
  sched: Scheduler,
  fn: string,
  hooks: WorkHooks,
): Workqueue {
  const name = `dio/${p.devName}`;
  // WORK_CPU_UNBOUND prints as NR_CPUS: 256 on the captures' distribution kernel, 8192 on server builds.
  const reqCpu = p.cpus <= 8 ? 256 : 8192;
  const lists: Io[][] = cpus.cpus.map(() => []);
  const workers: Task[] = cpus.cpus.map((cpu) =>
    cpus.makeTask(
      {
        pid: p.kworkerPidBase + cpu.id,
        comm: `kworker/${cpu.id}:${p.kworkerIndex}`,
        headerComm: `kworker/${cpu.id}:${p.kworkerIndex}`,
        perfComm: `kworker/${cpu.id}:${p.kworkerIndex}-events`.slice(0, 15),
        prio: 120,
        cpu: cpu.id,
        sleepState: 'I',
      },
      workerProgram(cpu.id),
    ),
  );

  function* workerProgram(cpuId: number): Program {
    const cpu = cpus.cpus[cpuId] as Cpu;
    const list = lists[cpuId] as Io[];
    const me = (): Task => workers[cpuId] as Task;
    for (;;) {
      let io = list.shift();
      while (io !== undefined) {
        const w = me();
        io.tExecStart = engine.now();
        if (w.lastWakeup >= io.tQueueWork) io.tWakeup = w.lastWakeup;
        if (w.lastSwitchIn >= io.tQueueWork) io.tSwitchIn = w.lastSwitchIn;
        const work = hooks.workPtr(io);
        ev.put(cpu, false, 0, { kind: 'workqueue_execute_start', work, function: fn });
        yield p.workItemNs / 2;
        yield* hooks.runItem(cpu, io);
        io.tExecEnd = engine.now();
        ev.put(cpu, false, 0, { kind: 'workqueue_execute_end', work, function: fn });
        yield p.workItemNs / 2;
        // process_one_work ends with cond_resched().
        yield RESCHED;
        io = list.shift();
      }
      yield p.workerSleepNs;
      if (list.length > 0) continue;
      yield SLEEP;
    }
  }

  function* queue(cpu: Cpu, io: Io): Program {
    const work = hooks.workPtr(io);
    io.tQueueWork = engine.now();
    ev.put(cpu, true, 1, { kind: 'workqueue_queue_work', work, function: fn, workqueue: name, reqCpu, targetCpu: cpu.id });
    ev.put(cpu, true, 1, { kind: 'workqueue_activate_work', work, function: fn });
    (lists[cpu.id] as Io[]).push(io);
    yield p.queueWorkNs;
    const w = workers[cpu.id] as Task;
    if (w.state === 'sleeping') yield* sched.wake(cpu, w);
  }

  return {
    queue,
    workers: () => workers,
    pending: () => lists.reduce((n, l) => n + l.length, 0),
  };
}
