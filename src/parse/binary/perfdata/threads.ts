/**
 * Task names as `perf script` prints them. A sample carries only pid/tid; the name comes from the
 * COMM, FORK and EXIT records processed in time order before it (perf's machine/thread code,
 * tools/perf/util/machine.c):
 *  - tid 0 is `swapper` (the idle thread perf registers);
 *  - a thread first seen in a sample, with no COMM yet, is named `:TID`;
 *  - COMM sets the name; FORK gives the child its parent's name when the parent had one set by a
 *    COMM (else `:TID`), replacing any thread of that tid; EXIT keeps the thread and its name
 *    (perf 6.1 marks it dead; a later sample of that tid still prints the name).
 * A sample of an exiting task whose pid the kernel no longer sees has tid -1 and prints `:-1`.
 */

interface Thread {
  pid: number;
  comm: string;
  /** Named by a COMM (or inherited one), not perf's `:TID` placeholder. */
  commSet: boolean;
}

export interface ThreadTable {
  comm(pid: number, tid: number): string;
  onComm(pid: number, tid: number, comm: string): void;
  onFork(pid: number, ppid: number, tid: number, ptid: number): void;
  onExit(pid: number, tid: number): void;
}

export function createThreadTable(): ThreadTable {
  const threads = new Map<number, Thread>();
  threads.set(0, { pid: 0, comm: 'swapper', commSet: true });
  // Consecutive samples are mostly of one task: the last lookup is kept.
  let lastTid = NaN;
  let last: Thread | undefined;
  const findnew = (pid: number, tid: number): Thread => {
    if (tid === lastTid && last !== undefined && (last.pid === pid || pid === -1)) return last;
    let t = threads.get(tid);
    if (t === undefined) {
      t = { pid, comm: `:${tid}`, commSet: false };
      threads.set(tid, t);
    } else if (t.pid === -1 && pid !== -1 && pid !== tid) t.pid = pid;
    lastTid = tid;
    last = t;
    return t;
  };
  return {
    comm: (pid, tid) => findnew(pid, tid).comm,
    onComm(pid, tid, comm) {
      const t = findnew(pid, tid);
      t.comm = comm;
      t.commSet = true;
    },
    onFork(pid, ppid, tid, ptid) {
      let parent = findnew(ppid, ptid);
      // A thread of that tid from another process is not the parent: a lost or reordered record.
      if (parent.pid !== ppid && parent.pid !== -1) {
        threads.delete(ptid);
        lastTid = NaN;
        parent = findnew(ppid, ptid);
      }
      threads.delete(tid);
      lastTid = NaN;
      const child = findnew(pid, tid);
      if (parent.commSet) {
        child.comm = parent.comm;
        child.commSet = true;
      }
    },
    onExit() {},
  };
}
