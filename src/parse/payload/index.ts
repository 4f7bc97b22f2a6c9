import { parseBio, parseBioComplete, parseBioRemap, parseSplit } from './bio.js';
import { parseBlockRq, parseBlockRqComplete } from './block.js';
import { parseIomapBegin, parseIomapComplete, parseIomapQueued } from './iomap.js';
import { parseIrqEntry, parseIrqExit, parseSoftirq } from './irq.js';
import { parseSchedMigrate, parseSchedSwitch, parseSchedWake } from './sched.js';
import type { PayloadParser } from './types.js';
import { parseActivateWork, parseExecuteEnd, parseExecuteStart, parseQueueWork } from './workqueue.js';

export type { EventHead } from './types.js';

/** One payload parser per modelled event name; anything else becomes an `other` event. */
export const PAYLOAD_PARSERS: ReadonlyMap<string, PayloadParser> = new Map<string, PayloadParser>([
  ['block_rq_issue', (s, p, h) => parseBlockRq('block_rq_issue', s, p, h)],
  ['block_rq_insert', (s, p, h) => parseBlockRq('block_rq_insert', s, p, h)],
  ['block_rq_complete', (s, p, h) => parseBlockRqComplete('block_rq_complete', s, p, h)],
  ['block_rq_error', (s, p, h) => parseBlockRqComplete('block_rq_error', s, p, h)],
  ['workqueue_queue_work', parseQueueWork],
  ['workqueue_activate_work', parseActivateWork],
  ['workqueue_execute_start', parseExecuteStart],
  ['workqueue_execute_end', parseExecuteEnd],
  ['sched_switch', parseSchedSwitch],
  ['sched_waking', (s, p, h) => parseSchedWake('sched_waking', s, p, h)],
  ['sched_wakeup', (s, p, h) => parseSchedWake('sched_wakeup', s, p, h)],
  ['sched_wakeup_new', (s, p, h) => parseSchedWake('sched_wakeup_new', s, p, h)],
  ['sched_migrate_task', parseSchedMigrate],
  ['irq_handler_entry', parseIrqEntry],
  ['irq_handler_exit', parseIrqExit],
  ['softirq_entry', (s, p, h) => parseSoftirq('softirq_entry', s, p, h)],
  ['softirq_exit', (s, p, h) => parseSoftirq('softirq_exit', s, p, h)],
  ['softirq_raise', (s, p, h) => parseSoftirq('softirq_raise', s, p, h)],
  ['iomap_dio_rw_begin', parseIomapBegin],
  ['iomap_dio_rw_queued', parseIomapQueued],
  ['iomap_dio_complete', parseIomapComplete],
  ['block_bio_queue', (s, p, h) => parseBio('block_bio_queue', s, p, h)],
  ['block_bio_backmerge', (s, p, h) => parseBio('block_bio_backmerge', s, p, h)],
  ['block_bio_frontmerge', (s, p, h) => parseBio('block_bio_frontmerge', s, p, h)],
  ['block_bio_bounce', (s, p, h) => parseBio('block_bio_bounce', s, p, h)],
  ['block_getrq', (s, p, h) => parseBio('block_getrq', s, p, h)],
  ['block_bio_complete', parseBioComplete],
  ['block_bio_remap', parseBioRemap],
  ['block_split', parseSplit],
]);
