import { NON_NS_CLOCKS } from '../kernel/trace-clocks.js';
import { setBufferKb } from './buffer-size.js';
import { filteredEvents } from './events.js';
import type { Tracefs } from './tracefs.js';

/**
 * Arming tracefs for a capture: everything is changed through the journaled setters, and only
 * what differs from what iopath needs is touched (options already right are left alone, so they
 * are not "restored" either).
 */

/**
 * Trace options that decide whether the `trace` text is what the parsers read: text (not raw,
 * hex, binary or field) output, the comm-pid/CPU/timestamp prefix, the flags column (an event's
 * context), resolved task names, no stack traces between events, and the `##### CPU N buffer
 * started ####` marker that shows where an overwritten buffer lost its beginning.
 */
export const REQUIRED_OPTIONS: Readonly<Record<string, '0' | '1'>> = {
  raw: '0',
  hex: '0',
  bin: '0',
  fields: '0',
  'latency-format': '0',
  stacktrace: '0',
  userstacktrace: '0',
  'context-info': '1',
  'irq-info': '1',
  'record-cmd': '1',
  annotate: '1',
};

/** Task names are looked up in this cache when the trace is read; too small a cache gives `<...>`. */
const MIN_SAVED_CMDLINES = 1024;

export interface ArmPlan {
  /** `system:event` entries for set_event. */
  events: readonly string[];
  bufferKb: number;
}

/** CPUs with a per_cpu buffer that `tracing_cpumask` (hex, comma-grouped) leaves out. */
export function cpusOutsideMask(mask: string, cpus: readonly number[]): number[] {
  const hex = mask.trim().replace(/,/g, '');
  if (!/^[0-9a-f]+$/i.test(hex)) return [];
  const bits = BigInt(`0x${hex}`);
  return cpus.filter((c) => ((bits >> BigInt(c)) & 1n) === 0n);
}

/** Arms tracefs with tracing off; returns warnings for the user. `startTracing` turns it on. */
export function arm(tfs: Tracefs, plan: ArmPlan): string[] {
  const warnings: string[] = [];
  // First, so that it is restored last, after the buffer was cleared and the events put back.
  tfs.set('tracing_on', '0');
  const tracer = tfs.exists('current_tracer') ? tfs.value('current_tracer') : 'nop';
  if (tfs.ensure('current_tracer', 'nop')) warnings.push(`the ${tracer} tracer was active: switched to nop for the capture (it is put back afterwards)`);
  if (tfs.exists('trace_clock')) {
    const clock = tfs.value('trace_clock').match(/\[([^\]]+)\]/)?.[1];
    if (clock !== undefined && NON_NS_CLOCKS.has(clock)) {
      tfs.set('trace_clock', 'local');
      warnings.push(`trace_clock was ${clock}, whose timestamps are not nanoseconds: switched to local for the capture`);
    }
  }
  for (const [name, value] of Object.entries(REQUIRED_OPTIONS)) tfs.ensure(`options/${name}`, value);
  for (const rel of ['set_event_pid', 'set_event_notrace_pid']) {
    if (tfs.exists(rel) && tfs.list(rel).length > 0) {
      tfs.setList(rel, []);
      warnings.push(`${rel} limited events to some tasks: cleared for the capture`);
    }
  }
  if (tfs.exists('saved_cmdlines_size')) {
    const n = Number(tfs.value('saved_cmdlines_size'));
    if (Number.isFinite(n) && n < MIN_SAVED_CMDLINES) tfs.set('saved_cmdlines_size', String(MIN_SAVED_CMDLINES));
  }
  setBufferKb(tfs, plan.bufferKb);
  tfs.clearTrace();
  tfs.setList('set_event', plan.events);
  for (const ev of filteredEvents(tfs, plan.events)) warnings.push(`${ev} has a filter set: some of its events will be missing`);
  if (tfs.exists('tracing_cpumask')) {
    const left = cpusOutsideMask(tfs.value('tracing_cpumask'), tfs.cpus());
    if (left.length > 0) warnings.push(`tracing_cpumask leaves out CPU ${left.join(', ')}: nothing that runs there is traced`);
  }
  return warnings;
}

export function startTracing(tfs: Tracefs): void {
  tfs.set('tracing_on', '1');
}

/** Stops recording so that reading the buffer sees a fixed trace. */
export function stopTracing(tfs: Tracefs): void {
  tfs.set('tracing_on', '0');
}
