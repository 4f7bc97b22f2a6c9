import type { ExecContext, TraceEvent } from '../../model/events.js';
import { cpuState, type AnalyzerContext } from '../context.js';
import type { CpuState } from '../state.js';
import { charge } from './cpu-time.js';

/**
 * Per-CPU context stacks. The flags column says in which context an event ran (`h`, `s`); trace-cmd
 * report without -l and perf script do not print it, so the context is inferred from
 * irq_handler_entry/exit and softirq_entry/exit on that CPU. The stacks also bound "invocations":
 * a block completion and the queue_work it causes share one.
 *
 * Returns the event's context ('unknown' when neither the flags nor the stack can tell, e.g. at the
 * start of a trace that begins inside an interrupt).
 */
function enter(c: CpuState, what: ExecContext, pid: number): void {
  c.stack.push(what);
  c.invStack.push(c.invocation);
  c.stackPid = pid;
  c.invocation = ++c.invSeq;
}

function reset(c: CpuState): void {
  c.stack.length = 0;
  c.invStack.length = 0;
  c.invocation = ++c.invSeq;
}

/** Events that only ever happen in task context: seeing one inside an "interrupt" means we missed its exit. */
const TASK_ONLY: ReadonlySet<string> = new Set(['sched_switch', 'workqueue_execute_start', 'workqueue_execute_end', 'iomap_dio_rw_begin', 'iomap_dio_rw_queued']);

export function handleCpuContext(ctx: AnalyzerContext, e: TraceEvent): ExecContext | 'unknown' {
  const c = cpuState(ctx, e.cpu);
  switch (e.kind) {
    case 'irq_handler_entry':
      charge(ctx, c, e.ts);
      enter(c, 'hardirq', e.pid);
      return e.ctx ?? 'hardirq';
    case 'softirq_entry':
      charge(ctx, c, e.ts);
      enter(c, 'softirq', e.pid);
      return e.ctx ?? 'softirq';
    case 'irq_handler_exit':
    case 'softirq_exit': {
      charge(ctx, c, e.ts);
      const want = e.kind === 'irq_handler_exit' ? 'hardirq' : 'softirq';
      // Pop up to and including the matching entry; an exit with no entry (trace began inside the
      // handler) leaves the stack as it is.
      const at = c.stack.lastIndexOf(want);
      if (at >= 0) {
        c.invocation = c.invStack[at] ?? ++c.invSeq;
        c.stack.length = at;
        c.invStack.length = at;
      }
      return e.ctx ?? want;
    }
    case 'lost':
      // Whatever was entered before the gap may have been left inside it.
      reset(c);
      return 'unknown';
    default: {
      if (e.ctx !== undefined) {
        // Flags are authoritative; keep the stack honest when it disagrees (missed entry/exit).
        if (e.ctx === 'task' && c.stack.length > 0) reset(c);
        return e.ctx;
      }
      // An interrupt runs on top of one task and switches none: an event of another task, or one
      // that only happens in task context, proves the exit was not traced (perf can drop events
      // without saying so). Repair the stack rather than call a kworker's work "softirq".
      if (c.stack.length > 0 && (e.pid !== c.stackPid || TASK_ONLY.has(e.kind))) {
        ctx.diagnostics.add('context_repaired', e.line, `CPU ${e.cpu}: ${c.stack.join('>')} never exited before a ${e.kind} of ${e.comm}-${e.pid}`);
        reset(c);
      }
      const top = c.stack[c.stack.length - 1];
      if (top !== undefined) return top;
      // An empty stack means "task" only if the trace records interrupts at all.
      return ctx.seen.has('irq_handler_entry') || ctx.seen.has('softirq_entry') ? 'task' : 'unknown';
    }
  }
}
