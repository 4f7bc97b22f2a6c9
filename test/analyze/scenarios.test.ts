import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import type { IoPath } from '../../src/model/io.js';
import { ft, textSource } from '../helpers/paths.js';

/**
 * Small hand-built traces, one kernel behaviour each, with exact expectations. The lines follow
 * the real 6.18 captures (same events, fields and flags); times are in µs for readability.
 */

const BEGIN = (off: string, aio = 1, flags = 'DIRECT|WRITE|AIO_RW') =>
  `dev 254:0 ino 0x20c089 size 0x10000000 offset ${off} length 0x1000 done_before 0x0 flags ${flags} dio_flags  aio ${aio}`;
const DONE = (offAfter: string, flags = 'DIRECT|WRITE|AIO_RW') => `dev 254:0 ino 0x20c089 size 0x10000000 offset ${offAfter} flags ${flags} aio 1 error 0 ret 4096`;
const ISSUE = (sector: number, rw = 'WS') => `254,0 ${rw} 4096 () ${sector} + 8 be,0,4 [fio]`;
const COMPLETE = (sector: number, rw = 'WS') => `254,0 ${rw} () ${sector} + 8 be,0,4 [0]`;
const QW = (p: string) => `work struct=${p} function=iomap_dio_complete_work workqueue=dio/vda req_cpu=256 cpu=1`;
const ACT = (p: string) => `work struct ${p} function=iomap_dio_complete_work `;
const XS = (p: string) => `work struct ${p}: function iomap_dio_complete_work`;
const KW = 'kworker/1:32';
const SW = (prev: string, ppid: number, state: string, next: string, npid: number) =>
  `prev_comm=${prev} prev_pid=${ppid} prev_prio=120 prev_state=${state} ==> next_comm=${next} next_pid=${npid} next_prio=120`;

async function run(lines: string[], unit: 'auto' | 'dio' | 'request' = 'auto') {
  const paths: IoPath[] = [];
  const r = await analyzeTrace(textSource(`${lines.join('\n')}\n`), { unit, onPath: (p) => paths.push(p) });
  return { a: r.analysis, paths: paths.sort((x, y) => x.id - y.id) };
}

/** One aio DIO write deferred to a kworker on the submitter's CPU, with fio preempted (real sequence). */
const deferredOne = [
  ft('fio', 7888, 1, '.....', 100, 'iomap_dio_rw_begin', BEGIN('0xf70000')),
  ft('fio', 7888, 1, '.....', 103, 'block_rq_issue', ISSUE(46699392)),
  ft('fio', 7888, 1, '.....', 110, 'iomap_dio_rw_queued', 'dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf71000 length 0x0'),
  ft('fio', 7888, 1, 'd.h..', 200, 'irq_handler_entry', 'irq=36 name=virtio1-req.0'),
  ft('fio', 7888, 1, 'd.h..', 204, 'irq_handler_exit', 'irq=36 ret=handled'),
  ft('fio', 7888, 1, '..s..', 206, 'softirq_entry', 'vec=4 [action=BLOCK]'),
  ft('fio', 7888, 1, '..s..', 209, 'block_rq_complete', COMPLETE(46699392)),
  ft('fio', 7888, 1, 'd.s1.', 213, 'workqueue_queue_work', QW('000000006c12a01f')),
  ft('fio', 7888, 1, 'd.s1.', 214, 'workqueue_activate_work', ACT('000000006c12a01f')),
  ft('fio', 7888, 1, 'd.s3.', 216, 'sched_waking', `comm=${KW} pid=4150 prio=120 target_cpu=001`),
  ft('fio', 7888, 1, 'dNs4.', 223, 'sched_wakeup', `comm=${KW} pid=4150 prio=120 target_cpu=001`),
  ft('fio', 7888, 1, '.Ns..', 229, 'softirq_exit', 'vec=4 [action=BLOCK]'),
  ft('fio', 7888, 1, 'd..2.', 232, 'sched_switch', SW('fio', 7888, 'R', KW, 4150)),
  ft(KW, 4150, 1, '.....', 237, 'workqueue_execute_start', XS('000000006c12a01f')),
  ft(KW, 4150, 1, '.....', 241, 'iomap_dio_complete', DONE('0xf71000')),
  ft(KW, 4150, 1, '.....', 244, 'workqueue_execute_end', XS('000000006c12a01f')),
  ft(KW, 4150, 1, 'd..2.', 248, 'sched_switch', SW(KW, 4150, 'I', 'fio', 7888)),
];

