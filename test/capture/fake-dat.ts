import { EVENT_SETS } from '../../src/capture/events.js';
import { BLOCK_RQ_ISSUE, SCHED_SWITCH } from '../parse/binary/tep/records.js';
import type { RawEvent } from './ring-pages.js';

/**
 * What the fake tracefs needs for `--format dat`: the ring-buffer headers and event formats of a
 * real kernel (copied from Linux 6.18 x86_64), made-up formats for the other events of the sets,
 * saved cmdlines and printk formats, and builders for the payloads of the real-format events.
 */

/** Real format files of Linux 6.18 x86_64 (events/<system>/<event>/format), as the fake kernel's. */
export const REAL_FORMATS: Readonly<Record<string, string>> = {
  'block:block_rq_issue': BLOCK_RQ_ISSUE,
  'workqueue:workqueue_execute_start': `name: workqueue_execute_start
ID: 335
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:void * work;	offset:8;	size:8;	signed:0;
	field:void * function;	offset:16;	size:8;	signed:0;

print fmt: "work struct %p: function %ps", REC->work, REC->function
`,
  'sched:sched_switch': SCHED_SWITCH,
  'irq:irq_handler_entry': `name: irq_handler_entry
ID: 225
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:int irq;	offset:8;	size:4;	signed:1;
	field:__data_loc char[] name;	offset:12;	size:4;	signed:0;

print fmt: "irq=%d name=%s", REC->irq, __get_str(name)
`,
};

export const HEADER_PAGE = `	field: u64 timestamp;	offset:0;	size:8;	signed:0;
	field: local_t commit;	offset:8;	size:8;	signed:1;
	field: int overwrite;	offset:8;	size:1;	signed:1;
	field: char data;	offset:16;	size:4080;	signed:0;
`;

export const HEADER_EVENT = `# compressed entry header
	type_len    :    5 bits
	time_delta  :   27 bits
	array       :   32 bits

	padding     : type == 29
	time_extend : type == 30
	time_stamp : type == 31
	data max type_len  == 28
`;

/** A format with only the common fields, for the events the tests do not write. */
function madeUpFormat(name: string, id: number): string {
  return (
    `name: ${name}\nID: ${id}\nformat:\n` +
    '\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n' +
    '\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n' +
    '\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n' +
    '\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n' +
    'print fmt: "-"\n'
  );
}

export function formatId(event: string): number {
  const real = REAL_FORMATS[event];
  if (real !== undefined) return Number(/^ID: (\d+)/m.exec(real)?.[1]);
  return 9000 + EVENT_SETS.full.indexOf(event);
}

export const CMDLINES = '7888 fio\n44 kworker/1:1\n0 <idle>\n';

/** Files to add to a fake tracefs (FakeOptions.files) so that it can be captured as a trace.dat. */
export function datFiles(cpus = 2): Record<string, string> {
  const files: Record<string, string> = {
    'events/header_page': HEADER_PAGE,
    'events/header_event': HEADER_EVENT,
    'printk_formats': '0xffffffff8281245c : "thaw_processes"\n',
    'saved_cmdlines': CMDLINES,
  };
  for (const ev of EVENT_SETS.full) {
    const [sys = '', name = ''] = ev.split(':');
    files[`events/${sys}/${name}/format`] = REAL_FORMATS[ev] ?? madeUpFormat(name, formatId(ev));
  }
  for (let c = 0; c < cpus; c++) files[`per_cpu/cpu${c}/trace_pipe_raw`] = '';
  return files;
}

function fixed(text: string, size: number): Buffer {
  const b = Buffer.alloc(size);
  b.write(text, 'latin1');
  return b;
}

/** Fields laid out at their format offsets (the buffer starts at offset 8, after the common fields). */
function fields(size: number, put: (b: Buffer) => void): Buffer {
  const b = Buffer.alloc(size - 8);
  put(b);
  return b;
}

export function blockRqIssue(ts: bigint, pid: number, o: { dev: number; sector: bigint; nr: number; rwbs: string; comm: string }): RawEvent {
  // offsets: dev 8, sector 16, nr_sector 24, bytes 28, ioprio 32, rwbs[10] 34, comm[16] 44, cmd (data_loc) 60; "" at 64
  const f = fields(65, (b) => {
    b.writeUInt32LE(o.dev, 0);
    b.writeBigUInt64LE(o.sector, 8);
    b.writeUInt32LE(o.nr, 16);
    b.writeUInt32LE(o.nr * 512, 20);
    b.writeUInt16LE(0x4004, 24);
    fixed(o.rwbs, 10).copy(b, 26);
    fixed(o.comm, 16).copy(b, 36);
    b.writeUInt32LE((1 << 16) | 64, 52);
  });
  return { ts, id: formatId('block:block_rq_issue'), pid, fields: f };
}

export function schedSwitch(ts: bigint, o: { prev: string; prevPid: number; state: bigint; next: string; nextPid: number }): RawEvent {
  const f = fields(64, (b) => {
    fixed(o.prev, 16).copy(b, 0);
    b.writeInt32LE(o.prevPid, 16);
    b.writeInt32LE(120, 20);
    b.writeBigInt64LE(o.state, 24);
    fixed(o.next, 16).copy(b, 32);
    b.writeInt32LE(o.nextPid, 48);
    b.writeInt32LE(120, 52);
  });
  return { ts, id: formatId('sched:sched_switch'), pid: o.prevPid, fields: f };
}

export function workqueueExecuteStart(ts: bigint, pid: number, work: bigint, fn: bigint): RawEvent {
  const f = fields(24, (b) => {
    b.writeBigUInt64LE(work, 0);
    b.writeBigUInt64LE(fn, 8);
  });
  return { ts, id: formatId('workqueue:workqueue_execute_start'), pid, fields: f };
}

export function irqHandlerEntry(ts: bigint, pid: number, irq: number, name: string): RawEvent {
  const f = fields(16 + name.length + 1, (b) => {
    b.writeInt32LE(irq, 0);
    b.writeUInt32LE(((name.length + 1) << 16) | 16, 4);
    b.write(name, 8, 'latin1');
  });
  return { ts, id: formatId('irq:irq_handler_entry'), pid, flags: 0x09, fields: f };
}
