import { describe, expect, it } from 'vitest';
import { PAYLOAD_PARSERS } from '../../src/parse/payload/index.js';
import { IOCB_FLAGS, taskStateLetters } from '../../src/parse/payload/kernel-tables.js';
import { flagNames, rawDev, rawFields, rawIoprio, rawNumber } from '../../src/parse/payload/raw.js';

/** Payload parsers, one form at a time; the fixtures cover them again in context. */

const HEAD = { line: 7, ts: 1000, cpu: 1, pid: 42, comm: 'fio' };

/** The payload fields of `payload` parsed as event `name` (the header fields are checked apart). */
const parse = (name: string, payload: string): unknown => {
  const p = PAYLOAD_PARSERS.get(name);
  if (!p) throw new Error(name);
  // Parsers read from an offset into the whole line: put some header text before the payload.
  const prefix = `fio-42 [001] 0.000001: ${name}: `;
  const e = p(prefix + payload, prefix.length, HEAD);
  if (e === null) return null;
  const { line, ts, cpu, pid, comm, ...rest } = e;
  expect({ line, ts, cpu, pid, comm }).toEqual(HEAD);
  return rest;
};

describe('block_rq_*', () => {
  it('issue with and without ioprio, empty and SCSI cmd, comm with spaces and brackets', () => {
    expect(parse('block_rq_issue', '254,0 WS 4096 () 46699392 + 8 be,0,4 [fio]')).toEqual({ kind: 'block_rq_issue', dev: { major: 254, minor: 0 }, rwbs: 'WS', bytes: 4096, cmd: '', sector: 46699392, nrSector: 8, ioprio: 'be,0,4', issuer: 'fio' });
    expect(parse('block_rq_insert', '259,0 WS 4096 () 10487680 + 8 [my [task]]')).toEqual({ kind: 'block_rq_insert', dev: { major: 259, minor: 0 }, rwbs: 'WS', bytes: 4096, cmd: '', sector: 10487680, nrSector: 8, issuer: 'my [task]' });
    expect(parse('block_rq_issue', '8,0 N 0 (12 00 00 00 24 00) 0 + 0 none,0,0 [sg_raw]')).toMatchObject({ cmd: '12 00 00 00 24 00', ioprio: 'none,0,0' });
  });

  it('complete with errno, ioprio in either spelling, flush sector -1', () => {
    expect(parse('block_rq_complete', '254,0 WS () 46699392 + 8 0x2,0,4 [0]')).toMatchObject({ error: 0, ioprio: '0x2,0,4' });
    expect(parse('block_rq_complete', '259,0 R () 10487688 + 8 [-5]')).toEqual({ kind: 'block_rq_complete', dev: { major: 259, minor: 0 }, rwbs: 'R', cmd: '', sector: 10487688, nrSector: 8, error: -5 });
    expect(parse('block_rq_complete', '254,0 FF () 18446744073709551615 + 0 none,0,0 [0]')).toMatchObject({ sector: -1, nrSector: 0 });
  });

  it('trace-cmd -R raw fields', () => {
    expect(parse('block_rq_issue', 'dev=266338304 sector=37962984 nr_sector=2048 bytes=1048576 ioprio=16388 rwbs=RA comm=my task cmd=')).toEqual({ kind: 'block_rq_issue', dev: { major: 254, minor: 0 }, rwbs: 'RA', bytes: 1048576, cmd: '', sector: 37962984, nrSector: 2048, ioprio: '0x2,0,4', issuer: 'my task' });
    expect(parse('block_rq_complete', 'dev=266338304 sector=46699392 nr_sector=8 error=-5 ioprio=16388 rwbs=WS cmd=')).toMatchObject({ error: -5, sector: 46699392, dev: { major: 254, minor: 0 } });
  });

  it('rejects what it cannot read', () => {
    for (const p of ['', '254,0 WS 4096 () 466', '254 WS 4096 () 1 + 8 [fio]', '254,0 WS x () 1 + 8 [fio]', '254,0 WS 4096 () 1 + 8 be,0,4 fio', 'dev=x sector=1']) expect(parse('block_rq_issue', p), p).toBeNull();
    expect(parse('block_rq_complete', '254,0 WS () 1 + 8 [ok]')).toBeNull();
  });
});

