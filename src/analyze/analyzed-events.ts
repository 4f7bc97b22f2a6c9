import { MODELLED_EVENTS } from '../model/events.js';

/**
 * Events whose payload the analyzer reads: the modelled events but block_rq_insert,
 * sched_migrate_task, softirq_raise and the bio merges, which are counted without parsing their
 * fields. A module of its own so that a reader can be told this set (inspect, the decoding thread
 * started early) without loading the analyzer.
 */
const NOT_ANALYZED: ReadonlySet<string> = new Set(['block_rq_insert', 'sched_migrate_task', 'softirq_raise', 'block_bio_backmerge', 'block_bio_frontmerge', 'block_bio_bounce', 'block_getrq']);
export const ANALYZED_EVENTS: ReadonlySet<string> = new Set(MODELLED_EVENTS.filter((n) => !NOT_ANALYZED.has(n)));
