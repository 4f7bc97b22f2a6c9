import { MODELLED_EVENTS, type TraceEvent } from '../../../model/events.js';
import { taskStateLetters } from '../../payload/kernel-tables.js';
import { devReader, fieldsOf, functionReader, inoReader, pointerReader, printedBy, str, type ModelledEnv } from './field-readers.js';
import { readNumber, type RawRecord } from './fields.js';
import type { EventFormat } from './format.js';

export type { ModelledEnv } from './field-readers.js';

/**
 * One decoder per modelled event, built from the event's format description: stored values are
 * read from their fields (offset, size, signedness from the file), and the values the kernel
 * computes in TP_printk (device major/minor, prev_state letters, flag and symbol names, the
 * ioprio triple, `ret` words) are computed by evaluating the print fmt's own arguments for that
 * field, cached by the raw value (a trace has few distinct ones). So a kernel that changes the bit
 * layout of prev_state or a flag table is read right without a change here.
 *
 * A decoder returns null when the format lacks a field it needs (then the event stays `other`).
 */

/** The header every event starts with, filled by the caller for the record being decoded. */
export interface Head {
  line: number;
  ts: number;
  cpu: number;
  pid: number;
  comm: string;
}

export type ModelledDecoder = (r: RawRecord, h: Head) => TraceEvent;


type Factory = (ev: EventFormat, env: ModelledEnv) => ModelledDecoder | null;

/**
 * The event's name as the literal the analyzer compares kinds with: the name cut from the file's
 * format text is a string V8 has not internalized, so every `kind === 'block_rq_issue'` (a switch
 * over kinds makes up to a dozen per event) compared it character by character.
 */
function literalName(ev: EventFormat): string {
  return MODELLED_EVENTS.find((n) => n === ev.name) ?? ev.name;
}

const blockRq: Factory = (ev, env) => {
  const dev = devReader(ev, env);
  const rwbs = fieldsOf(ev, 'rwbs');
  const bytes = fieldsOf(ev, 'bytes');
  const cmd = fieldsOf(ev, 'cmd');
  const sector = fieldsOf(ev, 'sector');
  const nr = fieldsOf(ev, 'nr_sector');
  const comm = fieldsOf(ev, 'comm');
  if (!dev || !rwbs || !bytes || !sector || !nr || !comm) return null;
  const prioF = fieldsOf(ev, 'ioprio');
  const ioprio = prioF ? printedBy(ev, env, prioF, 'all', (v) => `0x${((v >> 13) & 7).toString(16)},${(v >> 3) & 0x3ff},${v & 7}`) : undefined;
  const kind = literalName(ev) as 'block_rq_issue' | 'block_rq_insert';
  const rw = str(rwbs);
  const cm = cmd ? str(cmd) : () => '';
  const issuer = str(comm);
  return (r, h) => {
    const e: TraceEvent = { kind, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: dev(r), rwbs: rw(r), bytes: readNumber(r, bytes), cmd: cm(r), sector: readNumber(r, sector), nrSector: readNumber(r, nr), issuer: issuer(r) };
    if (ioprio) e.ioprio = ioprio(r);
    return e;
  };
};

const blockRqComplete: Factory = (ev, env) => {
  const dev = devReader(ev, env);
  const rwbs = fieldsOf(ev, 'rwbs');
  const cmd = fieldsOf(ev, 'cmd');
  const sector = fieldsOf(ev, 'sector');
  const nr = fieldsOf(ev, 'nr_sector');
  const error = fieldsOf(ev, 'error', 'errors');
  if (!dev || !rwbs || !sector || !nr || !error) return null;
  const prioF = fieldsOf(ev, 'ioprio');
  const ioprio = prioF ? printedBy(ev, env, prioF, 'all', (v) => `0x${((v >> 13) & 7).toString(16)},${(v >> 3) & 0x3ff},${v & 7}`) : undefined;
  const kind = literalName(ev) as 'block_rq_complete' | 'block_rq_error';
  const rw = str(rwbs);
  const cm = cmd ? str(cmd) : () => '';
  return (r, h) => {
    const e: TraceEvent = { kind, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: dev(r), rwbs: rw(r), cmd: cm(r), sector: readNumber(r, sector), nrSector: readNumber(r, nr), error: readNumber(r, error) };
    if (ioprio) e.ioprio = ioprio(r);
    return e;
  };
};