describe('workqueue_*', () => {
  it('4.x pointer and ≥5.12 name forms; unbound cpu', () => {
    expect(parse('workqueue_queue_work', 'work struct=000000006c12a01f function=iomap_dio_complete_work workqueue=dio/vda req_cpu=256 cpu=1')).toEqual({ kind: 'workqueue_queue_work', work: '000000006c12a01f', function: 'iomap_dio_complete_work', workqueue: 'dio/vda', reqCpu: 256, targetCpu: 1 });
    expect(parse('workqueue_queue_work', 'work struct=000000007a1f0c3e function=dio_aio_complete_work workqueue=00000000d2b4c3a1 req_cpu=8192 cpu=4294967295')).toMatchObject({ workqueue: '00000000d2b4c3a1', targetCpu: -1 });
    expect(parse('workqueue_queue_work', 'work struct=0xffff1 function=f workqueue=my wq req_cpu=8192 cpu=-1')).toMatchObject({ workqueue: 'my wq', targetCpu: -1 });
  });

  it('activate, execute_start, execute_end with and without function', () => {
    expect(parse('workqueue_activate_work', 'work struct 000000006c12a01f')).toEqual({ kind: 'workqueue_activate_work', work: '000000006c12a01f' });
    expect(parse('workqueue_activate_work', 'work struct 0xffff888102da7400 function=blk_mq_run_work_fn ')).toEqual({ kind: 'workqueue_activate_work', work: '0xffff888102da7400', function: 'blk_mq_run_work_fn' });
    expect(parse('workqueue_execute_start', 'work struct 000000006c12a01f: function iomap_dio_complete_work')).toEqual({ kind: 'workqueue_execute_start', work: '000000006c12a01f', function: 'iomap_dio_complete_work' });
    expect(parse('workqueue_execute_end', 'work struct 000000006c12a01f')).toEqual({ kind: 'workqueue_execute_end', work: '000000006c12a01f' });
    expect(parse('workqueue_execute_end', 'work struct 000000006c12a01f: function iomap_dio_complete_work')).toEqual({ kind: 'workqueue_execute_end', work: '000000006c12a01f', function: 'iomap_dio_complete_work' });
  });

  it('trace-cmd -R raw fields', () => {
    expect(parse('workqueue_queue_work', 'work=0xffff8881024df040 function=blk_mq_run_work_fn workqueue=kblockd req_cpu=256 cpu=1')).toEqual({ kind: 'workqueue_queue_work', work: '0xffff8881024df040', function: 'blk_mq_run_work_fn', workqueue: 'kblockd', reqCpu: 256, targetCpu: 1 });
    expect(parse('workqueue_execute_end', 'work=0xffff8881024df040 function=blk_mq_run_work_fn')).toEqual({ kind: 'workqueue_execute_end', work: '0xffff8881024df040', function: 'blk_mq_run_work_fn' });
    expect(parse('workqueue_activate_work', 'work=0xffff8881024df040 function=f')).toEqual({ kind: 'workqueue_activate_work', work: '0xffff8881024df040', function: 'f' });
  });
});

