/**
 * How kernel tasks are recognised from what a trace prints: the header's or sched_switch's name
 * (`kworker/1:32`, `ksoftirqd/1`, `<idle>`, `swapper/1`). perf script prints the name /proc gives,
 * which appends the workqueue a worker last ran (`kworker/1:32-dio/vda`), cut to 15 characters;
 * the prefixes below survive both.
 */

/** The idle task ("swapper") is pid 0 on every CPU. */
export const IDLE_PID = 0;

export function isIdlePid(pid: number): boolean {
  return pid === IDLE_PID;
}

const KWORKER = 'kworker/';

/** A workqueue worker by its name (a worker that was never seen running a work item is known only so). */
export function isKworkerComm(comm: string): boolean {
  return comm.startsWith(KWORKER);
}

/** A kworker's name without the `-<workqueue>` suffix some kernels append (it changes with the work). */
export function kworkerBaseComm(comm: string): string {
  const dash = isKworkerComm(comm) ? comm.indexOf('-') : -1;
  return dash > 0 ? comm.slice(0, dash) : comm;
}

/** The per-CPU thread that runs softirqs the interrupt exit path handed over (`ksoftirqd/N`). */
export function isKsoftirqdComm(comm: string): boolean {
  return comm.startsWith('ksoftirqd/');
}