const queueWork: Factory = (ev, env) => {
  const work = fieldsOf(ev, 'work');
  const fn = fieldsOf(ev, 'function');
  const wq = fieldsOf(ev, 'workqueue');
  const req = fieldsOf(ev, 'req_cpu');
  const cpu = fieldsOf(ev, 'cpu');
  if (!work || !fn || !wq || !req || !cpu) return null;
  const w = pointerReader(work);
  const f = functionReader(fn, env);
  // ≥5.12 store the workqueue's name; older kernels a pointer printed with %p.
  const q = wq.isString ? str(wq) : printedBy(ev, env, wq, 'all', (v) => `0x${v.toString(16)}`);
  return (r, h) => {
    const target = readNumber(r, cpu);
    return { kind: 'workqueue_queue_work', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, work: w(r), function: f(r), workqueue: q(r), reqCpu: readNumber(r, req), targetCpu: target === 4294967295 ? -1 : target };
  };
};

const workFn = (kind: 'workqueue_activate_work' | 'workqueue_execute_start' | 'workqueue_execute_end'): Factory => (ev, env) => {
  const work = fieldsOf(ev, 'work');
  const fn = fieldsOf(ev, 'function');
  if (!work || (kind === 'workqueue_execute_start' && !fn)) return null;
  const w = pointerReader(work);
  // activate_work prints the function since 6.10, execute_end since 5.x: only when the field exists.
  const f = fn ? functionReader(fn, env) : undefined;
  if (!f) return (r, h) => ({ kind, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, work: w(r) }) as TraceEvent;
  return (r, h) => ({ kind, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, work: w(r), function: f(r) }) as TraceEvent;
};

const schedSwitch: Factory = (ev, env) => {
  const pc = fieldsOf(ev, 'prev_comm');
  const pp = fieldsOf(ev, 'prev_pid');
  const ppr = fieldsOf(ev, 'prev_prio');
  const ps = fieldsOf(ev, 'prev_state');
  const nc = fieldsOf(ev, 'next_comm');
  const np = fieldsOf(ev, 'next_pid');
  const npr = fieldsOf(ev, 'next_prio');
  if (!pc || !pp || !ppr || !ps || !nc || !np || !npr) return null;
  const state = printedBy(ev, env, ps, 'all', taskStateLetters);
  const prevComm = str(pc);
  const nextComm = str(nc);
  return (r, h) => {
    const prevPid = readNumber(r, pp);
    const nextPid = readNumber(r, np);
    const e: TraceEvent = { kind: 'sched_switch', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, prevComm: prevComm(r), prevPid, prevPrio: readNumber(r, ppr), prevState: state(r), nextComm: nextComm(r), nextPid, nextPrio: readNumber(r, npr), form: 'kernel' };
    return e;
  };
};

const schedWake = (kind: 'sched_waking' | 'sched_wakeup' | 'sched_wakeup_new'): Factory => (ev, env) => {
  const c = fieldsOf(ev, 'comm');
  const p = fieldsOf(ev, 'pid');
  const pr = fieldsOf(ev, 'prio');
  const t = fieldsOf(ev, 'target_cpu');
  if (!c || !p || !pr || !t) return null;
  const success = fieldsOf(ev, 'success');
  const comm = str(c);
  return (r, h) => {
    const e: TraceEvent = { kind, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, targetComm: comm(r), targetPid: readNumber(r, p), prio: readNumber(r, pr), targetCpu: readNumber(r, t), form: 'kernel' };
    if (success) e.success = readNumber(r, success);
    return e;
  };
};

const schedMigrate: Factory = (ev) => {
  const c = fieldsOf(ev, 'comm');
  const p = fieldsOf(ev, 'pid');
  const pr = fieldsOf(ev, 'prio');
  const o = fieldsOf(ev, 'orig_cpu');
  const d = fieldsOf(ev, 'dest_cpu');
  if (!c || !p || !pr || !o || !d) return null;
  const comm = str(c);
  return (r, h) => ({ kind: 'sched_migrate_task', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, targetComm: comm(r), targetPid: readNumber(r, p), prio: readNumber(r, pr), origCpu: readNumber(r, o), destCpu: readNumber(r, d) });
};

const irqEntry: Factory = (ev) => {
  const irq = fieldsOf(ev, 'irq');
  const name = fieldsOf(ev, 'name');
  if (!irq || !name) return null;
  const n = str(name);
  return (r, h) => ({ kind: 'irq_handler_entry', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, irq: readNumber(r, irq), name: n(r) });
};

