import type { IomapFileFields, TraceEvent } from '../../model/events.js';
import { cpu3 } from './line-parts.js';

/**
 * The text after `event_name: ` for each event kind: the exact inverse of src/parse/payload/*.
 * It prints what the event holds (pointer text, ioprio text, sched form), so the same function
 * serves the three formats once `shape` has given the event its format's conventions.
 */

const hex = (n: number): string => `0x${n.toString(16)}`;

/** `dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf70000`: how every iomap_dio payload starts. */
const iomapFile = (e: IomapFileFields): string => `dev ${e.dev.major}:${e.dev.minor} ino ${e.ino} size ${hex(e.size)} offset ${hex(e.offset)}`;

export function payloadText(e: TraceEvent): string {
  switch (e.kind) {
    case 'block_rq_issue':
    case 'block_rq_insert':
      return `${e.dev.major},${e.dev.minor} ${e.rwbs} ${e.bytes} (${e.cmd}) ${e.sector} + ${e.nrSector}${e.ioprio !== undefined ? ` ${e.ioprio}` : ''} [${e.issuer}]`;
    case 'block_rq_complete':
    case 'block_rq_error':
      return `${e.dev.major},${e.dev.minor} ${e.rwbs} (${e.cmd}) ${e.sector} + ${e.nrSector}${e.ioprio !== undefined ? ` ${e.ioprio}` : ''} [${e.error}]`;
    case 'workqueue_queue_work':
      return `work struct=${e.work} function=${e.function} workqueue=${e.workqueue} req_cpu=${e.reqCpu} cpu=${e.targetCpu}`;
    case 'workqueue_activate_work':
      // ≥6.10 prints the function with a trailing space ("function=%ps ").
      return e.function !== undefined ? `work struct ${e.work} function=${e.function} ` : `work struct ${e.work}`;
    case 'workqueue_execute_start':
      return `work struct ${e.work}: function ${e.function}`;
    case 'workqueue_execute_end':
      return e.function !== undefined ? `work struct ${e.work}: function ${e.function}` : `work struct ${e.work}`;
    case 'sched_switch':
      return e.form === 'plugin'
        ? `${e.prevComm}:${e.prevPid} [${e.prevPrio}] ${e.prevState} ==> ${e.nextComm}:${e.nextPid} [${e.nextPrio}]`
        : `prev_comm=${e.prevComm} prev_pid=${e.prevPid} prev_prio=${e.prevPrio} prev_state=${e.prevState} ==> next_comm=${e.nextComm} next_pid=${e.nextPid} next_prio=${e.nextPrio}`;
    case 'sched_waking':
    case 'sched_wakeup':
    case 'sched_wakeup_new': {
      const succ = e.success !== undefined ? ` success=${e.success}` : '';
      return e.form === 'plugin'
        ? `${e.targetComm}:${e.targetPid} [${e.prio}]${succ} CPU:${cpu3(e.targetCpu)}`
        : `comm=${e.targetComm} pid=${e.targetPid} prio=${e.prio}${succ} target_cpu=${cpu3(e.targetCpu)}`;
    }
    case 'sched_migrate_task':
      return `comm=${e.targetComm} pid=${e.targetPid} prio=${e.prio} orig_cpu=${e.origCpu} dest_cpu=${e.destCpu}`;
    case 'irq_handler_entry':
      return `irq=${e.irq} name=${e.name}`;
    case 'irq_handler_exit':
      return `irq=${e.irq} ret=${e.ret}`;
    case 'softirq_entry':
    case 'softirq_exit':
    case 'softirq_raise':
      return `vec=${e.vec} [action=${e.action}]`;
    case 'iomap_dio_rw_begin':
      return `${iomapFile(e)} length ${hex(e.length)} done_before ${hex(e.doneBefore)} flags ${e.iocbFlags} dio_flags ${e.dioFlags} aio ${e.aio}`;
    case 'iomap_dio_rw_queued':
      return `${iomapFile(e)} length ${hex(e.length)}`;
    case 'iomap_dio_complete':
      return `${iomapFile(e)} flags ${e.iocbFlags} aio ${e.aio} error ${e.error} ret ${e.ret}`;
    case 'block_bio_queue':
    case 'block_bio_backmerge':
    case 'block_bio_frontmerge':
    case 'block_bio_bounce':
    case 'block_getrq':
      return `${e.dev.major},${e.dev.minor} ${e.rwbs} ${e.sector} + ${e.nrSector} [${e.issuer}]`;
    case 'block_bio_complete':
      return `${e.dev.major},${e.dev.minor} ${e.rwbs} ${e.sector} + ${e.nrSector} [${e.error}]`;
    case 'block_bio_remap':
      return `${e.dev.major},${e.dev.minor} ${e.rwbs} ${e.sector} + ${e.nrSector} <- (${e.fromDev.major},${e.fromDev.minor}) ${e.fromSector}`;
    case 'block_split':
      return `${e.dev.major},${e.dev.minor} ${e.rwbs} ${e.sector} / ${e.newSector} [${e.issuer}]`;
    case 'other':
      return e.args;
    case 'lost':
      return '';
  }
}

/** The tracepoint name a line prints for the event. */
export function nameOf(e: TraceEvent): string {
  return e.kind === 'other' ? e.name : e.kind;
}
