import type { TraceEvent } from '../../../model/events.js';

/**
 * perf.data stores no kallsyms, so a work item's `function` (a `%ps` pointer) prints as its
 * address unless the user gives `/proc/kallsyms` of the same boot. The workqueue it is queued on
 * names it well enough for the work iopath follows: each of these queues runs one completion
 * function (fs/direct-io.c and fs/iomap/direct-io.c: `sb->s_dio_done_wq`, "dio/%s"; ext4's
 * "ext4-rsv-conversion"; xfs's "xfs-conv/%s"). A pointer learned at a queue_work names the same
 * pointer in activate / execute_start / execute_end, which carry no workqueue.
 *
 *   `workqueue_queue_work: work struct=0xffff8881d87afc40 function=0xffffffff8154d2a0 workqueue=dio/vda req_cpu=256 cpu=1`
 */

const BY_QUEUE: readonly [prefix: string, fn: string][] = [
  ['dio/', 'iomap_dio_complete_work'],
  ['ext4-rsv-conversion', 'ext4_end_io_rsv_work'],
  ['xfs-conv/', 'xfs_end_io'],
];

export interface WorkFunctionNamer {
  /** Renames an unresolved (`0x…`) work function in place, when its queue or pointer tells. */
  fix(e: TraceEvent): void;
}

export function createWorkFunctionNamer(): WorkFunctionNamer {
  const learned = new Map<string, string>();
  return {
    fix(e) {
      switch (e.kind) {
        case 'workqueue_queue_work': {
          if (!e.function.startsWith('0x')) return;
          const known = learned.get(e.function);
          if (known !== undefined) {
            e.function = known;
            return;
          }
          for (const [prefix, fn] of BY_QUEUE) {
            if (e.workqueue.startsWith(prefix)) {
              learned.set(e.function, fn);
              e.function = fn;
              return;
            }
          }
          return;
        }
        case 'workqueue_activate_work':
        case 'workqueue_execute_start':
        case 'workqueue_execute_end': {
          const fn = e.function;
          if (fn === undefined || !fn.startsWith('0x')) return;
          const known = learned.get(fn);
          if (known !== undefined) e.function = known;
          return;
        }
        default:
      }
    },
  };
}
