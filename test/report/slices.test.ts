import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/model/events.js';
import type { IoPath } from '../../src/model/io.js';
import { createSliceBuilder, type CpuSlice } from '../../src/report/slices.js';
import { createCompletionLog, readSlices } from '../../src/report/timeline.js';
import { ft, textSource } from '../helpers/paths.js';

/** The per-CPU slices behind the timeline and the Perfetto export, and the bounded I/O log. */

const H = { line: 0, cpu: 1, pid: 0, comm: '' };

function build(events: Partial<TraceEvent>[], end: number): CpuSlice[] {
  const out: CpuSlice[] = [];
  const b = createSliceBuilder((s) => out.push(s));
  events.forEach((e, i) => b.handle({ ...H, line: i + 1, ...e } as TraceEvent));
  b.finish(end);
  return out.sort((x, y) => x.startNs - y.startNs || y.endNs - x.endNs);
}

describe('slice builder', () => {
  it('nests irq, softirq and work slices inside the task running on the CPU', () => {
    const s = build(
      [
        { kind: 'sched_switch', ts: 100, pid: 0, comm: 'swapper/1', prevComm: 'swapper/1', prevPid: 0, nextComm: 'kworker/1:2', nextPid: 41 } as Partial<TraceEvent>,
        { kind: 'workqueue_execute_start', ts: 110, pid: 41, comm: 'kworker/1:2', work: 'w', function: 'iomap_dio_complete_work' } as Partial<TraceEvent>,
        { kind: 'irq_handler_entry', ts: 120, pid: 41, irq: 36, name: 'virtio1-req.0' } as Partial<TraceEvent>,
        { kind: 'irq_handler_exit', ts: 125, pid: 41, irq: 36 } as Partial<TraceEvent>,
        { kind: 'softirq_entry', ts: 125, pid: 41, vec: 4, action: 'BLOCK' } as Partial<TraceEvent>,
        { kind: 'softirq_exit', ts: 140, pid: 41, vec: 4, action: 'BLOCK' } as Partial<TraceEvent>,
        { kind: 'workqueue_execute_end', ts: 150, pid: 41, work: 'w' } as Partial<TraceEvent>,
        { kind: 'sched_switch', ts: 160, pid: 41, prevComm: 'kworker/1:2', prevPid: 41, nextComm: 'fio', nextPid: 7 } as Partial<TraceEvent>,
      ],
      200,
    );
    expect(s.map((x) => [x.kind, x.name, x.startNs, x.endNs])).toEqual([
      ['task', 'kworker/1:2', 100, 160],
      ['work', 'iomap_dio_complete_work', 110, 150],
      ['hardirq', 'virtio1-req.0', 120, 125],
      ['softirq', 'BLOCK', 125, 140],
      ['task', 'fio', 160, 200],
    ]);
  });

  it('cuts a work item whose kworker sleeps into one piece per stretch on a CPU', () => {
    const s = build(
      [
        { kind: 'sched_switch', ts: 100, prevComm: 'x', prevPid: 9, nextComm: 'kworker/1:2', nextPid: 41 } as Partial<TraceEvent>,
        { kind: 'workqueue_execute_start', ts: 110, pid: 41, work: 'w', function: 'f' } as Partial<TraceEvent>,
        { kind: 'sched_switch', ts: 130, pid: 41, prevComm: 'kworker/1:2', prevPid: 41, nextComm: 'x', nextPid: 9 } as Partial<TraceEvent>,
        { kind: 'sched_switch', ts: 170, cpu: 0, prevComm: 'y', prevPid: 8, nextComm: 'kworker/1:2', nextPid: 41 } as Partial<TraceEvent>,
        { kind: 'workqueue_execute_end', ts: 180, cpu: 0, pid: 41, work: 'w' } as Partial<TraceEvent>,
      ],
      200,
    );
    const work = s.filter((x) => x.kind === 'work').map((x) => [x.cpu, x.startNs, x.endNs]);
    expect(work).toEqual([
      [1, 110, 130],
      [0, 170, 180],
    ]);
  });

  it('drops open slices at a lost-events marker instead of drawing ones that may be wrong', () => {
    const s = build(
      [
        { kind: 'softirq_entry', ts: 100, pid: 5, comm: 'a', vec: 4, action: 'BLOCK' } as Partial<TraceEvent>,
        { kind: 'lost', ts: 110, cpu: 1, count: 5, pid: -1 } as Partial<TraceEvent>,
        { kind: 'softirq_exit', ts: 120, pid: 5, vec: 4, action: 'BLOCK' } as Partial<TraceEvent>,
      ],
      200,
    );
    expect(s.filter((x) => x.kind === 'softirq')).toEqual([]);
  });

  it('ends an interrupt whose exit was never traced at the last event seen inside it', () => {
    // No flags (perf script): the softirq's exit is missing, and an event of another pid proves it.
    const s = build(
      [
        { kind: 'sched_switch', ts: 100, pid: 0, prevComm: 'swapper/1', prevPid: 0, nextComm: 'fio', nextPid: 7 } as Partial<TraceEvent>,
        { kind: 'softirq_entry', ts: 110, pid: 7, comm: 'fio', vec: 4, action: 'BLOCK' } as Partial<TraceEvent>,
        { kind: 'block_rq_complete', ts: 115, pid: 7, comm: 'fio' } as Partial<TraceEvent>,
        { kind: 'sched_waking', ts: 130, pid: 41, comm: 'kworker/1:2' } as Partial<TraceEvent>,
      ],
      200,
    );
    expect(s.filter((x) => x.kind === 'softirq').map((x) => [x.startNs, x.endNs])).toEqual([[110, 115]]);
  });

  it('takes the flags column over the brackets: flags that say task close what is open', () => {
    const s = build(
      [
        { kind: 'irq_handler_entry', ts: 100, pid: 7, comm: 'fio', ctx: 'hardirq', irq: 36, name: 'virtio1-req.0' } as Partial<TraceEvent>,
        { kind: 'block_rq_complete', ts: 104, pid: 7, comm: 'fio', ctx: 'hardirq' } as Partial<TraceEvent>,
        { kind: 'sched_waking', ts: 120, pid: 7, comm: 'fio', ctx: 'task' } as Partial<TraceEvent>,
        { kind: 'irq_handler_exit', ts: 150, pid: 7, comm: 'fio', ctx: 'hardirq', irq: 36 } as Partial<TraceEvent>,
      ],
      200,
    );
    // The exit at 150 finds nothing open (the entry was closed at 104): it draws nothing more.
    expect(s.filter((x) => x.kind === 'hardirq').map((x) => [x.startNs, x.endNs])).toEqual([[100, 104]]);
  });

  it('closes what an exit leaves open above its own entry at that exit', () => {
    const s = build(
      [
        { kind: 'softirq_entry', ts: 100, pid: 7, comm: 'fio', vec: 4, action: 'BLOCK' } as Partial<TraceEvent>,
        { kind: 'irq_handler_entry', ts: 110, pid: 7, comm: 'fio', irq: 36, name: 'virtio1-req.0' } as Partial<TraceEvent>,
        { kind: 'softirq_exit', ts: 130, pid: 7, comm: 'fio', vec: 4, action: 'BLOCK' } as Partial<TraceEvent>,
      ],
      200,
    );
    expect(s.filter((x) => x.kind !== 'task').map((x) => [x.kind, x.startNs, x.endNs])).toEqual([
      ['softirq', 100, 130],
      ['hardirq', 110, 130],
    ]);
  });

  it('reads slices of a text trace, clipped to a window', async () => {
    const T = 1000e6; // µs: the trace's clock reads 1000 s
    const text = [
      ft('fio', 7, 1, '.....', T, 'sched_switch', 'prev_comm=fio prev_pid=7 prev_prio=120 prev_state=R ==> next_comm=kworker/1:2 next_pid=41 next_prio=120'),
      ft('kworker/1:2', 41, 1, 'd.h..', T + 10, 'irq_handler_entry', 'irq=36 name=virtio1-req.0'),
      ft('kworker/1:2', 41, 1, 'd.h..', T + 20, 'irq_handler_exit', 'irq=36 ret=handled'),
      ft('kworker/1:2', 41, 1, '.....', T + 30, 'sched_switch', 'prev_comm=kworker/1:2 prev_pid=41 prev_prio=120 prev_state=I ==> next_comm=fio next_pid=7 next_prio=120'),
      ft('fio', 7, 1, '.....', T + 40, 'sched_switch', 'prev_comm=fio prev_pid=7 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120'),
    ].join('\n');
    const ns = (us: number): number => (T + us) * 1000;
    const { slices } = await readSlices(textSource(text), { window: { startNs: ns(15), endNs: ns(35) } });
    expect(slices.map((s) => [s.kind, s.name, s.startNs, s.endNs]).sort()).toEqual([
      ['hardirq', 'virtio1-req.0', ns(15), ns(20)],
      ['task', 'fio', ns(30), ns(35)],
      ['task', 'kworker/1:2', ns(15), ns(30)],
    ]);
  });
});

describe('completion log', () => {
  const path = (id: number): IoPath =>
    ({ id, unit: 'dio', dir: 'W', bytes: 4096, mode: 'kworker-deferred', evidence: 'iomap_dio_complete', submit: { ts: id * 100, cpu: 1, line: 1 }, completion: { ts: id * 100 + 50, cpu: 1, line: 2, ctx: 'task', pid: 41, comm: 'k' } }) as IoPath;

  it('finds the I/Os with a stage in a window', () => {
    const log = createCompletionLog();
    for (let i = 0; i < 100; i++) log.onPath(path(i));
    expect(log.within(1000, 1200).map((m) => m.id)).toEqual([10, 11, 12]);
    expect(log.stride).toBe(1);
  });

  it('thins itself past its cap, keeping memory bounded and the sample even', () => {
    const log = createCompletionLog(64);
    for (let i = 0; i < 1000; i++) log.onPath(path(i));
    expect(log.stride).toBe(16);
    const ids = log.within(0, 1e9).map((m) => m.id);
    expect(ids.length).toBeLessThanOrEqual(64);
    expect(ids.every((id) => id % 16 === 0)).toBe(true);
  });
});
