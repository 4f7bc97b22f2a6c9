import { eventName, type ExecContext, type TraceEvent } from '../model/events.js';

/**
 * The one per-CPU execution-context tracker: which interrupt contexts (hardirq, softirq) are open
 * on each CPU, nested, and therefore in which context each event ran. The analyzer, the
 * calibration walk and the report's timeline all read contexts from here, so one trace gives one
 * answer to "what ran in hardirq".
 *
 * Rules, in order of authority:
 * 1. The latency-flags column, where the format prints it (`d.h1.` hardirq, `..s1.` softirq,
 *    `.....` task), says the event's own context. Flags that say task while an interrupt is open
 *    prove its exit was not traced: the stack is emptied (a `byFlags` repair).
 * 2. Without flags (trace-cmd report without -l, perf script), the context is the innermost open
 *    bracket of irq_handler_entry/exit and softirq_entry/exit on the event's CPU. An exit pops up
 *    to and including its own entry (anything opened above it lost its exit); an exit with no entry
 *    (the trace began inside the handler) changes nothing.
 * 3. An interrupt runs on top of one task and switches none: an event of another pid, or one that
 *    only ever happens in task context (TASK_ONLY_EVENTS), proves the open brackets' exits were not
 *    traced (perf drops events without saying so): the stack is emptied (a repair).
 * 4. A lost-events marker empties the stack of its CPU (of every CPU when it names none): whatever
 *    was entered before the gap may have been left inside it.
 * 5. With nothing open, an event ran in a task if the trace records interrupts at all (an
 *    irq_handler_entry or softirq_entry was seen, on any CPU); otherwise its context is unknown.
 *
 * Events the reader did not parse (`kind: 'other'`) follow the same rules by their name.
 *
 * The stacks also bound "invocations": events with the same invocation number ran in one run of
 * one handler (or one task run between switches). A nested interrupt gets its own number and the
 * outer one's is restored when it exits, so a block completion and the queue_work it causes stay
 * linked across a hardirq that lands between them.
 */

/** The context an event ran in; `unknown` when neither flags nor brackets can tell. */
export type EventContext = ExecContext | 'unknown';

export interface CpuContext {
  readonly cpu: number;
  /** Interrupt contexts entered and not yet left, innermost last. */
  stack: ExecContext[];
  /** The invocation numbers saved by each entry of `stack` (same length). */
  invStack: number[];
  /** The running invocation. */
  invocation: number;
  /** Last invocation number given out on this CPU. */
  invSeq: number;
  /** The task the interrupts on the stack interrupted (pid of the latest entry). */
  stackPid: number;
}

/** An open stack emptied because an event proved its exits were not traced (rules 1 and 3). */
export interface ContextRepair {
  cpu: number;
  /** What was open, outermost first. */
  open: readonly ExecContext[];
  /** The event that proved it. */
  event: TraceEvent;
  /** The flags column said task (rule 1); otherwise a pid change or a task-only event (rule 3). */
  byFlags: boolean;
}

/** Events that only ever happen in task context: seeing one inside an "interrupt" means its exit was missed. */
export const TASK_ONLY_EVENTS: ReadonlySet<string> = new Set(['sched_switch', 'workqueue_execute_start', 'workqueue_execute_end', 'iomap_dio_rw_begin', 'iomap_dio_rw_queued']);

export function newCpuContext(cpu: number): CpuContext {
  return { cpu, stack: [], invStack: [], invocation: 0, invSeq: 0, stackPid: -1 };
}

function enter(c: CpuContext, what: ExecContext, pid: number): void {
  c.stack.push(what);
  c.invStack.push(c.invocation);
  c.stackPid = pid;
  c.invocation = ++c.invSeq;
}

/** Empties the CPU's stack and starts a new invocation. */
export function resetContext(c: CpuContext): void {
  c.stack.length = 0;
  c.invStack.length = 0;
  c.invocation = ++c.invSeq;
}

/** A task starts running on the CPU: with no interrupt open, its events are a new invocation. */
export function newTaskInvocation(c: CpuContext): void {
  if (c.stack.length === 0) c.invocation = ++c.invSeq;
}

/** The innermost open context, or undefined. */
export function innermost(c: CpuContext): ExecContext | undefined {
  return c.stack[c.stack.length - 1];
}

/**
 * Updates `c` (the CPU `e` ran on) for `e` and returns the context `e` ran in. `interruptsTraced`
 * is rule 5's "the trace records interrupts"; a `lost` event resets `c` whatever CPU it names (the
 * tracker below picks the CPUs).
 */
