import { describe, expect, it } from 'vitest';
import { createEventPrinter, createRecordDecoder, parseKallsyms, readNumber, readString } from '../../../../src/parse/binary/tep/index.js';
import { BLOCK_RQ_ISSUE, CUSTOM, format, QUEUE_WORK, record, SCHED_SWITCH, SOFTIRQ_ENTRY, tracingData } from './records.js';

/**
 * The record decoder on hand-made records of real (6.18) formats and of altered ones: values come
 * from the offsets, sizes and signedness the format gives, and the printed values the kernel
 * computes (prev_state letters, symbol names, device numbers) from the format's own print fmt, so
 * a format that changes them changes what is decoded.
 */

const NO_SYMS = { longSize: 8, findFunction: () => undefined, printkFormat: () => undefined };

describe('format descriptions', () => {
  it('fields with offsets, sizes, signedness, arrays and dynamic strings', () => {
    const ev = format(BLOCK_RQ_ISSUE, 'block');
    expect(ev.id).toBe(2104);
    expect(ev.system).toBe('block');
    const f = (n: string) => ev.byName.get(n);
    expect(f('common_pid')).toMatchObject({ offset: 4, size: 4, signed: true, common: true });
    expect(f('sector')).toMatchObject({ offset: 16, size: 8, signed: false, common: false });
    expect(f('rwbs')).toMatchObject({ offset: 34, size: 10, arrayLen: 10, isString: true });
    expect(f('cmd')).toMatchObject({ offset: 60, size: 4, dynamic: 'data_loc', isString: true });
    expect(format(QUEUE_WORK, 'workqueue').byName.get('work')).toMatchObject({ isPointer: true, size: 8 });
    expect(ev.print?.args.length).toBe(11);
  });

  it('a format without name or ID is refused', () => {
    expect(() => format('ID: 5\nformat:\n', 'x')).toThrow();
  });
});

describe('sched_switch prev_state from the print fmt', () => {
  const ev = format(SCHED_SWITCH, 'sched');
  const dec = createRecordDecoder(tracingData([ev]), { latencyFlags: false });
  const state = (v: number, e = ev) => {
    const d = e === ev ? dec : createRecordDecoder(tracingData([e]), { latencyFlags: false });
    const out = d.decode(record(e, { common_type: 372, prev_comm: 'fio', prev_pid: 7, prev_state: v, next_comm: 'kworker/1:1', next_pid: 44 }), 0, 1, 1);
    return out.kind === 'sched_switch' ? out.prevState : undefined;
  };

  it('the kernel letters: R, S, D, I, R+ (preempted), D|I', () => {
    expect([state(0), state(1), state(2), state(0x80), state(0x100), state(0x82)]).toEqual(['R', 'S', 'D', 'I', 'R+', 'D|I']);
  });

  it('a format with another bit layout is read with that layout', () => {
    // A kernel whose flag table puts S on bit 2 and names bit 0 "Q".
    const other = format(SCHED_SWITCH.replace('{ 0x00000001, "S" }', '{ 0x00000001, "Q" }').replace('{ 0x00000004, "T" }', '{ 0x00000004, "S" }').replace('ID: 372', 'ID: 373'), 'sched');
    const d = createRecordDecoder(tracingData([other]), { latencyFlags: false });
    const e = d.decode(record(other, { common_type: 373, prev_state: 5 }), 0, 0, 1);
    expect(e.kind === 'sched_switch' && e.prevState).toBe('Q|S');
  });

  it('the fields themselves', () => {
    const e = createRecordDecoder(tracingData([ev]), { latencyFlags: false }).decode(record(ev, { common_type: 372, common_pid: 7, prev_comm: 'fio', prev_pid: 7, prev_prio: 120, prev_state: 1, next_comm: 'kworker/1:1', next_pid: 44, next_prio: 100 }), 5, 1, 9);
    expect(e).toEqual({ kind: 'sched_switch', line: 9, ts: 5, cpu: 1, pid: 7, comm: '<...>', prevComm: 'fio', prevPid: 7, prevPrio: 120, prevState: 'S', nextComm: 'kworker/1:1', nextPid: 44, nextPrio: 100, form: 'kernel' });
  });

  it('names tasks as trace-cmd does: cmdlines first, then the sched plugin, first name kept', () => {
    const d = createRecordDecoder(tracingData([ev], { cmdlines: new Map([[7, 'from-cmdlines']]) }), { latencyFlags: false });
    const sw = (pid: number, prev: string, next: string, nextPid: number) => d.decode(record(ev, { common_type: 372, common_pid: pid, prev_comm: prev, prev_pid: pid, next_comm: next, next_pid: nextPid }), 0, 0, 1);
    expect(sw(7, 'renamed', 'b', 8).comm).toBe('from-cmdlines');
    // pid 8 was named by the switch above; its header is resolved before its own payload names it.
    expect(sw(8, 'b', 'c', 9).comm).toBe('b');
    expect(sw(8, 'b2', 'c', 9).comm).toBe('b');
    expect(sw(0, 'swapper/0', 'c', 9).comm).toBe('<idle>');
    expect(sw(10, 'x', 'y', 11).comm).toBe('<...>');
  });
});

