import type { EventContext } from '../../kernel/cpu-context.js';
import { eventName, type TraceEvent } from '../../model/events.js';
import { cpuOf, type AnalyzerContext } from '../context.js';
import { charge } from './cpu-time.js';

/**
 * The context each event ran in, from the one per-CPU tracker (kernel/cpu-context.ts: flags, then
 * irq/softirq brackets, repaired where an exit went missing). An interrupt's entry or exit changes
 * who owns the CPU, so the time up to it is charged to the owner before the tracker moves on.
 */
export function handleCpuContext(ctx: AnalyzerContext, e: TraceEvent): EventContext {
  return handleCpuContextKnown(ctx, e, e.kind, eventName(e), e.cpu, e.ts);
}

/** handleCpuContext with the fields every event has read by the caller (kernel/cpu-context.ts stepKnown says why). */
export function handleCpuContextKnown(ctx: AnalyzerContext, e: TraceEvent, kind: TraceEvent['kind'], name: string, cpu: number, ts: number): EventContext {
  if (kind === 'irq_handler_entry' || kind === 'irq_handler_exit' || kind === 'softirq_entry' || kind === 'softirq_exit') charge(ctx, cpuOf(ctx, cpu), ts);
  return ctx.contexts.handleKnown(e, kind, name, cpu);
}
