import type { WqActivateEvent, WqExecuteEndEvent, WqExecuteStartEvent, WqQueueEvent } from '../../model/events.js';
import { begin, int, lit, tail, until, untilLast, word } from '../scan.js';
import { rawFields, rawNumber } from './raw.js';
import type { Payload } from './types.js';

/**
 * workqueue payloads (include/trace/events/workqueue.h):
 *   queue_work     `work struct=000000006c12a01f function=iomap_dio_complete_work workqueue=dio/vda req_cpu=256 cpu=1`
 *                  (4.x/5.10: `workqueue=` is a pointer; ≥5.12 its name; old kernels print an unbound cpu as
 *                  4294967295, read here as the -1 newer ones print)
 *   activate_work  `work struct 000000006c12a01f` or, ≥6.10, `work struct 000000006c12a01f function=iomap_dio_complete_work `
 *   execute_start  `work struct 000000006c12a01f: function iomap_dio_complete_work`
 *   execute_end    `work struct 000000006c12a01f` or `work struct 000000006c12a01f: function iomap_dio_complete_work`
 * trace-cmd report -R prints the raw fields, the work pointer unhashed:
 *   `work=0xffff8881024df040 function=blk_mq_run_work_fn workqueue=kblockd req_cpu=256 cpu=1`
 *   `work=0xffff8881024df040 function=blk_mq_run_work_fn`        (activate, execute_start, execute_end)
 */

/** `work=… function=…` of -R; null unless both are there. */
function rawWork(payload: string): { work: string; fn: string; f: Map<string, string> } | null {
  const f = rawFields(payload);
  const work = f?.get('work');
  const fn = f?.get('function');
  if (!f || work === undefined || fn === undefined || work.length === 0) return null;
  return { work, fn, f };
}

export function parseQueueWork(payload: string): Payload<WqQueueEvent> | null {
  if (payload.startsWith('work=')) {
    const r = rawWork(payload);
    const wq = r?.f.get('workqueue');
    const reqCpu = rawNumber(r?.f.get('req_cpu'));
    const targetCpu = rawNumber(r?.f.get('cpu'));
    if (!r || wq === undefined || Number.isNaN(reqCpu) || Number.isNaN(targetCpu)) return null;
    return { kind: 'workqueue_queue_work', work: r.work, function: r.fn, workqueue: wq, reqCpu, targetCpu };
  }
  begin(payload);
  if (!lit('work struct=')) return null;
  const work = word();
  if (!lit(' function=')) return null;
  const fn = until(' workqueue=');
  if (fn === null) return null;
  // The workqueue name is printed with %s and could hold a space: anchor on the last req_cpu=.
  const wq = untilLast(' req_cpu=');
  if (wq === null) return null;
  const reqCpu = int();
  if (Number.isNaN(reqCpu) || !lit(' cpu=')) return null;
  const cpu = int();
  if (Number.isNaN(cpu)) return null;
  // Before "workqueue: Fix type of cpu in trace event" (2022) an unbound pool's -1 printed as %u.
  const targetCpu = cpu === 4294967295 ? -1 : cpu;
  return { kind: 'workqueue_queue_work', work, function: fn, workqueue: wq, reqCpu, targetCpu };
}

export function parseActivateWork(payload: string): Payload<WqActivateEvent> | null {
  if (payload.startsWith('work=')) {
    const r = rawWork(payload);
    return r && { kind: 'workqueue_activate_work', work: r.work, function: r.fn };
  }
  begin(payload);
  if (!lit('work struct ')) return null;
  const work = word();
  if (work.length === 0) return null;
  const ev: Payload<WqActivateEvent> = { kind: 'workqueue_activate_work', work };
  if (lit(' function=')) ev.function = tail();
  return ev;
}

export function parseExecuteStart(payload: string): Payload<WqExecuteStartEvent> | null {
  if (payload.startsWith('work=')) {
    const r = rawWork(payload);
    return r && { kind: 'workqueue_execute_start', work: r.work, function: r.fn };
  }
  begin(payload);
  if (!lit('work struct ')) return null;
  const work = until(': function ');
  if (work === null || work.length === 0) return null;
  return { kind: 'workqueue_execute_start', work, function: tail() };
}

export function parseExecuteEnd(payload: string): Payload<WqExecuteEndEvent> | null {
  if (payload.startsWith('work=')) {
    const f = rawFields(payload);
    const work = f?.get('work');
    if (!f || work === undefined || work.length === 0) return null;
    const fn = f.get('function');
    return fn === undefined ? { kind: 'workqueue_execute_end', work } : { kind: 'workqueue_execute_end', work, function: fn };
  }
  begin(payload);
  if (!lit('work struct ')) return null;
  const colon = payload.indexOf(': function ', 12);
  if (colon < 0) {
    const work = tail();
    return work.length === 0 || work.includes(' ') ? null : { kind: 'workqueue_execute_end', work };
  }
  const work = payload.slice(12, colon);
  begin(payload, colon + 11);
  return { kind: 'workqueue_execute_end', work, function: tail() };
}
