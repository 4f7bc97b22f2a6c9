import type { StreamResult } from '../parse/stream-types.js';

/**
 * What the analysis says of a trace whose timestamps are ticks of a clock that does not count
 * nanoseconds (kernel/trace-clocks.ts): TSC cycles, jiffies, or a bare count of events. Which I/O
 * completed where does not depend on the unit; every duration does, and a rate per second cannot
 * be had from ticks of unknown length. Nothing is said of a ns clock.
 */
export interface ClockNote {
  limitation: string;
  lead: string;
  /** Why no rate is given, for the data-loss note. */
  noRatesWhy: string;
}

export function clockNote(ticks: StreamResult['clockTicks']): ClockNote | undefined {
  if (ticks === undefined) return undefined;
  const which = ticks.clock !== undefined ? `the ${ticks.clock} trace clock` : 'a trace clock that does not count nanoseconds (tracefs prints the timestamps of counter, uptime and x86-tsc as bare integers)';
  return {
    limitation: `Timestamps are ticks of ${which}: every duration here (latencies, CPU time, the window) is a number of ticks read as nanoseconds (a "µs" is a thousand ticks), and IOPS and MB/s are not given (0). Where each I/O completed does not depend on the unit. Record with a nanosecond clock (trace_clock local, global, mono or boot).`,
    lead: `This trace's clock counts ticks, not nanoseconds${ticks.clock !== undefined ? ` (${ticks.clock})` : ''}: the durations below are ticks and no rate is given.`,
    noRatesWhy: "the trace's clock does not count nanoseconds",
  };
}
