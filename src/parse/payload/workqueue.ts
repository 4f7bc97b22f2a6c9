import type { WqActivateEvent, WqExecuteEndEvent, WqExecuteStartEvent, WqQueueEvent } from '../../model/events.js';
import { internName } from '../names.js';
import { at, sint, trimmedEnd } from '../scan.js';
import { rawFields, rawNumber } from './raw.js';
import { withHead, type EventHead } from './types.js';

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
 * Function and workqueue names are few and endlessly repeated: they are shared (names.ts).
 */

const QUEUE_PREFIX = 'work struct=';
const WORK_PREFIX = 'work struct ';
const FUNCTION_AT = ' function=';
const FUNCTION_COLON = ': function ';

/** `work=… function=…` of -R; null unless both are there. */
function rawWork(payload: string): { work: string; fn: string; f: Map<string, string> } | null {
  const f = rawFields(payload);
  const work = f?.get('work');
  const fn = f?.get('function');
  if (!f || work === undefined || fn === undefined || work.length === 0) return null;
  return { work, fn, f };
}

export function parseQueueWork(s: string, p: number, h: EventHead): WqQueueEvent | null {
  if (!s.startsWith(QUEUE_PREFIX, p)) {
    if (!s.startsWith('work=', p)) return null;
    const r = rawWork(s.slice(p));
    const wq = r?.f.get('workqueue');
    const reqCpu = rawNumber(r?.f.get('req_cpu'));
    const targetCpu = rawNumber(r?.f.get('cpu'));
    if (!r || wq === undefined || Number.isNaN(reqCpu) || Number.isNaN(targetCpu)) return null;
    return withHead<WqQueueEvent>(h, { kind: 'workqueue_queue_work', work: r.work, function: r.fn, workqueue: wq, reqCpu, targetCpu });
  }
  const w = p + QUEUE_PREFIX.length;
  const fnAt = s.indexOf(FUNCTION_AT, w);
  if (fnAt <= w) return null;
  const fnStart = fnAt + FUNCTION_AT.length;
  const wqAt = s.indexOf(' workqueue=', fnStart);
  if (wqAt < 0) return null;
  // The workqueue name is printed with %s and could hold a space: anchor on the last req_cpu=.
  const rq = s.lastIndexOf(' req_cpu=');
  if (rq < wqAt) return null;
  const reqCpu = sint(s, rq + 9);
  const q = at.p;
  if (reqCpu !== reqCpu || !s.startsWith(' cpu=', q)) return null;
  const cpu = sint(s, q + 5);
  if (cpu !== cpu) return null;
  // Before "workqueue: Fix type of cpu in trace event" (2022) an unbound pool's -1 printed as %u.
  const targetCpu = cpu === 4294967295 ? -1 : cpu;
  return {
    kind: 'workqueue_queue_work',
    line: h.line,
    ts: h.ts,
    cpu: h.cpu,
    pid: h.pid,
    comm: h.comm,
    work: s.slice(w, fnAt),
    function: internName(s, fnStart, wqAt),
    workqueue: internName(s, wqAt + 11, rq),
    reqCpu,
    targetCpu,
  };
}

export function parseActivateWork(s: string, p: number, h: EventHead): WqActivateEvent | null {
  if (!s.startsWith(WORK_PREFIX, p)) {
    if (!s.startsWith('work=', p)) return null;
    const r = rawWork(s.slice(p));
    return r && withHead<WqActivateEvent>(h, { kind: 'workqueue_activate_work', work: r.work, function: r.fn });
  }
  const w = p + WORK_PREFIX.length;
  let we = s.indexOf(' ', w);
  if (we < 0) we = trimmedEnd(s, w);
  if (we === w) return null;
  const ev: WqActivateEvent = { kind: 'workqueue_activate_work', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, work: s.slice(w, we) };
  // ≥6.10 adds ` function=…` (with a trailing space).
  if (s.startsWith(FUNCTION_AT, we)) {
    const fs = we + FUNCTION_AT.length;
    ev.function = internName(s, fs, trimmedEnd(s, fs));
  }
  return ev;
}

export function parseExecuteStart(s: string, p: number, h: EventHead): WqExecuteStartEvent | null {
  if (!s.startsWith(WORK_PREFIX, p)) {
    if (!s.startsWith('work=', p)) return null;
    const r = rawWork(s.slice(p));
    return r && withHead<WqExecuteStartEvent>(h, { kind: 'workqueue_execute_start', work: r.work, function: r.fn });
  }
  const w = p + WORK_PREFIX.length;
  const colon = s.indexOf(FUNCTION_COLON, w);
  if (colon <= w) return null;
  const fs = colon + FUNCTION_COLON.length;
  return { kind: 'workqueue_execute_start', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, work: s.slice(w, colon), function: internName(s, fs, trimmedEnd(s, fs)) };
}

export function parseExecuteEnd(s: string, p: number, h: EventHead): WqExecuteEndEvent | null {
  if (!s.startsWith(WORK_PREFIX, p)) {
    if (!s.startsWith('work=', p)) return null;
    const f = rawFields(s.slice(p));
    const work = f?.get('work');
    if (!f || work === undefined || work.length === 0) return null;
    const fn = f.get('function');
    return withHead<WqExecuteEndEvent>(h, fn === undefined ? { kind: 'workqueue_execute_end', work } : { kind: 'workqueue_execute_end', work, function: fn });
  }
  const w = p + WORK_PREFIX.length;
  const colon = s.indexOf(FUNCTION_COLON, w);
  if (colon < 0) {
    // 4.x: `work struct 000000007a1f0c3e` alone.
    const e = trimmedEnd(s, w);
    const sp = s.indexOf(' ', w);
    if (e === w || (sp >= 0 && sp < e)) return null;
    return { kind: 'workqueue_execute_end', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, work: s.slice(w, e) };
  }
  if (colon === w) return null;
  const fs = colon + FUNCTION_COLON.length;
  return { kind: 'workqueue_execute_end', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, work: s.slice(w, colon), function: internName(s, fs, trimmedEnd(s, fs)) };
}