export function stepContext(c: CpuContext, e: TraceEvent, interruptsTraced: boolean, onRepair?: (r: ContextRepair) => void): EventContext {
  return stepKnown(c, e, e.kind, eventName(e), interruptsTraced, onRepair);
}

/**
 * stepContext with the event's kind and name read by the caller: events come in a shape per kind,
 * so each read of a field every event has goes through V8's megamorphic lookup; the analyzer reads
 * them once per event and hands them down (tests/kernel/cpu-context holds both entries to one answer).
 */
export function stepKnown(c: CpuContext, e: TraceEvent, kind: TraceEvent['kind'], name: string, interruptsTraced: boolean, onRepair?: (r: ContextRepair) => void): EventContext {
  switch (kind) {
    case 'irq_handler_entry':
      enter(c, 'hardirq', e.pid);
      return e.ctx ?? 'hardirq';
    case 'softirq_entry':
      enter(c, 'softirq', e.pid);
      return e.ctx ?? 'softirq';
    case 'irq_handler_exit':
    case 'softirq_exit': {
      const want = kind === 'irq_handler_exit' ? 'hardirq' : 'softirq';
      const at = c.stack.lastIndexOf(want);
      if (at >= 0) {
        c.invocation = c.invStack[at] ?? ++c.invSeq;
        c.stack.length = at;
        c.invStack.length = at;
      }
      return e.ctx ?? want;
    }
    case 'lost':
      resetContext(c);
      return 'unknown';
    default: {
      const ectx = e.ctx;
      if (ectx !== undefined) {
        if (ectx === 'task' && c.stack.length > 0) {
          onRepair?.({ cpu: c.cpu, open: c.stack.slice(), event: e, byFlags: true });
          resetContext(c);
        }
        return ectx;
      }
      if (c.stack.length > 0 && (e.pid !== c.stackPid || TASK_ONLY_EVENTS.has(name))) {
        onRepair?.({ cpu: c.cpu, open: c.stack.slice(), event: e, byFlags: false });
        resetContext(c);
      }
      const top = c.stack[c.stack.length - 1];
      if (top !== undefined) return top;
      return interruptsTraced ? 'task' : 'unknown';
    }
  }
}

/** Whether an event of this name shows that the trace records interrupt brackets (rule 5). */
function showsInterrupts(name: string): boolean {
  return name === 'irq_handler_entry' || name === 'softirq_entry';
}

export interface ContextTracker<C extends CpuContext> {
  /** Per-CPU records by CPU number; every CPU below the highest seen has one. */
  readonly cpus: C[];
  /** The record of CPU `n`, made on first use. */
  cpu(n: number): C;
  /** Updates the nesting of `e`'s CPU (of every CPU for a lost marker naming none) and returns `e`'s context. */
  handle(e: TraceEvent): EventContext;
  /** `handle` with the event's kind, name and CPU read by the caller (see stepKnown). */
  handleKnown(e: TraceEvent, kind: TraceEvent['kind'], name: string, cpu: number): EventContext;
  /** An irq_handler_entry or softirq_entry was seen (rule 5). */
  readonly interruptsTraced: boolean;
}

/**
 * A tracker over all CPUs. `make` builds a CPU's record, which may carry the caller's own per-CPU
 * fields beside the context's; `onRepair` hears of every repaired stack.
 */
export function createContextTracker<C extends CpuContext>(make: (cpu: number) => C, onRepair?: (r: ContextRepair) => void): ContextTracker<C> {
  const cpus: C[] = [];
  let traced = false;
  const cpu = (n: number): C => {
    let c = cpus[n];
    if (c === undefined) {
      for (let i = cpus.length; i <= n; i++) if (cpus[i] === undefined) cpus[i] = make(i);
      c = cpus[n] as C;
    }
    return c;
  };
  const handleKnown = (e: TraceEvent, kind: TraceEvent['kind'], name: string, n: number): EventContext => {
    if (!traced && showsInterrupts(name)) traced = true;
    if (kind === 'lost' && n < 0) {
      for (const c of cpus) if (c !== undefined) resetContext(c);
      return 'unknown';
    }
    return stepKnown(cpu(n), e, kind, name, traced, onRepair);
  };
  return {
    cpus,
    cpu,
    handle(e) {
      return handleKnown(e, e.kind, eventName(e), e.cpu);
    },
    handleKnown,
    get interruptsTraced() {
      return traced;
    },
  };
}