describe('block_rq_issue', () => {
  const ev = format(BLOCK_RQ_ISSUE, 'block');
  const values = { common_type: 2104, dev: (254 << 20) | 3, sector: 46699392, nr_sector: 8, bytes: 4096, ioprio: (2 << 13) | 4, rwbs: 'WS', comm: 'fio', cmd: { loc: '' } };

  it('device numbers, sector, ioprio as libtraceevent prints it (class names unresolved)', () => {
    const e = createRecordDecoder(tracingData([ev]), { latencyFlags: false }).decode(record(ev, values), 0, 0, 1);
    expect(e).toMatchObject({ kind: 'block_rq_issue', dev: { major: 254, minor: 3 }, rwbs: 'WS', bytes: 4096, cmd: '', sector: 46699392, nrSector: 8, ioprio: '0x2,0,4', issuer: 'fio' });
  });

  it('a flush completion sector of -1 (2^64 - 1) reads as -1, as the text parser reads it', () => {
    const e = createRecordDecoder(tracingData([ev]), { latencyFlags: false }).decode(record(ev, { ...values, sector: -1n }), 0, 0, 1);
    expect(e.kind === 'block_rq_issue' && e.sector).toBe(-1);
  });

  it('class names resolve when the format gives numbers, and big-endian records read the same', () => {
    const numeric = format(BLOCK_RQ_ISSUE.replace('IOPRIO_CLASS_BE', '2'), 'block');
    const little = createRecordDecoder(tracingData([numeric]), { latencyFlags: false }).decode(record(numeric, values), 0, 0, 1);
    const big = createRecordDecoder(tracingData([numeric]), { latencyFlags: false }).decode(record(numeric, values, false), 0, 0, 1);
    expect(little.kind === 'block_rq_issue' && little.ioprio).toBe('be,0,4');
    expect(big).toEqual(little);
  });

  it('a dev_t layout from the print fmt (a kernel with 8 minor bits)', () => {
    const old = format(BLOCK_RQ_ISSUE.replace('>> 20', '>> 8').replace('(1U << 20) - 1', '(1U << 8) - 1'), 'block');
    const e = createRecordDecoder(tracingData([old]), { latencyFlags: false }).decode(record(old, { ...values, dev: (8 << 8) | 16 }), 0, 0, 1);
    expect(e.kind === 'block_rq_issue' && e.dev).toEqual({ major: 8, minor: 16 });
  });
});