describe('one deferred DIO write', () => {
  it('rebuilds every stage with its exact time and classifies it kworker-deferred', async () => {
    const { a, paths } = await run(deferredOne);
    expect(a.unit).toBe('dio');
    expect(a.ios.byMode).toEqual({ 'irq-inline': 0, 'kworker-deferred': 1, 'task-inline': 0, unresolved: 0 });
    const p = paths[0] as IoPath;
    expect(p.submit?.ts).toBe(100_000);
    expect(p.issue?.ts).toBe(103_000);
    expect(p.deviceComplete).toMatchObject({ ts: 209_000, cpu: 1, ctx: 'softirq' });
    expect(p.queueWork?.ts).toBe(213_000);
    expect(p.activate?.ts).toBe(214_000);
    expect(p.kworkerWaking?.ts).toBe(216_000);
    expect(p.kworkerWakeup?.ts).toBe(223_000);
    expect(p.kworkerSwitchIn?.ts).toBe(232_000);
    expect(p.executeStart).toMatchObject({ ts: 237_000, pid: 4150, comm: KW });
    expect(p.completion).toMatchObject({ ts: 241_000, ctx: 'task', pid: 4150 });
    expect(p.executeEnd?.ts).toBe(244_000);
    expect(p.work).toBe('000000006c12a01f');
    expect(a.latencyUs.total?.max).toBeCloseTo(141, 0);
    expect(a.latencyUs.deferralWait?.max).toBeCloseTo(24, 0);
    // fio was runnable (R) when switched out for the kworker: one preemption, two switches.
    // (The window ends when the I/O is done, at execute_end: the switch back to fio is after it.)
    expect(a.cpus.find((c) => c.cpu === 1)).toMatchObject({ submitterPreemptionsByKworker: 1, contextSwitches: 1 });
    expect(a.perIo.submitterPreemptions).toBe(1);
  });

  it('attributes CPU time: hardirq, softirq, DIO work inside the kworker run', async () => {
    const { a } = await run(deferredOne);
    const c1 = a.cpus.find((c) => c.cpu === 1);
    expect(c1?.hardirqUs).toBeCloseTo(4, 3);
    expect(c1?.softirqUs).toBeCloseTo(23, 3);
    // execute_start 237 → execute_end 244, where the I/O (and the window) ends.
    expect(c1?.dioWorkUs).toBeCloseTo(7, 3);
    expect(c1?.kworkerUs).toBeCloseTo(12, 3); // switched in at 232
    expect(c1?.submitterUs).toBeCloseTo(100 + 2 + 3, 3); // 100→200, 204→206, 229→232: the irq time is not its
    expect(a.window).toEqual({ startNs: 100_000, endNs: 244_000 });
  });

  it('without iomap events, infers the same mode from block + workqueue events (request unit)', async () => {
    const { a, paths } = await run(deferredOne.filter((l) => !l.includes(': iomap_')));
    expect(a.unit).toBe('request');
    expect(a.ios.byMode['kworker-deferred']).toBe(1);
    expect(paths[0]?.evidence).toBe('inferred');
    expect(paths[0]?.completion?.ts).toBe(244_000); // bounded by execute_end
    expect(a.limitations.join(' ')).toContain('No iomap_dio_rw_begin');
  });
});

