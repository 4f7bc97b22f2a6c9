import { stateLetters, TASK_STATE_LAYOUTS, type TaskStateLayout } from '../../kernel/task-states.js';

/**
 * Symbol tables of the kernel's TP_printk formats, needed to turn `trace-cmd report -R` raw values
 * back into the printed text. Taken from the event `format` files of Linux 6.18 (the kernel of the
 * bundled captures); values of IOCB flags moved between versions, so raw iomap flags from another
 * kernel may decode differently (the printed forms are always taken as printed). The softirq
 * names, a kernel fact the analysis reads too, are in kernel/softirq.ts.
 */

/** TRACE_IOCB_STRINGS (include/linux/fs.h, 6.18): `flags DIRECT|WRITE|AIO_RW` of iomap_dio_*. */
export const IOCB_FLAGS: readonly (readonly [number, string])[] = [
  [0x1, 'HIPRI'],
  [0x2, 'DSYNC'],
  [0x4, 'SYNC'],
  [0x8, 'NOWAIT'],
  [0x10, 'APPEND'],
  [0x40, 'ATOMIC'],
  [0x80, 'DONTCACHE'],
  [1 << 16, 'EVENTFD'],
  [1 << 17, 'DIRECT'],
  [1 << 18, 'WRITE'],
  [1 << 19, 'WAITQ'],
  [1 << 20, 'NOIO'],
  [1 << 21, 'ALLOC_CACHE'],
  [1 << 22, 'CALLER_COMP'],
  [1 << 23, 'AIO_RW'],
  [1 << 24, 'AIO_HAS_METADATA'],
];

/** IOMAP_DIO_* of `dio_flags` (fs/iomap/trace.h, 6.18). */
export const IOMAP_DIO_FLAGS: readonly (readonly [number, string])[] = [
  [1 << 0, 'DIO_FORCE_WAIT'],
  [1 << 1, 'DIO_OVERWRITE_ONLY'],
  [1 << 2, 'DIO_PARTIAL'],
];

/** sched_switch `prev_state` letters of 4.14 and later; the layouts of every kernel are in kernel/task-states.ts. */
export function taskStateLetters(state: number): string {
  return stateLetters(state, TASK_STATE_LAYOUTS[0] as TaskStateLayout);
}
