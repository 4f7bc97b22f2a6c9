import { parseEventFormat, parseKallsyms, type EventFormat, type RawRecord, type TracingData } from '../../../../src/parse/binary/tep/index.js';

/**
 * Builds raw tracepoint records for the tep tests from a format description and field values,
 * laying each field at the offset the format gives, in either byte order: the same bytes the
 * kernel writes into the ring buffer.
 */

export type FieldValue = number | bigint | string | { loc: string };

export function record(ev: EventFormat, values: Record<string, FieldValue>, little = true, extra = 64): RawRecord {
  const fixed = Math.max(...ev.fields.map((f) => f.offset + f.size));
  const bytes = new Uint8Array(fixed + extra);
  const view = new DataView(bytes.buffer);
  let tail = fixed;
  for (const f of ev.fields) {
    const v = values[f.name];
    if (v === undefined) continue;
    if (typeof v === 'object' && v !== null && 'loc' in v) {
      const s = Buffer.from(`${v.loc}\0`, 'latin1');
      bytes.set(s, tail);
      // __data_loc: offset from the record start; __rel_loc: from the end of the field.
      const off = f.dynamic === 'rel_loc' ? tail - (f.offset + f.size) : tail;
      view.setUint32(f.offset, (s.length << 16) | off, little);
      tail += s.length;
    } else if (typeof v === 'string') {
      bytes.set(Buffer.from(v, 'latin1').subarray(0, f.size), f.offset);
    } else if (f.size === 8) view.setBigUint64(f.offset, BigInt.asUintN(64, BigInt(v)), little);
    else if (f.size === 4) view.setUint32(f.offset, Number(BigInt.asUintN(32, BigInt(v))), little);
    else if (f.size === 2) view.setUint16(f.offset, Number(v) & 0xffff, little);
    else if (f.size === 1) view.setUint8(f.offset, Number(v) & 0xff);
  }
  return { bytes, view, start: 0, size: tail, little };
}

export function format(text: string, system: string): EventFormat {
  const ev = parseEventFormat(text, system);
  if (!ev) throw new Error('format does not parse');
  return ev;
}

export function tracingData(formats: EventFormat[], extra: Partial<TracingData> = {}): Pick<TracingData, 'events' | 'kallsyms' | 'printk' | 'cmdlines' | 'longSize'> {
  return {
    events: new Map(formats.map((f) => [f.id, f])),
    kallsyms: parseKallsyms(''),
    printk: new Map(),
    cmdlines: new Map(),
    longSize: 8,
    ...extra,
  };
}

const COMMON = `	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;
`;

/** Linux 6.18's sched_switch format (events/sched/sched_switch/format). */
export const SCHED_SWITCH = `name: sched_switch
ID: 372
format:
${COMMON}
	field:char prev_comm[16];	offset:8;	size:16;	signed:0;
	field:pid_t prev_pid;	offset:24;	size:4;	signed:1;
	field:int prev_prio;	offset:28;	size:4;	signed:1;
	field:long prev_state;	offset:32;	size:8;	signed:1;
	field:char next_comm[16];	offset:40;	size:16;	signed:0;
	field:pid_t next_pid;	offset:56;	size:4;	signed:1;
	field:int next_prio;	offset:60;	size:4;	signed:1;

print fmt: "prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s next_pid=%d next_prio=%d", REC->prev_comm, REC->prev_pid, REC->prev_prio, (REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1)) ? __print_flags(REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1), "|", { 0x00000001, "S" }, { 0x00000002, "D" }, { 0x00000004, "T" }, { 0x00000008, "t" }, { 0x00000010, "X" }, { 0x00000020, "Z" }, { 0x00000040, "P" }, { 0x00000080, "I" }) : "R", REC->prev_state & (((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) ? "+" : "", REC->next_comm, REC->next_pid, REC->next_prio
`;

/** Linux 6.18's block_rq_issue format. */
export const BLOCK_RQ_ISSUE = `name: block_rq_issue
ID: 2104
format:
${COMMON}
	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:sector_t sector;	offset:16;	size:8;	signed:0;
	field:unsigned int nr_sector;	offset:24;	size:4;	signed:0;
	field:unsigned int bytes;	offset:28;	size:4;	signed:0;
	field:unsigned short ioprio;	offset:32;	size:2;	signed:0;
	field:char rwbs[10];	offset:34;	size:10;	signed:0;
	field:char comm[16];	offset:44;	size:16;	signed:0;
	field:__data_loc char[] cmd;	offset:60;	size:4;	signed:0;

print fmt: "%d,%d %s %u (%s) %llu + %u %s,%u,%u [%s]", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->rwbs, REC->bytes, __get_str(cmd), (unsigned long long)REC->sector, REC->nr_sector, __print_symbolic((((REC->ioprio) >> 13) & (8 - 1)), { IOPRIO_CLASS_NONE, "none" }, { IOPRIO_CLASS_RT, "rt" }, { IOPRIO_CLASS_BE, "be" }, { IOPRIO_CLASS_IDLE, "idle" }, { IOPRIO_CLASS_INVALID, "invalid"}), (((REC->ioprio) >> 3) & ((1 << 10) - 1)), ((REC->ioprio) & ((1 << 3) - 1)), REC->comm
`;

/** Linux 6.18's workqueue_queue_work format. */
export const QUEUE_WORK = `name: workqueue_queue_work
ID: 337
format:
${COMMON}
	field:void * work;	offset:8;	size:8;	signed:0;
	field:void * function;	offset:16;	size:8;	signed:0;
	field:__data_loc char[] workqueue;	offset:24;	size:4;	signed:0;
	field:int req_cpu;	offset:28;	size:4;	signed:1;
	field:int cpu;	offset:32;	size:4;	signed:1;

print fmt: "work struct=%p function=%ps workqueue=%s req_cpu=%d cpu=%d", REC->work, REC->function, __get_str(workqueue), REC->req_cpu, REC->cpu
`;

/** Linux 6.18's softirq_entry format. */
export const SOFTIRQ_ENTRY = `name: softirq_entry
ID: 223
format:
${COMMON}
	field:unsigned int vec;	offset:8;	size:4;	signed:0;

print fmt: "vec=%u [action=%s]", REC->vec, __print_symbolic(REC->vec, { 0, "HI" }, { 1, "TIMER" }, { 2, "NET_TX" }, { 3, "NET_RX" }, { 4, "BLOCK" }, { 5, "IRQ_POLL" }, { 6, "TASKLET" }, { 7, "SCHED" }, { 8, "HRTIMER" }, { 9, "RCU" })
`;

/** An event iopath does not model, with a rel_loc string, an array and a C expression. */
export const CUSTOM = `name: custom_thing
ID: 900
format:
${COMMON}
	field:int delta;	offset:8;	size:4;	signed:1;
	field:__rel_loc char[] label;	offset:12;	size:4;	signed:0;
	field:unsigned long long mask;	offset:16;	size:8;	signed:0;
	field:u8 bytes[4];	offset:24;	size:4;	signed:0;

print fmt: "delta=%d label=%s mask=%#llx hi=%u state=%s", REC->delta, __get_rel_str(label), REC->mask, (unsigned int)(REC->mask >> 32), REC->delta < 0 ? "neg" : "pos"
`;