describe('batching and pointer reuse', () => {
  // Two DIOs complete in one softirq; the kworker is preempted mid-item by the next interrupt,
  // which queues the reused pointer before the first item's execute_end.
  const lines = [
    ft('fio', 7888, 1, '.....', 100, 'iomap_dio_rw_begin', BEGIN('0x1000')),
    ft('fio', 7888, 1, '.....', 101, 'block_rq_issue', ISSUE(8)),
    ft('fio', 7888, 1, '.....', 102, 'iomap_dio_rw_queued', 'dev 254:0 ino 0x20c089 size 0x10000000 offset 0x2000 length 0x0'),
    ft('fio', 7888, 1, '.....', 103, 'iomap_dio_rw_begin', BEGIN('0x5000')),
    ft('fio', 7888, 1, '.....', 104, 'block_rq_issue', ISSUE(40)),
    ft('fio', 7888, 1, '.....', 105, 'iomap_dio_rw_queued', 'dev 254:0 ino 0x20c089 size 0x10000000 offset 0x6000 length 0x0'),
    ft('fio', 7888, 1, '.....', 106, 'iomap_dio_rw_begin', BEGIN('0x9000')),
    ft('fio', 7888, 1, '.....', 107, 'block_rq_issue', ISSUE(72)),
    ft('fio', 7888, 1, '.....', 108, 'iomap_dio_rw_queued', 'dev 254:0 ino 0x20c089 size 0x10000000 offset 0xa000 length 0x0'),
    ft('fio', 7888, 1, '..s..', 200, 'softirq_entry', 'vec=4 [action=BLOCK]'),
    ft('fio', 7888, 1, '..s..', 201, 'block_rq_complete', COMPLETE(8)),
    ft('fio', 7888, 1, 'd.s1.', 202, 'workqueue_queue_work', QW('00000000aaaa0001')),
    ft('fio', 7888, 1, '..s..', 203, 'block_rq_complete', COMPLETE(40)),
    ft('fio', 7888, 1, 'd.s1.', 204, 'workqueue_queue_work', QW('00000000bbbb0002')),
    ft('fio', 7888, 1, '..s..', 205, 'softirq_exit', 'vec=4 [action=BLOCK]'),
    ft('fio', 7888, 1, 'd..2.', 206, 'sched_switch', SW('fio', 7888, 'R+', KW, 4150)),
    ft(KW, 4150, 1, '.....', 210, 'workqueue_execute_start', XS('00000000aaaa0001')),
    ft(KW, 4150, 1, '.....', 211, 'iomap_dio_complete', DONE('0x2000')),
    // An interrupt inside the first item: the third DIO completes and its work reuses pointer aaaa0001.
    ft(KW, 4150, 1, '..s..', 212, 'softirq_entry', 'vec=4 [action=BLOCK]'),
    ft(KW, 4150, 1, '..s..', 213, 'block_rq_complete', COMPLETE(72)),
    ft(KW, 4150, 1, 'd.s1.', 214, 'workqueue_queue_work', QW('00000000aaaa0001')),
    ft(KW, 4150, 1, '..s..', 215, 'softirq_exit', 'vec=4 [action=BLOCK]'),
    ft(KW, 4150, 1, '.....', 216, 'workqueue_execute_end', XS('00000000aaaa0001')),
    ft(KW, 4150, 1, '.....', 220, 'workqueue_execute_start', XS('00000000bbbb0002')),
    ft(KW, 4150, 1, '.....', 221, 'iomap_dio_complete', DONE('0x6000')),
    ft(KW, 4150, 1, '.....', 222, 'workqueue_execute_end', XS('00000000bbbb0002')),
    ft(KW, 4150, 1, '.....', 230, 'workqueue_execute_start', XS('00000000aaaa0001')),
    ft(KW, 4150, 1, '.....', 231, 'iomap_dio_complete', DONE('0xa000')),
    ft(KW, 4150, 1, '.....', 232, 'workqueue_execute_end', XS('00000000aaaa0001')),
    ft(KW, 4150, 1, 'd..2.', 240, 'sched_switch', SW(KW, 4150, 'I', 'fio', 7888)),
  ];

  it('gives each I/O its own path: own request, own queue_work generation, own execute_start', async () => {
    const { a, paths } = await run(lines);
    expect(a.ios.byMode['kworker-deferred']).toBe(3);
    expect(paths.map((p) => [p.offset, p.sector, p.queueWork?.ts, p.executeStart?.ts, p.executeEnd?.ts])).toEqual([
      [0x1000, 8, 202_000, 210_000, 216_000],
      [0x5000, 40, 204_000, 220_000, 222_000],
      [0x9000, 72, 214_000, 230_000, 232_000],
    ]);
    expect(paths.map((p) => p.deviceComplete?.ts)).toEqual([201_000, 203_000, 213_000]);
    // One switch-in served all three items: the one after the first two were queued.
    expect(paths.map((p) => p.kworkerSwitchIn?.ts)).toEqual([206_000, 206_000, undefined]);
    expect(a.kworkers).toEqual([{ pid: 4150, comm: KW, cpu: 1, items: 3 }]);
  });

  it('request unit follows the same pairing by order, not by a pointer dictionary', async () => {
    const { a, paths } = await run(lines.filter((l) => !l.includes(': iomap_')));
    expect(a.ios.byMode['kworker-deferred']).toBe(3);
    expect(paths.map((p) => [p.sector, p.queueWork?.ts, p.executeEnd?.ts])).toEqual([
      [8, 202_000, 216_000],
      [40, 204_000, 222_000],
      [72, 214_000, 232_000],
    ]);
  });
});

