import { describe, expect, it } from 'vitest';
import { createContextTracker, newCpuContext, type ContextRepair, type CpuContext, type EventContext } from '../../src/kernel/cpu-context.js';
import { eventName, type TraceEvent } from '../../src/model/events.js';

/**
 * The one per-CPU execution-context tracker the analyzer, calibration and the report's timeline
 * share: nesting, the repair of a stack whose exit was never traced, and the flags column against
 * the irq/softirq brackets.
 */

type Ev = Partial<TraceEvent> & { kind: TraceEvent['kind'] };
const H = { line: 0, cpu: 1, pid: 7, comm: 'fio', ts: 0 };

/**
 * Runs the events through `handle`, and through `handleKnown` (the analyzer's entry, given the
 * kind, name and CPU it read itself) on a second tracker, which must agree at every step.
 */
function run(events: Ev[]): { ctxs: EventContext[]; repairs: ContextRepair[]; stack: () => string[]; cpu: (n: number) => CpuContext } {
  const repairs: ContextRepair[] = [];
  const known: ContextRepair[] = [];
  const t = createContextTracker(newCpuContext, (r) => repairs.push(r));
  const k = createContextTracker(newCpuContext, (r) => known.push(r));
  const ctxs = events.map((x, i) => {
    const e = { ...H, line: i + 1, ts: i * 10, ...x } as TraceEvent;
    const got = t.handle(e);
    expect(k.handleKnown(e, e.kind, eventName(e), e.cpu)).toBe(got);
    return got;
  });
  expect(known).toEqual(repairs);
  for (const c of t.cpus) if (c) expect(k.cpu(c.cpu)).toEqual(c);
  return { ctxs, repairs, stack: () => [...t.cpu(1).stack], cpu: (n) => t.cpu(n) };
}

const irqIn: Ev = { kind: 'irq_handler_entry', irq: 36, name: 'virtio1-req.0' } as Ev;
const irqOut: Ev = { kind: 'irq_handler_exit', irq: 36, ret: 'handled' } as Ev;
const softIn: Ev = { kind: 'softirq_entry', vec: 4, action: 'BLOCK' } as Ev;
const softOut: Ev = { kind: 'softirq_exit', vec: 4, action: 'BLOCK' } as Ev;
const complete: Ev = { kind: 'block_rq_complete' } as Ev;

describe('nesting from brackets (no flags column)', () => {
  it('gives each event the innermost open context, and task once everything exited', () => {
    const { ctxs, repairs } = run([softIn, complete, irqIn, complete, irqOut, complete, softOut, complete]);
    expect(ctxs).toEqual(['softirq', 'softirq', 'hardirq', 'hardirq', 'hardirq', 'softirq', 'softirq', 'task']);
    expect(repairs).toEqual([]);
  });

  it('says unknown with nothing open until the trace shows it records interrupts at all', () => {
    const { ctxs } = run([complete, { kind: 'sched_waking' } as Ev, irqIn, irqOut, complete]);
    expect(ctxs).toEqual(['unknown', 'unknown', 'hardirq', 'hardirq', 'task']);
  });

  it('counts an unparsed irq_handler_entry line as showing that interrupts are traced', () => {
    const { ctxs } = run([{ kind: 'other', name: 'irq_handler_entry', args: 'irq=x' } as Ev, complete]);
    expect(ctxs[1]).toBe('task');
  });

  it('pops an exit up to its own entry, closing what was left open above it', () => {
    const r = run([softIn, irqIn, softOut]);
    expect(r.stack()).toEqual([]);
    const r2 = run([irqIn, softIn, softOut, complete]);
    expect(r2.stack()).toEqual(['hardirq']);
    expect(r2.ctxs[3]).toBe('hardirq');
  });

  it('leaves the stack alone at an exit with no entry (the trace began inside the handler)', () => {
    const { ctxs, stack } = run([softIn, irqOut, complete]);
    expect(stack()).toEqual(['softirq']);
    expect(ctxs).toEqual(['softirq', 'hardirq', 'softirq']);
  });

  it('keeps CPUs apart', () => {
    const { ctxs } = run([softIn, { ...complete, cpu: 0, pid: 9 } as Ev, complete]);
    expect(ctxs).toEqual(['softirq', 'task', 'softirq']);
  });
});