const irqExit: Factory = (ev, env) => {
  const irq = fieldsOf(ev, 'irq');
  const ret = fieldsOf(ev, 'ret');
  if (!irq || !ret) return null;
  const word = printedBy(ev, env, ret, 'last', (v) => (v ? 'handled' : 'unhandled'));
  return (r, h) => ({ kind: 'irq_handler_exit', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, irq: readNumber(r, irq), ret: word(r) });
};

const SOFTIRQS = ['HI', 'TIMER', 'NET_TX', 'NET_RX', 'BLOCK', 'IRQ_POLL', 'TASKLET', 'SCHED', 'HRTIMER', 'RCU'];

const softirq = (kind: 'softirq_entry' | 'softirq_exit' | 'softirq_raise'): Factory => (ev, env) => {
  const vec = fieldsOf(ev, 'vec');
  if (!vec) return null;
  const action = printedBy(ev, env, vec, 'last', (v) => SOFTIRQS[v] ?? `0x${v.toString(16)}`);
  return (r, h) => ({ kind, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, vec: readNumber(r, vec), action: action(r) });
};

const iomapBegin: Factory = (ev, env) => {
  const dev = devReader(ev, env);
  const ino = fieldsOf(ev, 'ino');
  const size = fieldsOf(ev, 'isize', 'size');
  const offset = fieldsOf(ev, 'pos', 'offset');
  const length = fieldsOf(ev, 'count', 'length');
  const done = fieldsOf(ev, 'done_before');
  const flags = fieldsOf(ev, 'ki_flags', 'flags');
  const dioFlags = fieldsOf(ev, 'dio_flags');
  const aio = fieldsOf(ev, 'aio');
  if (!dev || !ino || !size || !offset || !length || !done || !flags || !dioFlags || !aio) return null;
  const fl = printedBy(ev, env, flags, 'all', (v) => `0x${(v >>> 0).toString(16)}`);
  const dfl = printedBy(ev, env, dioFlags, 'all', (v) => (v ? `0x${v.toString(16)}` : ''));
  const i = inoReader(ino);
  return (r, h) => ({ kind: 'iomap_dio_rw_begin', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: dev(r), ino: i(r), size: readNumber(r, size), offset: readNumber(r, offset), length: readNumber(r, length), doneBefore: readNumber(r, done), iocbFlags: fl(r), dioFlags: dfl(r), aio: readNumber(r, aio) });
};

const iomapQueued: Factory = (ev, env) => {
  const dev = devReader(ev, env);
  const ino = fieldsOf(ev, 'ino');
  const size = fieldsOf(ev, 'size', 'isize');
  const offset = fieldsOf(ev, 'offset', 'pos');
  const length = fieldsOf(ev, 'length', 'count');
  if (!dev || !ino || !size || !offset || !length) return null;
  const i = inoReader(ino);
  return (r, h) => ({ kind: 'iomap_dio_rw_queued', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: dev(r), ino: i(r), size: readNumber(r, size), offset: readNumber(r, offset), length: readNumber(r, length) });
};

const iomapComplete: Factory = (ev, env) => {
  const dev = devReader(ev, env);
  const ino = fieldsOf(ev, 'ino');
  const size = fieldsOf(ev, 'isize', 'size');
  const offset = fieldsOf(ev, 'pos', 'offset');
  const flags = fieldsOf(ev, 'ki_flags', 'flags');
  const aio = fieldsOf(ev, 'aio');
  const error = fieldsOf(ev, 'error');
  const ret = fieldsOf(ev, 'ret');
  if (!dev || !ino || !size || !offset || !flags || !aio || !error || !ret) return null;
  const fl = printedBy(ev, env, flags, 'all', (v) => `0x${(v >>> 0).toString(16)}`);
  const i = inoReader(ino);
  return (r, h) => ({ kind: 'iomap_dio_complete', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: dev(r), ino: i(r), size: readNumber(r, size), offset: readNumber(r, offset), iocbFlags: fl(r), aio: readNumber(r, aio), error: readNumber(r, error), ret: readNumber(r, ret) });
};

/**
 * The bio events (bio-based devices, remaps): `block_bio_queue: 253,0 WS 1160336 + 8 [fio]` and
 * the merges and getrq with the same fields, `block_bio_complete: … [0]`, `block_bio_remap: … <-
 * (253,0) 1160336` (its `old_dev` is a dev_t like `dev`), `block_split: … 1000 / 1256 [fio]`.
 */
