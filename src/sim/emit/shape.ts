import { eventSystem, type TraceEvent } from '../../model/events.js';
import { NS_PER_US } from '../../model/time.js';
import type { TraceFormat } from '../../parse/formats.js';
import { hashString } from '../../stats/rng.js';

/**
 * Gives a simulated event (kernel text forms, raw pointers, exact ns, flags) the conventions of
 * one output format, so that parsing the emitted line gives back exactly the shaped event:
 *   all      ts truncated to µs (the formats print 6 decimals, truncating as the kernel does)
 *   ftrace   %p pointers hashed per boot (`000000006c12a01f`), ioprio by name (`be,0,4`)
 *   trace-cmd no flags column; sched_switch/sched_wakeup through libtraceevent's sched plugin
 *            (`fio:7909 [120] R ==> …`, idle sleep `I` shows as `W`), sched_waking stays in
 *            kernel form; raw pointers; ioprio as numbers (`0x2,0,4`)
 *   perf     no flags; comm as perf knows it (15 chars, `swapper` for idle, kworker with its
 *            workqueue suffix); raw pointers; numeric ioprio; `system:` printed for every event
 */

const IOPRIO_CLASS: Record<string, string> = { none: '0x0', rt: '0x1', be: '0x2', idle: '0x3' };

function numericIoprio(p: string | undefined): string | undefined {
  if (p === undefined) return undefined;
  const comma = p.indexOf(',');
  const cls = comma < 0 ? p : p.slice(0, comma);
  const n = IOPRIO_CLASS[cls];
  return n === undefined ? p : n + p.slice(comma < 0 ? p.length : comma);
}

/** libtraceevent's sched plugin letter for a kernel prev_state (TASK_REPORT_IDLE prints as W). */
function pluginState(s: string): string {
  return s === 'I' ? 'W' : s;
}

export interface ShapeOptions {
  /** Key of the %p hash (per boot in the kernel); derived from the seed. */
  hashKey: number;
  /** perf's comm for a pid (from /proc at record time), when it differs from the kernel comm. */
  perfComm?: (pid: number, comm: string) => string;
}

export type Shaper = (e: TraceEvent) => TraceEvent;

function hasPointer(e: TraceEvent): e is Extract<TraceEvent, { work: string }> {
  return e.kind === 'workqueue_queue_work' || e.kind === 'workqueue_activate_work' || e.kind === 'workqueue_execute_start' || e.kind === 'workqueue_execute_end';
}

/** The kernel's per-boot %p hash of a raw pointer (`0xffff…` → `00000000` + 8 hex digits), cached. */
export function createHashPtr(hashKey: number): (raw: string) => string {
  const hashed = new Map<string, string>();
  return (raw) => {
    let h = hashed.get(raw);
    if (h === undefined) {
      let x = (hashString(raw) ^ hashKey) >>> 0;
      x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) >>> 0;
      x = Math.imul(x ^ (x >>> 12), 0x297a2d39) >>> 0;
      h = `00000000${((x ^ (x >>> 15)) >>> 0).toString(16).padStart(8, '0')}`;
      if (hashed.size > 65536) hashed.clear();
      hashed.set(raw, h);
    }
    return h;
  };
}

export function createShaper(format: TraceFormat, opts: ShapeOptions): Shaper {
  const hashPtr = createHashPtr(opts.hashKey);
  const perfComm = opts.perfComm ?? ((_pid: number, comm: string) => (comm === '<idle>' ? 'swapper' : comm.slice(0, 15)));

  return (e) => {
    const o = e as unknown as Record<string, unknown>;
    o.ts = e.ts - (e.ts % NS_PER_US);
    if (format === 'ftrace') {
      if (hasPointer(e) && e.work.startsWith('0x')) e.work = hashPtr(e.work);
      return e;
    }
    delete o.flags;
    delete o.ctx;
    if (e.kind === 'block_rq_issue' || e.kind === 'block_rq_insert' || e.kind === 'block_rq_complete' || e.kind === 'block_rq_error') {
      const p = numericIoprio(e.ioprio);
      if (p !== undefined) e.ioprio = p;
    }
    if (format === 'trace-cmd') {
      if (e.kind === 'sched_switch') {
        e.form = 'plugin';
        e.prevState = pluginState(e.prevState);
      } else if (e.kind === 'sched_wakeup' || e.kind === 'sched_wakeup_new') e.form = 'plugin';
      return e;
    }
    e.comm = perfComm(e.pid, e.comm);
    if (e.kind === 'other' && e.system === undefined) e.system = eventSystem(e.name) || 'ftrace';
    return e;
  };
}
