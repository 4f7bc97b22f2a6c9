import type { Dev, EventKind, ExecContext, TraceEvent } from '../../../model/events.js';
import { taskStateLetters } from '../../payload/kernel-tables.js';
import { devReader, fieldsOf, functionReader, inoReader, numberReader, pointerReader, printedBy, str, type ModelledEnv } from './field-readers.js';
import type { RawRecord } from './fields.js';
import type { EventFormat, FieldFormat } from './format.js';

export type { ModelledEnv } from './field-readers.js';

/**
 * What each modelled event is made of, built from the event's format description: stored values
 * are read from their fields (offset, size, signedness from the file), and the values the kernel
 * computes in TP_printk (device major/minor, prev_state letters, flag and symbol names, the
 * ioprio triple, `ret` words) are computed by evaluating the print fmt's own arguments for that
 * field, cached by the raw value (a trace has few distinct ones). So a kernel that changes the bit
 * layout of prev_state or a flag table is read right without a change here.
 *
 * A factory gives the event's kind and its payload fields, each with its reader, in the order the
 * event holds them; from that one description `buildModelled` makes the event objects and the wire
 * (parse/wire.ts, `compileDirect`) writes the same events straight into its records on the decoding
 * thread. A factory returns null when the format lacks a field it needs (the event stays `other`).
 */

/** The header every event starts with, filled by the caller for the record being decoded. */
export interface Head {
  line: number;
  ts: number;
  cpu: number;
  pid: number;
  comm: string;
}

/** A field's value in a record. */
export type FieldRead = (r: RawRecord) => number | string | Dev;

/**
 * One payload field: its key in the event and its reader. A device's reader (marked 'dev') gives a
 * {major, minor} shared by every record with that dev_t: each event gets its own copy of it, the
 * wire only its two numbers.
 */
export type ModelledField = [key: string, read: FieldRead, dev?: 'dev'];

export interface ModelledShape {
  kind: EventKind;
  /** The payload's fields this format has, in the order the event holds them. */
  fields: ModelledField[];
}

/** Builds the event of one record; `flags`/`ctx` (the latency column) are added when given. */
export type ModelledDecoder = (r: RawRecord, h: Head, flags?: string, ctx?: ExecContext) => TraceEvent;

type Factory = (ev: EventFormat, env: ModelledEnv) => ModelledShape | null;

const num = numberReader;
const devField = (key: string, read: (r: RawRecord) => Dev): ModelledField => [key, read, 'dev'];

/**
 * The event builder of a shape, compiled (`new Function`) so that each kind's events come from one
 * object literal with the kind's keys in order, and each reader is called from a call site of its
 * own: a loop over the fields would store every value through a megamorphic keyed access. The
 * latency column is stored inside the builder too, a store into one shape, not into events of a
 * dozen shapes at one site.
 */
export function buildModelled(shape: ModelledShape): ModelledDecoder {
  const props = shape.fields.map(([key, , dev], j) => `${JSON.stringify(key)}: ${dev ? `(d = R${j}(r), { major: d.major, minor: d.minor })` : `R${j}(r)`}`);
  const src = [
    '"use strict";',
    ...shape.fields.map((_f, j) => `const R${j} = R[${j}][1];`),
    'return function (r, h, fl, cx) {',
    '  let d;',
    `  const e = { kind: ${JSON.stringify(shape.kind)}, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm${props.map((p) => `, ${p}`).join('')} };`,
    '  if (fl !== undefined) { e.flags = fl; if (cx !== undefined) e.ctx = cx; }',
    '  return e;',
    '};',
  ].join('\n');
  return new Function('R', src)(shape.fields) as ModelledDecoder;
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
  const fields: ModelledField[] = [devField('dev', dev), ['rwbs', str(rwbs)], ['bytes', num(bytes)], ['cmd', cmd ? str(cmd) : () => ''], ['sector', num(sector)], ['nrSector', num(nr)], ['issuer', str(comm)]];
  if (prioF) fields.push(['ioprio', printedBy(ev, env, prioF, 'all', ioprioText)]);
  return { kind: ev.name as 'block_rq_issue' | 'block_rq_insert', fields };
};

const ioprioText = (v: number): string => `0x${((v >> 13) & 7).toString(16)},${(v >> 3) & 0x3ff},${v & 7}`;

