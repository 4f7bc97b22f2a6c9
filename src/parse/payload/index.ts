import type { TraceEvent } from '../../model/events.js';
import { parseBlockRq, parseBlockRqComplete } from './block.js';
import { parseIomapBegin, parseIomapComplete, parseIomapQueued } from './iomap.js';
import { parseIrqEntry, parseIrqExit, parseSoftirq } from './irq.js';
import { parseSchedMigrate, parseSchedSwitch, parseSchedWake } from './sched.js';
import { parseActivateWork, parseExecuteEnd, parseExecuteStart, parseQueueWork } from './workqueue.js';
import type { Payload } from './types.js';

export type PayloadParser = (payload: string) => Payload<TraceEvent> | null;

/** One payload parser per modelled event name; anything else becomes an `other` event. */
export const PAYLOAD_PARSERS: ReadonlyMap<string, PayloadParser> = new Map<string, PayloadParser>([
  ['block_rq_issue', (p) => parseBlockRq('block_rq_issue', p)],
  ['block_rq_insert', (p) => parseBlockRq('block_rq_insert', p)],
  ['block_rq_complete', (p) => parseBlockRqComplete('block_rq_complete', p)],
  ['block_rq_error', (p) => parseBlockRqComplete('block_rq_error', p)],
  ['workqueue_queue_work', parseQueueWork],
  ['workqueue_activate_work', parseActivateWork],
  ['workqueue_execute_start', parseExecuteStart],
  ['workqueue_execute_end', parseExecuteEnd],
  ['sched_switch', parseSchedSwitch],
  ['sched_waking', (p) => parseSchedWake('sched_waking', p)],
  ['sched_wakeup', (p) => parseSchedWake('sched_wakeup', p)],
  ['sched_wakeup_new', (p) => parseSchedWake('sched_wakeup_new', p)],
  ['sched_migrate_task', parseSchedMigrate],
  ['irq_handler_entry', parseIrqEntry],
  ['irq_handler_exit', parseIrqExit],
  ['softirq_entry', (p) => parseSoftirq('softirq_entry', p)],
  ['softirq_exit', (p) => parseSoftirq('softirq_exit', p)],
  ['softirq_raise', (p) => parseSoftirq('softirq_raise', p)],
  ['iomap_dio_rw_begin', parseIomapBegin],
  ['iomap_dio_rw_queued', parseIomapQueued],
  ['iomap_dio_complete', parseIomapComplete],
]);
