import type { Tracefs } from './tracefs.js';

/**
 * The event sets `capture` enables. `default` is the set of the shared real captures, so a new
 * capture is analysed exactly like them; `minimal` keeps only what the analyzer cannot do without
 * (the completion path and its context), dropping the high-volume scheduler events; `full` adds
 * the events the analyzer reads when present.
 */

export type EventSetName = 'default' | 'minimal' | 'full' | 'stack';
export const EVENT_SET_NAMES: readonly EventSetName[] = ['default', 'minimal', 'full', 'stack'];

export function isEventSetName(v: string): v is EventSetName {
  return (EVENT_SET_NAMES as readonly string[]).includes(v);
}

/**
 * Without these the analyzer cannot follow an I/O: block issue/complete (device time, requests),
 * the DIO begin/complete pair (what one I/O is, and where it completed), the workqueue trio
 * (deferral to a kworker and its timing), and irq/softirq entry/exit (the completion's context
 * when the trace has no flags column, and which interrupt invocation queued the work).
 */
const MINIMAL = [
  'block:block_rq_issue',
  'block:block_rq_complete',
  'workqueue:workqueue_queue_work',
  'workqueue:workqueue_execute_start',
  'workqueue:workqueue_execute_end',
  'irq:irq_handler_entry',
  'irq:irq_handler_exit',
  'irq:softirq_entry',
  'irq:softirq_exit',
  'iomap:iomap_dio_rw_begin',
  'iomap:iomap_dio_complete',
];

/** The 16 events of the shared captures: minimal plus CPU time, wakeups and activation. */
const DEFAULT = [
  'block:block_rq_issue',
  'block:block_rq_complete',
  'workqueue:workqueue_queue_work',
  'workqueue:workqueue_activate_work',
  'workqueue:workqueue_execute_start',
  'workqueue:workqueue_execute_end',
  'sched:sched_switch',
  'sched:sched_wakeup',
  'sched:sched_waking',
  'irq:irq_handler_entry',
  'irq:irq_handler_exit',
  'irq:softirq_entry',
  'irq:softirq_exit',
  'iomap:iomap_dio_rw_begin',
  'iomap:iomap_dio_complete',
  'iomap:iomap_dio_rw_queued',
];

/**
 * Storage stacks: the bio events that follow I/O through devices without requests (zram, brd,
 * bio-based dm: `block_bio_queue` … `block_bio_complete`), through remaps (dm-linear, partitions:
 * `block_bio_remap`) and splits, plus `block_rq_insert` (who queued a request a kworker dispatched).
 */
const STACK_EXTRA = ['block:block_rq_insert', 'block:block_bio_queue', 'block:block_bio_complete', 'block:block_bio_remap', 'block:block_split', 'block:block_bio_backmerge'];
const STACK = [...DEFAULT, ...STACK_EXTRA];

const FULL = [...DEFAULT, 'block:block_rq_insert', 'block:block_rq_error', 'sched:sched_wakeup_new', 'sched:sched_migrate_task', 'irq:softirq_raise', ...STACK_EXTRA.filter((e) => e !== 'block:block_rq_insert')];

export const EVENT_SETS: Readonly<Record<EventSetName, readonly string[]>> = { minimal: MINIMAL, default: DEFAULT, full: FULL, stack: STACK };

/** Why a kernel may lack an event, for the warning. */
const MISSING_HINT: Readonly<Record<string, string>> = {
  iomap: 'the iomap tracepoints need Linux 6.4 or later; I/Os will be counted as block requests',
};

export interface ResolvedEvents {
  /** `system:event`, in the set's order. */
  enabled: string[];
  skipped: { event: string; reason: string }[];
}

/** Keeps the events this kernel has: an event exists when `events/<system>/<name>` does. */
export function resolveEvents(tfs: Tracefs, set: EventSetName): ResolvedEvents {
  const out: ResolvedEvents = { enabled: [], skipped: [] };
  for (const ev of EVENT_SETS[set]) {
    const [sys = '', name = ''] = ev.split(':');
    if (tfs.exists(`events/${sys}/${name}`)) out.enabled.push(ev);
    else out.skipped.push({ event: ev, reason: MISSING_HINT[sys] ?? 'not in this kernel' });
  }
  return out;
}

/** Events whose filter would hide some of their records from the capture. */
export function filteredEvents(tfs: Tracefs, events: readonly string[]): string[] {
  return events.filter((ev) => {
    const rel = `events/${ev.replace(':', '/')}/filter`;
    return tfs.exists(rel) && tfs.value(rel) !== 'none';
  });
}
