import type { EventContext } from '../../kernel/cpu-context.js';
import type { TraceEvent } from '../../model/events.js';
import { cpuOf, type AnalyzerContext } from '../context.js';
import { charge } from './cpu-time.js';

/**
 * The context each event ran in, from the one per-CPU tracker (kernel/cpu-context.ts: flags, then
 * irq/softirq brackets, repaired where an exit went missing). An interrupt's entry or exit changes
 * who owns the CPU, so the time up to it is charged to the owner before the tracker moves on.
 */
export function handleCpuContext(ctx: AnalyzerContext, e: TraceEvent): EventContext {
  if (e.kind === 'irq_handler_entry' || e.kind === 'irq_handler_exit' || e.kind === 'softirq_entry' || e.kind === 'softirq_exit') charge(ctx, cpuOf(ctx, e.cpu), e.ts);
  return ctx.contexts.handle(e);
}