describe('inline and task completions', () => {
  it('a read completed inline in the block softirq is irq-inline/softirq', async () => {
    const R = 'DIRECT|AIO_RW';
    const { a, paths } = await run([
      ft('fio', 3952, 1, '.....', 100, 'iomap_dio_rw_begin', BEGIN('0xf70000', 1, R)),
      ft('fio', 3952, 1, '.....', 103, 'block_rq_issue', ISSUE(46699392, 'RS')),
      ft('fio', 3952, 1, '.....', 105, 'iomap_dio_rw_queued', 'dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf71000 length 0x0'),
      ft('<idle>', 0, 1, 'd.h1.', 200, 'irq_handler_entry', 'irq=36 name=virtio1-req.0'),
      ft('<idle>', 0, 1, 'd.h1.', 202, 'irq_handler_exit', 'irq=36 ret=handled'),
      ft('<idle>', 0, 1, '..s1.', 203, 'softirq_entry', 'vec=4 [action=BLOCK]'),
      ft('<idle>', 0, 1, '..s1.', 204, 'block_rq_complete', COMPLETE(46699392, 'RS')),
      ft('<idle>', 0, 1, '..s1.', 206, 'iomap_dio_complete', DONE('0xf71000', R)),
      ft('<idle>', 0, 1, '..s1.', 208, 'softirq_exit', 'vec=4 [action=BLOCK]'),
    ]);
    expect(a.ios.byMode['irq-inline']).toBe(1);
    expect(a.ios.irqContext).toEqual({ hardirq: 0, softirq: 1 });
    expect(paths[0]?.dir).toBe('R');
    expect(paths[0]?.completion?.ts).toBe(206_000);
  });

  it('a DIO completed by its submitter (device done before submission returned) is task-inline/submitter', async () => {
    const { a } = await run([
      ft('fio', 7888, 1, '.....', 100, 'iomap_dio_rw_begin', BEGIN('0x9e98000')),
      ft('fio', 7888, 1, '.....', 103, 'block_rq_issue', ISSUE(47019200)),
      ft('fio', 7888, 1, 'dNh..', 160, 'irq_handler_entry', 'irq=36 name=virtio1-req.0'),
      ft('fio', 7888, 1, 'dNh..', 161, 'irq_handler_exit', 'irq=36 ret=handled'),
      ft('fio', 7888, 1, '.Ns..', 161, 'softirq_entry', 'vec=4 [action=BLOCK]'),
      ft('fio', 7888, 1, '.Ns..', 162, 'block_rq_complete', COMPLETE(47019200)),
      ft('fio', 7888, 1, '.Ns..', 163, 'softirq_exit', 'vec=4 [action=BLOCK]'),
      ft('fio', 7888, 1, '.N...', 164, 'iomap_dio_complete', DONE('0x9e99000')),
    ]);
    expect(a.ios.byMode['task-inline']).toBe(1);
    expect(a.ios.taskInline.submitter).toBe(1);
  });
});