const blockBio: Factory = (ev, env) => {
  const dev = devReader(ev, env);
  const rwbs = fieldsOf(ev, 'rwbs');
  const sector = fieldsOf(ev, 'sector');
  const nr = fieldsOf(ev, 'nr_sector');
  const comm = fieldsOf(ev, 'comm');
  if (!dev || !rwbs || !sector || !nr || !comm) return null;
  const kind = literalName(ev) as 'block_bio_queue' | 'block_bio_backmerge' | 'block_bio_frontmerge' | 'block_bio_bounce' | 'block_getrq';
  const rw = str(rwbs);
  const issuer = str(comm);
  return (r, h) => ({ kind, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: dev(r), rwbs: rw(r), sector: readNumber(r, sector), nrSector: readNumber(r, nr), issuer: issuer(r) });
};

const blockBioComplete: Factory = (ev, env) => {
  const dev = devReader(ev, env);
  const rwbs = fieldsOf(ev, 'rwbs');
  const sector = fieldsOf(ev, 'sector');
  const nr = fieldsOf(ev, 'nr_sector');
  const error = fieldsOf(ev, 'error');
  if (!dev || !rwbs || !sector || !nr || !error) return null;
  const rw = str(rwbs);
  return (r, h) => ({ kind: 'block_bio_complete', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: dev(r), rwbs: rw(r), sector: readNumber(r, sector), nrSector: readNumber(r, nr), error: readNumber(r, error) });
};

const blockBioRemap: Factory = (ev, env) => {
  const dev = devReader(ev, env);
  const from = devReader(ev, env, 'old_dev');
  const rwbs = fieldsOf(ev, 'rwbs');
  const sector = fieldsOf(ev, 'sector');
  const nr = fieldsOf(ev, 'nr_sector');
  const fromSector = fieldsOf(ev, 'old_sector');
  if (!dev || !from || !rwbs || !sector || !nr || !fromSector) return null;
  const rw = str(rwbs);
  return (r, h) => ({ kind: 'block_bio_remap', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: dev(r), rwbs: rw(r), sector: readNumber(r, sector), nrSector: readNumber(r, nr), fromDev: from(r), fromSector: readNumber(r, fromSector) });
};

const blockSplit: Factory = (ev, env) => {
  const dev = devReader(ev, env);
  const rwbs = fieldsOf(ev, 'rwbs');
  const sector = fieldsOf(ev, 'sector');
  const newSector = fieldsOf(ev, 'new_sector');
  const comm = fieldsOf(ev, 'comm');
  if (!dev || !rwbs || !sector || !newSector || !comm) return null;
  const rw = str(rwbs);
  const issuer = str(comm);
  return (r, h) => ({ kind: 'block_split', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: dev(r), rwbs: rw(r), sector: readNumber(r, sector), newSector: readNumber(r, newSector), issuer: issuer(r) });
};

/** The decoder factory of each modelled event name (see MODELLED_EVENTS). */
export const MODELLED_DECODERS: ReadonlyMap<string, Factory> = new Map<string, Factory>([
  ['block_rq_issue', blockRq],
  ['block_rq_insert', blockRq],
  ['block_rq_complete', blockRqComplete],
  ['block_rq_error', blockRqComplete],
  ['workqueue_queue_work', queueWork],
  ['workqueue_activate_work', workFn('workqueue_activate_work')],
  ['workqueue_execute_start', workFn('workqueue_execute_start')],
  ['workqueue_execute_end', workFn('workqueue_execute_end')],
  ['sched_switch', schedSwitch],
  ['sched_waking', schedWake('sched_waking')],
  ['sched_wakeup', schedWake('sched_wakeup')],
  ['sched_wakeup_new', schedWake('sched_wakeup_new')],
  ['sched_migrate_task', schedMigrate],
  ['irq_handler_entry', irqEntry],
  ['irq_handler_exit', irqExit],
  ['softirq_entry', softirq('softirq_entry')],
  ['softirq_exit', softirq('softirq_exit')],
  ['softirq_raise', softirq('softirq_raise')],
  ['iomap_dio_rw_begin', iomapBegin],
  ['iomap_dio_rw_queued', iomapQueued],
  ['iomap_dio_complete', iomapComplete],
  ['block_bio_queue', blockBio],
  ['block_bio_backmerge', blockBio],
  ['block_bio_frontmerge', blockBio],
  ['block_bio_bounce', blockBio],
  ['block_getrq', blockBio],
  ['block_bio_complete', blockBioComplete],
  ['block_bio_remap', blockBioRemap],
  ['block_split', blockSplit],
]);