const blockRqComplete: Factory = (ev, env) => {
  const dev = devReader(ev, env);
  const rwbs = fieldsOf(ev, 'rwbs');
  const cmd = fieldsOf(ev, 'cmd');
  const sector = fieldsOf(ev, 'sector');
  const nr = fieldsOf(ev, 'nr_sector');
  const error = fieldsOf(ev, 'error', 'errors');
  if (!dev || !rwbs || !sector || !nr || !error) return null;
  const prioF = fieldsOf(ev, 'ioprio');
  const fields: ModelledField[] = [devField('dev', dev), ['rwbs', str(rwbs)], ['cmd', cmd ? str(cmd) : () => ''], ['sector', num(sector)], ['nrSector', num(nr)], ['error', num(error)]];
  if (prioF) fields.push(['ioprio', printedBy(ev, env, prioF, 'all', ioprioText)]);
  return { kind: ev.name as 'block_rq_complete' | 'block_rq_error', fields };
};

const queueWork: Factory = (ev, env) => {
  const work = fieldsOf(ev, 'work');
  const fn = fieldsOf(ev, 'function');
  const wq = fieldsOf(ev, 'workqueue');
  const req = fieldsOf(ev, 'req_cpu');
  const cpu = fieldsOf(ev, 'cpu');
  if (!work || !fn || !wq || !req || !cpu) return null;
  // ≥5.12 store the workqueue's name; older kernels a pointer printed with %p.
  const q = wq.isString ? str(wq) : printedBy(ev, env, wq, 'all', (v) => `0x${v.toString(16)}`);
  const targetCpu = numberReader(cpu);
  const target = (r: RawRecord): number => {
    const t = targetCpu(r);
    return t === 4294967295 ? -1 : t;
  };
  return { kind: 'workqueue_queue_work', fields: [['work', pointerReader(work)], ['function', functionReader(fn, env)], ['workqueue', q], ['reqCpu', num(req)], ['targetCpu', target]] };
};

const workFn = (kind: 'workqueue_activate_work' | 'workqueue_execute_start' | 'workqueue_execute_end'): Factory => (ev, env) => {
  const work = fieldsOf(ev, 'work');
  const fn = fieldsOf(ev, 'function');
  if (!work || (kind === 'workqueue_execute_start' && !fn)) return null;
  const fields: ModelledField[] = [['work', pointerReader(work)]];
  // activate_work prints the function since 6.10, execute_end since 5.x: only when the field exists.
  if (fn) fields.push(['function', functionReader(fn, env)]);
  return { kind, fields };
};

const kernelForm = (): string => 'kernel';

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
  return {
    kind: 'sched_switch',
    fields: [['prevComm', str(pc)], ['prevPid', num(pp)], ['prevPrio', num(ppr)], ['prevState', state], ['nextComm', str(nc)], ['nextPid', num(np)], ['nextPrio', num(npr)], ['form', kernelForm]],
  };
};

const schedWake = (kind: 'sched_waking' | 'sched_wakeup' | 'sched_wakeup_new'): Factory => (ev) => {
  const c = fieldsOf(ev, 'comm');
  const p = fieldsOf(ev, 'pid');
  const pr = fieldsOf(ev, 'prio');
  const t = fieldsOf(ev, 'target_cpu');
  if (!c || !p || !pr || !t) return null;
  const success = fieldsOf(ev, 'success');
  const fields: ModelledField[] = [['targetComm', str(c)], ['targetPid', num(p)], ['prio', num(pr)], ['targetCpu', num(t)], ['form', kernelForm]];
  if (success) fields.push(['success', num(success)]);
  return { kind, fields };
};

const schedMigrate: Factory = (ev) => {
  const c = fieldsOf(ev, 'comm');
  const p = fieldsOf(ev, 'pid');
  const pr = fieldsOf(ev, 'prio');
  const o = fieldsOf(ev, 'orig_cpu');
  const d = fieldsOf(ev, 'dest_cpu');
  if (!c || !p || !pr || !o || !d) return null;
  return { kind: 'sched_migrate_task', fields: [['targetComm', str(c)], ['targetPid', num(p)], ['prio', num(pr)], ['origCpu', num(o)], ['destCpu', num(d)]] };
};

const irqEntry: Factory = (ev) => {
  const irq = fieldsOf(ev, 'irq');
  const name = fieldsOf(ev, 'name');
  if (!irq || !name) return null;
  return { kind: 'irq_handler_entry', fields: [['irq', num(irq)], ['name', str(name)]] };
};

const irqExit: Factory = (ev, env) => {
  const irq = fieldsOf(ev, 'irq');
  const ret = fieldsOf(ev, 'ret');
  if (!irq || !ret) return null;
  return { kind: 'irq_handler_exit', fields: [['irq', num(irq)], ['ret', printedBy(ev, env, ret, 'last', (v) => (v ? 'handled' : 'unhandled'))]] };
};