describe('what the trace cannot show', () => {
  it('an I/O whose path crosses lost events is unresolved (lost_events), never a wrong mode', async () => {
    const lost = [...deferredOne.slice(0, 9), 'CPU:1 [LOST 42 EVENTS]', ...deferredOne.slice(9)];
    const { a } = await run(lost);
    expect(a.ios.byMode).toEqual({ 'irq-inline': 0, 'kworker-deferred': 0, 'task-inline': 0, unresolved: 1 });
    expect(a.ios.unresolvedReasons).toEqual({ lost_events: 1 });
    expect(a.input.diagnostics.lost_events).toBe(1);
    expect(a.latencyUs.total).toBeUndefined();
  });

  it('a block completion dropped without a marker is reported as data loss, the mode still read off the completion', async () => {
    // The trace carries block_rq_complete (a request's completion before the DIO): only this one was dropped.
    const earlier = ft('<idle>', 0, 1, '..s1.', 50, 'block_rq_complete', COMPLETE(46600000));
    const { a } = await run([earlier, ...deferredOne.filter((l) => !l.includes('block_rq_complete'))]);
    expect(a.ios.byMode['kworker-deferred']).toBe(1);
    expect(a.dataLoss).toMatchObject({ suspected: true, missingDeviceCompletions: 1 });
    expect(a.input.diagnostics.missing_completion).toBe(1);
    expect(a.latencyUs.device).toBeUndefined();
    expect(a.explanation).toMatch(/^Events are missing from this trace/);
  });

  it('I/Os that never complete while the trace goes on are vanished (lost_events), with their CPU and window', async () => {
    // The first DIO completes (the trace carries iomap_dio_complete); a second one, begun at 300 µs, never does.
    const second = [
      ft('fio', 7888, 1, '.....', 300, 'iomap_dio_rw_begin', BEGIN('0xf80000')),
      ft('fio', 7888, 1, '.....', 303, 'block_rq_issue', ISSUE(46699400)),
      ft('fio', 7888, 1, '.....', 310, 'iomap_dio_rw_queued', 'dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf81000 length 0x0'),
    ];
    const tail = ft('fio', 7888, 1, '.....', 900_000, 'sched_waking', 'comm=fio pid=7888 prio=120 target_cpu=001');
    const { a } = await run([...deferredOne, ...second, tail]);
    expect(a.ios.unresolvedReasons).toEqual({ lost_events: 1 });
    expect(a.dataLoss.vanishedIos).toBe(1);
    expect(a.dataLoss.vanishedByCpu).toEqual([{ cpu: 1, ios: 1, firstNs: 300_000, lastNs: 300_000 }]);
  });

  it('a trace that begins or ends mid-I/O counts those I/Os as unresolved with the reason', async () => {
    const { a } = await run([...deferredOne.slice(3), ...deferredOne.slice(0, 3).map((l) => l.replace(/ 10[03]\.000000:| 110\.000000:/, ' 300.000000:'))]);
    expect(a.ios.unresolvedReasons).toEqual({ trace_start: 1, trace_end: 1 });
    expect(a.input.diagnostics.unmatched_complete).toBeGreaterThanOrEqual(1);
  });

  it('trace-cmd output without flags: the context comes from irq/softirq entry and exit', async () => {
    const tcmd = deferredOne.map((l) => l.replace(/ \[001\] [.dNhHs0-9]{5} /, ' [001] '));
    const { a, paths } = await run(['cpus=2', ...tcmd]);
    expect(a.input.format).toBe('trace-cmd'); // from the cpus=N header
    expect(paths[0]?.deviceComplete?.ctx).toBe('softirq');
    expect(a.ios.byMode['kworker-deferred']).toBe(1);
    expect(a.cpus.find((c) => c.cpu === 1)?.softirqUs).toBeCloseTo(23, 3);
  });
});