describe('workqueue pointers and functions', () => {
  const ev = format(QUEUE_WORK, 'workqueue');
  const kallsyms = parseKallsyms('ffffffff81000000 T _stext\nffffffff814a6b30 T iomap_dio_complete_work\nffffffff814a6c00 t next_fn\n');
  const dec = createRecordDecoder(tracingData([ev], { kallsyms }), { latencyFlags: false });
  const e = (work: bigint, fn: bigint) => dec.decode(record(ev, { common_type: 337, work, function: fn, workqueue: { loc: 'dio/vda' }, req_cpu: 256, cpu: -1 }), 0, 0, 1);

  it('work as %p prints it (0x…), function named from kallsyms (%ps), workqueue from its __data_loc', () => {
    expect(e(0xffff888102da7400n, 0xffffffff814a6b30n)).toMatchObject({ work: '0xffff888102da7400', function: 'iomap_dio_complete_work', workqueue: 'dio/vda', reqCpu: 256, targetCpu: -1 });
  });

  it('a reader without kallsyms in its file (perf.data) gives its own function names and task names', () => {
    const d = createRecordDecoder(tracingData([ev]), { latencyFlags: false, findFunction: (a) => kallsyms.find(a), commOf: (pid) => `task${pid}` });
    const r = d.decode(record(ev, { common_type: 337, common_pid: 12, work: 1n, function: 0xffffffff814a6b30n, workqueue: { loc: 'dio/vda' } }), 0, 0, 1);
    expect(r).toMatchObject({ comm: 'task12', pid: 12, function: 'iomap_dio_complete_work' });
  });

  it('an address inside a function names it; one outside every symbol prints in hex; a NULL work is (nil)', () => {
    expect(e(0n, 0xffffffff814a6b38n)).toMatchObject({ work: '(nil)', function: 'iomap_dio_complete_work' });
    expect(e(1n, 0x1234n)).toMatchObject({ function: '0x1234' });
  });
});