const SOFTIRQS = ['HI', 'TIMER', 'NET_TX', 'NET_RX', 'BLOCK', 'IRQ_POLL', 'TASKLET', 'SCHED', 'HRTIMER', 'RCU'];

const softirq = (kind: 'softirq_entry' | 'softirq_exit' | 'softirq_raise'): Factory => (ev, env) => {
  const vec = fieldsOf(ev, 'vec');
  if (!vec) return null;
  return { kind, fields: [['vec', num(vec)], ['action', printedBy(ev, env, vec, 'last', (v) => SOFTIRQS[v] ?? `0x${v.toString(16)}`)]] };
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
  return {
    kind: 'iomap_dio_rw_begin',
    fields: [devField('dev', dev), ['ino', inoReader(ino)], ['size', num(size)], ['offset', num(offset)], ['length', num(length)], ['doneBefore', num(done)], ['iocbFlags', fl], ['dioFlags', dfl], ['aio', num(aio)]],
  };
};

const iomapQueued: Factory = (ev, env) => {
  const dev = devReader(ev, env);
  const ino = fieldsOf(ev, 'ino');
  const size = fieldsOf(ev, 'size', 'isize');
  const offset = fieldsOf(ev, 'offset', 'pos');
  const length = fieldsOf(ev, 'length', 'count');
  if (!dev || !ino || !size || !offset || !length) return null;
  return { kind: 'iomap_dio_rw_queued', fields: [devField('dev', dev), ['ino', inoReader(ino)], ['size', num(size)], ['offset', num(offset)], ['length', num(length)]] };
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
  return {
    kind: 'iomap_dio_complete',
    fields: [devField('dev', dev), ['ino', inoReader(ino)], ['size', num(size)], ['offset', num(offset)], ['iocbFlags', fl], ['aio', num(aio)], ['error', num(error)], ['ret', num(ret)]],
  };
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
  const kind = ev.name as 'block_bio_queue' | 'block_bio_backmerge' | 'block_bio_frontmerge' | 'block_bio_bounce' | 'block_getrq';
  return { kind, fields: [devField('dev', dev), ['rwbs', str(rwbs)], ['sector', num(sector)], ['nrSector', num(nr)], ['issuer', str(comm)]] };
};

const blockBioComplete: Factory = (ev, env) => {
  const dev = devReader(ev, env);
  const rwbs = fieldsOf(ev, 'rwbs');
  const sector = fieldsOf(ev, 'sector');
  const nr = fieldsOf(ev, 'nr_sector');
  const error = fieldsOf(ev, 'error');
  if (!dev || !rwbs || !sector || !nr || !error) return null;
  return { kind: 'block_bio_complete', fields: [devField('dev', dev), ['rwbs', str(rwbs)], ['sector', num(sector)], ['nrSector', num(nr)], ['error', num(error)]] };
};

const blockBioRemap: Factory = (ev, env) => {
  const dev = devReader(ev, env);
  const from = devReader(ev, env, 'old_dev');
  const rwbs = fieldsOf(ev, 'rwbs');
  const sector = fieldsOf(ev, 'sector');
  const nr = fieldsOf(ev, 'nr_sector');
  const fromSector = fieldsOf(ev, 'old_sector');
  if (!dev || !from || !rwbs || !sector || !nr || !fromSector) return null;
  return {
    kind: 'block_bio_remap',
    fields: [devField('dev', dev), ['rwbs', str(rwbs)], ['sector', num(sector)], ['nrSector', num(nr)], devField('fromDev', from), ['fromSector', num(fromSector)]],
  };
};

const blockSplit: Factory = (ev, env) => {
  const dev = devReader(ev, env);
  const rwbs = fieldsOf(ev, 'rwbs');
  const sector = fieldsOf(ev, 'sector');
  const newSector = fieldsOf(ev, 'new_sector');
  const comm = fieldsOf(ev, 'comm');
  if (!dev || !rwbs || !sector || !newSector || !comm) return null;
  return { kind: 'block_split', fields: [devField('dev', dev), ['rwbs', str(rwbs)], ['sector', num(sector)], ['newSector', num(newSector)], ['issuer', str(comm)]] };
};

/** The shape factory of each modelled event name (see MODELLED_EVENTS). */
export const MODELLED_SHAPES: ReadonlyMap<string, Factory> = new Map<string, Factory>([
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