describe('sched_*', () => {
  it('sched_switch kernel form with odd comms, plugin form, raw form', () => {
    expect(parse('sched_switch', 'prev_comm=a b prev_pid=1 prev_pid=2 prev_prio=120 prev_state=R+ ==> next_comm=c ==> d next_pid=3 next_prio=100')).toMatchObject({ prevComm: 'a b prev_pid=1', prevPid: 2, prevState: 'R+', nextComm: 'c ==> d', nextPid: 3, nextPrio: 100, form: 'kernel' });
    expect(parse('sched_switch', 'bash:4929 [120] S ==> swapper/1:0 [120]')).toEqual({ kind: 'sched_switch', prevComm: 'bash', prevPid: 4929, prevPrio: 120, prevState: 'S', nextComm: 'swapper/1', nextPid: 0, nextPrio: 120, form: 'plugin' });
    expect(parse('sched_switch', 'prev_comm=bash prev_pid=2922 prev_prio=120 prev_state=256 next_comm=ksoftirqd/0 next_pid=14 next_prio=120')).toEqual({ kind: 'sched_switch', prevComm: 'bash', prevPid: 2922, prevPrio: 120, prevState: 'R+', nextComm: 'ksoftirqd/0', nextPid: 14, nextPrio: 120, form: 'kernel' });
  });

  it('wakeups: kernel with and without success=, plugin with and without success=', () => {
    expect(parse('sched_wakeup', 'comm=kworker/1:32 pid=4150 prio=120 target_cpu=001')).toEqual({ kind: 'sched_wakeup', targetComm: 'kworker/1:32', targetPid: 4150, prio: 120, targetCpu: 1, form: 'kernel' });
    expect(parse('sched_waking', 'comm=a pid=b pid=7 prio=120 success=1 target_cpu=002')).toEqual({ kind: 'sched_waking', targetComm: 'a pid=b', targetPid: 7, prio: 120, success: 1, targetCpu: 2, form: 'kernel' });
    expect(parse('sched_wakeup', 'kworker/1:27:4145 [120] CPU:001')).toEqual({ kind: 'sched_wakeup', targetComm: 'kworker/1:27', targetPid: 4145, prio: 120, targetCpu: 1, form: 'plugin' });
    expect(parse('sched_wakeup_new', 'fio:2345 [120] success=1 CPU:003')).toEqual({ kind: 'sched_wakeup_new', targetComm: 'fio', targetPid: 2345, prio: 120, success: 1, targetCpu: 3, form: 'plugin' });
  });

  it('sched_migrate_task', () => {
    expect(parse('sched_migrate_task', 'comm=fio pid=7888 prio=120 orig_cpu=1 dest_cpu=0')).toEqual({ kind: 'sched_migrate_task', targetComm: 'fio', targetPid: 7888, prio: 120, origCpu: 1, destCpu: 0 });
  });

  it('state letters of the raw prev_state', () => {
    expect([0, 1, 2, 0x10, 0x20, 0x80, 0x100, 0x102, 0x3].map(taskStateLetters)).toEqual(['R', 'S', 'D', 'X', 'Z', 'I', 'R+', 'D+', 'S|D']);
  });
});

describe('irq_* and softirq_*', () => {
  it('printed and raw forms', () => {
    expect(parse('irq_handler_entry', 'irq=36 name=virtio1-req.0')).toEqual({ kind: 'irq_handler_entry', irq: 36, name: 'virtio1-req.0' });
    expect(parse('irq_handler_exit', 'irq=36 ret=handled')).toEqual({ kind: 'irq_handler_exit', irq: 36, ret: 'handled' });
    expect(parse('irq_handler_exit', 'irq=36 ret=1')).toEqual({ kind: 'irq_handler_exit', irq: 36, ret: 'handled' });
    expect(parse('irq_handler_exit', 'irq=36 ret=0')).toEqual({ kind: 'irq_handler_exit', irq: 36, ret: 'unhandled' });
    expect(parse('softirq_entry', 'vec=4 [action=BLOCK]')).toEqual({ kind: 'softirq_entry', vec: 4, action: 'BLOCK' });
    expect(parse('softirq_exit', 'vec=9')).toEqual({ kind: 'softirq_exit', vec: 9, action: 'RCU' });
    expect(parse('softirq_raise', 'vec=12')).toBeNull();
    expect(parse('softirq_entry', 'vec=4 [action=BLOCK')).toBeNull();
  });
});