describe('a missing exit is repaired', () => {
  it('when an event of another pid runs on the CPU (an interrupt switches no task)', () => {
    const { ctxs, repairs, stack } = run([softIn, complete, { kind: 'sched_waking', pid: 41, comm: 'kworker/1:2' } as Ev]);
    expect(ctxs[2]).toBe('task');
    expect(stack()).toEqual([]);
    expect(repairs).toHaveLength(1);
    expect(repairs[0]).toMatchObject({ cpu: 1, open: ['softirq'], byFlags: false });
    expect(repairs[0]?.event.line).toBe(3);
  });

  it('when an event that only happens in task context appears, even of the same pid', () => {
    for (const kind of ['sched_switch', 'workqueue_execute_start', 'workqueue_execute_end', 'iomap_dio_rw_begin', 'iomap_dio_rw_queued'] as const) {
      const { ctxs, repairs } = run([irqIn, { kind } as Ev]);
      expect(ctxs[1], kind).toBe('task');
      expect(repairs.map((r) => r.open), kind).toEqual([['hardirq']]);
    }
  });

  it('when a task-only event arrives unparsed (by its name)', () => {
    const { ctxs, repairs } = run([irqIn, { kind: 'other', name: 'iomap_dio_rw_begin', args: '' } as Ev]);
    expect(ctxs[1]).toBe('task');
    expect(repairs).toHaveLength(1);
  });

  it('not while the same task keeps producing interrupt-context events', () => {
    const { ctxs, repairs } = run([irqIn, complete, { kind: 'sched_waking' } as Ev, { kind: 'workqueue_queue_work' } as Ev]);
    expect(ctxs).toEqual(['hardirq', 'hardirq', 'hardirq', 'hardirq']);
    expect(repairs).toEqual([]);
  });

  it('at a lost-events marker: its CPU, or every CPU when it names none', () => {
    const one = run([softIn, { ...softIn, cpu: 0 } as Ev, { kind: 'lost', cpu: 1, pid: -1, count: 3 } as Ev]);
    expect(one.stack()).toEqual([]);
    expect(one.cpu(0).stack).toEqual(['softirq']);
    expect(one.ctxs[2]).toBe('unknown');
    const all = run([softIn, { ...softIn, cpu: 0 } as Ev, { kind: 'lost', cpu: -1, pid: -1, count: -1 } as Ev]);
    expect(all.stack()).toEqual([]);
    expect(all.cpu(0).stack).toEqual([]);
    expect(one.repairs).toEqual([]); // a marker is not a repair: the tracer said so itself
  });
});

describe('the flags column against the brackets', () => {
  it('takes the flags for the event itself, whatever the brackets say', () => {
    const { ctxs } = run([softIn, { ...complete, ctx: 'hardirq' } as Ev, { ...complete, ctx: 'softirq' } as Ev]);
    expect(ctxs).toEqual(['softirq', 'hardirq', 'softirq']);
  });

  it('gives an interrupt context where no bracket was traced (the timer interrupt has none)', () => {
    const { ctxs, stack } = run([irqIn, irqOut, { kind: 'sched_waking', ctx: 'hardirq' } as Ev]);
    expect(ctxs[2]).toBe('hardirq');
    expect(stack()).toEqual([]);
  });

  it('empties the stack when flags say task while a bracket is open, as a repair by flags', () => {
    const { ctxs, repairs, stack } = run([irqIn, { kind: 'sched_waking', ctx: 'task' } as Ev, complete]);
    expect(ctxs).toEqual(['hardirq', 'task', 'task']);
    expect(stack()).toEqual([]);
    expect(repairs).toMatchObject([{ open: ['hardirq'], byFlags: true }]);
  });

  it('uses the flags of an entry or exit for that event and the bracket for the stack', () => {
    const { ctxs, stack } = run([{ ...softIn, ctx: 'softirq' } as Ev, { ...irqIn, ctx: 'hardirq' } as Ev, { ...irqOut, ctx: 'hardirq' } as Ev]);
    expect(ctxs).toEqual(['softirq', 'hardirq', 'hardirq']);
    expect(stack()).toEqual(['softirq']);
  });
});

describe('invocations', () => {
  it('gives a nested interrupt its own number and restores the outer one at its exit', () => {
    const t = createContextTracker(newCpuContext);
    const inv: number[] = [];
    for (const [i, e] of [softIn, complete, irqIn, complete, irqOut, complete, softOut, complete].entries()) {
      t.handle({ ...H, ts: i, ...e } as TraceEvent);
      inv.push(t.cpu(1).invocation);
    }
    const [soft, , hard, , back, , task] = inv;
    expect(hard).not.toBe(soft);
    expect(back).toBe(soft);
    expect(inv[1]).toBe(soft);
    expect(task).not.toBe(soft);
    expect(task).not.toBe(hard);
  });
});
