import type { Engine } from '../engine.js';
import type { Hop } from './truth.js';
import type { Seg, SimTask, Timeline } from './timeline.js';

/**
 * Kernel threads that run queued items: a kworker of a bound pool (one per CPU, serving every
 * bound workqueue of that CPU, as kworker/1:1 runs both dio/vda and dio/loop0 items in the real
 * loop captures), the single kworker an unbound workqueue uses here (loop0, kcryptd), or a plain
 * kthread fed from a list (dm-crypt's dmcrypt_write). queue_work traces queue + activate and wakes
 * the worker if it is not already due to run; the worker runs every item queued before it gets
 * there (process_scheduled_works until the list is empty), each between execute_start/end, then
 * sleeps. An item whose queueing lies after the run's instant (it was written by a segment reserved
 * later but earlier on the clock) waits for the worker's next run.
 */

export interface Item {
  queueNs: number;
  work: string;
  fn: string;
  run(s: Seg): void;
  hop: Hop | null;
}

export interface Worker {
  task: SimTask;
  /** Bound CPU, or null: an unbound worker wakes on the CPU that is free first. */
  cpu: number | null;
  /** A workqueue worker traces execute_start/end around each item; a kthread does not. */
  traced: boolean;
  items: Item[];
  armed: boolean;
  /**
   * When its last run ends (engine ns). An unbound worker is one task: a run woken while it still
   * runs elsewhere starts after that, never on a second CPU at once (nor does its work item run
   * twice at once: a workqueue never runs one work item concurrently with itself).
   */
  busyUntil?: number;
}

export interface Workers {
  /** queue_work from segment `s`: returns the item (its hop is recorded by the caller). */
  queue(s: Seg, w: Worker, item: Omit<Item, 'queueNs'>, wq: string, reqCpu: number): Item;
  /** Hands an item to a kthread (no workqueue events): wakes it if it sleeps. */
  hand(s: Seg, w: Worker, item: Omit<Item, 'queueNs'>): void;
}

export interface WorkerDeps {
  engine: Engine;
  tl: Timeline;
  wakeNs: number;
  cpus: number;
  workItemNs: number;
  /** Runs after a worker's run on its CPU, in the same reservation (softirqs it raised). */
  after(s: Seg): void;
}

export function createWorkers(d: WorkerDeps): Workers {
  const { engine, tl } = d;

  function cpuOf(w: Worker): number {
    if (w.cpu !== null) return w.cpu;
    let best = 0;
    for (let c = 1; c < d.cpus; c++) if (tl.freeAt(c) < tl.freeAt(best)) best = c;
    return best;
  }

  function wake(s: Seg, w: Worker, cpu: number): void {
    if (w.armed) return;
    w.armed = true;
    const t = w.task;
    s.put({ kind: 'sched_waking', targetComm: t.comm, targetPid: t.pid, prio: t.prio, targetCpu: cpu, form: 'kernel' }, true, 3);
    s.put({ kind: 'sched_wakeup', targetComm: t.comm, targetPid: t.pid, prio: t.prio, targetCpu: cpu, form: 'kernel' }, true, 4);
    engine.schedule(s.t + d.wakeNs, 2, () => run(w, cpu));
  }

  function run(w: Worker, cpu: number): void {
    w.armed = false;
    const from = Math.max(engine.now(), w.busyUntil ?? 0);
    const start = Math.max(from, tl.freeAt(cpu));
    if (!w.items.some((x) => x.queueNs <= start)) {
      if (w.items.length === 0) return;
      w.armed = true;
      engine.schedule(Math.min(...w.items.map((x) => x.queueNs)), 2, () => run(w, cpuOf(w)));
      return;
    }
    let later = Infinity;
    w.busyUntil = tl.reserve(cpu, from, (s) => {
      s.switchTo(w.task);
      for (;;) {
        const i = w.items.findIndex((x) => x.queueNs <= s.t);
        if (i < 0) break;
        const it = w.items.splice(i, 1)[0] as Item;
        if (it.hop !== null) {
          it.hop.startNs = s.t;
          it.hop.worker = `${w.task.comm}-${w.task.pid}`;
          it.hop.cpu = cpu;
        }
        if (w.traced) s.put({ kind: 'workqueue_execute_start', work: it.work, function: it.fn });
        s.spend(d.workItemNs / 2);
        it.run(s);
        if (it.hop !== null) it.hop.endNs = s.t;
        if (w.traced) s.put({ kind: 'workqueue_execute_end', work: it.work, function: it.fn });
        s.spend(d.workItemNs / 2);
      }
      s.switchTo(idleOf(cpu));
      d.after(s);
      for (const x of w.items) later = Math.min(later, x.queueNs);
    });
    if (later < Infinity) {
      w.armed = true;
      engine.schedule(Math.max(later, tl.freeAt(cpu)), 2, () => run(w, cpuOf(w)));
    }
  }

  return {
    queue(s, w, item, wq, reqCpu) {
      const cpu = cpuOf(w);
      const it: Item = { ...item, queueNs: s.t };
      s.put({ kind: 'workqueue_queue_work', work: it.work, function: it.fn, workqueue: wq, reqCpu, targetCpu: w.cpu === null ? -1 : w.cpu }, true, 1);
      s.put({ kind: 'workqueue_activate_work', work: it.work, function: it.fn }, true, 1);
      if (it.hop !== null) {
        it.hop.queueNs = s.t;
        it.hop.queueCpu = s.cpu;
      }
      w.items.push(it);
      s.spend(100);
      wake(s, w, cpu);
      return it;
    },
    hand(s, w, item) {
      w.items.push({ ...item, queueNs: s.t });
      wake(s, w, cpuOf(w));
    },
  };
}

const idleTasks = new Map<number, SimTask>();
function idleOf(cpu: number): SimTask {
  let t = idleTasks.get(cpu);
  if (t === undefined) {
    t = { pid: 0, comm: `swapper/${cpu}`, prio: 120, sleepState: 'R' };
    idleTasks.set(cpu, t);
  }
  return t;
}