describe('iomap_dio_*', () => {
  it('printed forms with empty and full flag sets', () => {
    expect(parse('iomap_dio_rw_begin', 'dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf70000 length 0x1000 done_before 0x0 flags DIRECT|WRITE|AIO_RW dio_flags  aio 1')).toEqual({ kind: 'iomap_dio_rw_begin', dev: { major: 254, minor: 0 }, ino: '0x20c089', size: 0x10000000, offset: 0xf70000, length: 0x1000, doneBefore: 0, iocbFlags: 'DIRECT|WRITE|AIO_RW', dioFlags: '', aio: 1 });
    expect(parse('iomap_dio_rw_queued', 'dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf71000 length 0x0')).toEqual({ kind: 'iomap_dio_rw_queued', dev: { major: 254, minor: 0 }, ino: '0x20c089', size: 0x10000000, offset: 0xf71000, length: 0 });
    expect(parse('iomap_dio_complete', 'dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf71000 flags DIRECT|WRITE|AIO_RW aio 1 error 0 ret 4096')).toEqual({ kind: 'iomap_dio_complete', dev: { major: 254, minor: 0 }, ino: '0x20c089', size: 0x10000000, offset: 0xf71000, iocbFlags: 'DIRECT|WRITE|AIO_RW', aio: 1, error: 0, ret: 4096 });
  });

  it("a nowait attempt's -EAGAIN as perf script prints it (32-bit unsigned) reads as -11; a size as printed", () => {
    // perf script of an io_uring randwrite on xfs (Linux 6.18): libtraceevent prints `%zd` -11 as 4294967285.
    expect(parse('iomap_dio_complete', 'dev 7:0 ino 0x85 size 0x4000000 offset 0x29ac000 flags NOWAIT|DIRECT|WRITE|ALLOC_CACHE aio 1 error -11 ret 4294967285')).toMatchObject({ error: -11, ret: -11 });
    expect(parse('iomap_dio_complete', 'dev 7:0 ino 0x85 size 0x4000000 offset 0x29ac000 flags NOWAIT|DIRECT|WRITE|ALLOC_CACHE aio 1 error -11 ret -11')).toMatchObject({ ret: -11 });
    expect(parse('iomap_dio_complete', 'dev 254:0 ino 0x85 size 0x4000000 offset 0x29ac000 flags DIRECT|WRITE aio 0 error 0 ret 2147479552')).toMatchObject({ ret: 2147479552 });
  });

  it('trace-cmd -R raw fields map to the printed ones', () => {
    expect(parse('iomap_dio_rw_begin', 'dev=266338304 ino=0x51270f isize=0x10000000 pos=0xf70000 count=0x1000 done_before=0x0 ki_flags=8781824 dio_flags=0 aio=1')).toEqual({ kind: 'iomap_dio_rw_begin', dev: { major: 254, minor: 0 }, ino: '0x51270f', size: 0x10000000, offset: 0xf70000, length: 0x1000, doneBefore: 0, iocbFlags: 'DIRECT|WRITE|AIO_RW', dioFlags: '', aio: 1 });
    expect(parse('iomap_dio_complete', 'dev=266338304 ino=5318415 isize=0x10000000 pos=0xf71000 ki_flags=8781826 aio=1 error=0 ret=4096')).toMatchObject({ ino: '0x51270f', iocbFlags: 'DSYNC|DIRECT|WRITE|AIO_RW', ret: 4096 });
    expect(parse('iomap_dio_rw_queued', 'dev=266338304 ino=0x51270f size=0x10000000 offset=0xf71000 length=0x0')).toMatchObject({ offset: 0xf71000, length: 0 });
  });
});

describe('raw helpers', () => {
  it('split fields whose values hold spaces', () => {
    expect(Object.fromEntries(rawFields('a=1 b=two words c= d=x') ?? [])).toEqual({ a: '1', b: 'two words', c: '', d: 'x' });
    expect(rawFields('not raw')).toBeNull();
  });

  it('decode numbers, devices, ioprio and flag sets', () => {
    expect(rawNumber('0x1f')).toBe(31);
    expect(rawNumber('-5')).toBe(-5);
    expect(rawNumber('18446744073709551615')).toBe(-1);
    expect(rawNumber('12a')).toBeNaN();
    expect(rawDev(String((8 << 20) | 16))).toEqual({ major: 8, minor: 16 });
    expect(rawIoprio('16388')).toBe('0x2,0,4');
    expect(rawIoprio('0')).toBe('0x0,0,0');
    expect(flagNames((1 << 17) | (1 << 18) | (1 << 30), IOCB_FLAGS)).toBe('DIRECT|WRITE|0x40000000');
  });
});
