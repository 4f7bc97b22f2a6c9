/**
 * Softirq vectors (the enum in include/linux/interrupt.h): the number `softirq_entry: vec=4
 * [action=BLOCK]` prints, and the name `__print_symbolic` gives it (include/trace/events/irq.h).
 * The numbers are the same in 3.10 and 6.2; vector 5 was named BLOCK_IOPOLL before it became
 * IRQ_POLL. Names are 6.18's.
 */

export const SOFTIRQ_NAMES: readonly string[] = ['HI', 'TIMER', 'NET_TX', 'NET_RX', 'BLOCK', 'IRQ_POLL', 'TASKLET', 'SCHED', 'HRTIMER', 'RCU'];

/** The vectors iopath reads by number. */
export const SOFTIRQ = {
  /** The local timer tick's softirq. */
  TIMER: 1,
  /** Block-layer completions handed off by the interrupt (blk_mq_raise_softirq, a remote CPU's IPI). */
  BLOCK: 4,
  /** The scheduler's load balancing. */
  SCHED: 7,
} as const;