describe('other events', () => {
  it('softirq action from __print_symbolic', () => {
    const ev = format(SOFTIRQ_ENTRY, 'irq');
    const d = createRecordDecoder(tracingData([ev]), { latencyFlags: false });
    expect(d.decode(record(ev, { common_type: 223, vec: 4 }), 0, 0, 1)).toMatchObject({ vec: 4, action: 'BLOCK' });
    expect(d.decode(record(ev, { common_type: 223, vec: 12 }), 0, 0, 1)).toMatchObject({ vec: 12, action: '0xc' });
  });

  it('an unmodelled event prints its print fmt: signed ints, __rel_loc strings, %#llx, casts, conditionals', () => {
    const ev = format(CUSTOM, 'test');
    const d = createRecordDecoder(tracingData([ev]), { latencyFlags: false });
    const r = record(ev, { common_type: 900, delta: -5, label: { loc: 'hello' }, mask: 0x1_0000_001fn });
    expect(readString(r, ev.byName.get('label')!)).toBe('hello');
    expect(readNumber(r, ev.byName.get('delta')!)).toBe(-5);
    expect(d.decode(r, 0, 0, 1)).toMatchObject({ kind: 'other', name: 'custom_thing', system: 'test', args: 'delta=-5 label=hello mask=0x10000001f hi=1 state=neg' });
  });

  it('as libtraceevent: an unexpanded kernel name reads 0, a flag table may end in a NULL entry', () => {
    const ev = format(CUSTOM.replace('print fmt: "delta=%d label=%s mask=%#llx hi=%u state=%s", REC->delta, __get_rel_str(label), REC->mask, (unsigned int)(REC->mask >> 32), REC->delta < 0 ? "neg" : "pos"', 'print fmt: "page=%p flags=%s", REC->delta != -1 ? (((struct page *)vmemmap_base) + (REC->delta)) : ((void *)0), __print_flags(REC->mask, "|", {( unsigned long)(( gfp_t)((((1UL))) << (1))), "B1"}, { UNKNOWN_NAME, "never" }, { 0, ((void *)0) })'), 'test');
    const d = createRecordDecoder(tracingData([ev]), { latencyFlags: false });
    expect(d.decode(record(ev, { common_type: 900, delta: 0x1ce93b, mask: 6 }), 0, 0, 1)).toMatchObject({ args: 'page=0x1ce93b flags=B1|0x4' });
  });

  it('one printer renders record after record: each its own values; a table key that reads a field is read per record', () => {
    // The printer keeps one evaluator and the constant flag tables across records: neither may
    // carry a value over from the record before.
    const ev = format(CUSTOM.replace('print fmt: "delta=%d label=%s mask=%#llx hi=%u state=%s", REC->delta, __get_rel_str(label), REC->mask, (unsigned int)(REC->mask >> 32), REC->delta < 0 ? "neg" : "pos"', 'print fmt: "label=%s f=%s s=%s", __get_rel_str(label), __print_flags(REC->mask, "|", { 1, "A" }, { 2, "B" }), __print_symbolic(REC->mask, { REC->delta, "same" }, { 4, "four" })'), 'test');
    const p = createEventPrinter(ev, NO_SYMS);
    const texts = [
      { delta: 7, label: { loc: 'one' }, mask: 3 },
      { delta: 3, label: { loc: 'two' }, mask: 3 },
      { delta: 0, label: { loc: 'three' }, mask: 4 },
      { delta: 9, label: { loc: 'four' }, mask: 9 },
    ].map((v) => p.render(record(ev, { common_type: 900, ...v })));
    expect(texts).toEqual(['label=one f=A|B s=0x3', 'label=two f=A|B s=same', 'label=three f=0x4 s=four', 'label=four f=A|0x8 s=same']);
  });

  it('a print fmt it cannot evaluate falls back to the raw fields', () => {
    const ev = format(CUSTOM.replace('REC->delta < 0', 'mystery_helper(REC->delta)'), 'test');
    const p = createEventPrinter(ev, NO_SYMS);
    expect(p.render(record(ev, { common_type: 900, delta: 3, label: { loc: 'x' }, mask: 2 }))).toBe('delta=3 label=x mask=2 bytes=ARRAY[4]');
  });

  it('an id no format describes is kept as an unknown event', () => {
    const d = createRecordDecoder(tracingData([format(CUSTOM, 'test')]), { latencyFlags: false });
    const e = d.decode(record(format(CUSTOM, 'test'), { common_type: 901 }), 0, 0, 1);
    expect(e).toMatchObject({ kind: 'other', name: 'unknown_event_901' });
  });

  it('latency flags and context from common_flags and the preempt count', () => {
    const ev = format(SOFTIRQ_ENTRY, 'irq');
    const d = createRecordDecoder(tracingData([ev]));
    const e = (flags: number, pc: number) => d.decode(record(ev, { common_type: 223, common_flags: flags, common_preempt_count: pc, vec: 1 }), 0, 0, 1);
    expect(e(0x10 | 0x04, 0x01)).toMatchObject({ flags: '.Ns1.', ctx: 'softirq' });
    expect(e(0x08 | 0x01, 0x12)).toMatchObject({ flags: 'd.h21', ctx: 'hardirq' });
    expect(e(0x18, 0)).toMatchObject({ flags: '..H..', ctx: 'hardirq' });
    expect(e(0, 0)).toMatchObject({ flags: '.....', ctx: 'task' });
  });
});

describe('kallsyms', () => {
  it('finds the function holding an address; aliases give the first listed; absolute symbols are skipped', () => {
    const k = parseKallsyms('ffffffff81000010 T b_alias\nffffffff81000000 T a\nffffffff81000010 T b\nffffffff81000008 A percpu_thing\nffffffff81000020 T c\n');
    expect(k.find(0xffffffff81000004n)?.name).toBe('a');
    expect(k.find(0xffffffff81000008n)?.name).toBe('a');
    expect(k.find(0xffffffff81000011n)).toEqual({ name: 'b_alias', start: 0xffffffff81000010n });
    expect(k.find(0xffffffff81000020n)?.name).toBe('c');
    expect(k.find(0xffffffff81000021n)).toBeUndefined();
    expect(k.find(0x10n)).toBeUndefined();
  });
});
