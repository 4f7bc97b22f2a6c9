/**
 * What CPU-time accounting (cpu-time.ts) keeps beside each CPU's accumulators (records.ts): the
 * I/O window and the accumulators' values at its ends. A unit switch starts a new window.
 */

export interface CpuTimeState {
  windowStart: number;
  windowEnd: number;
  /** Accumulators per CPU at window start / at the latest completion. */
  accAtStart: Float64Array[];
  accAtEnd: Float64Array[];
  /** Time of kworker runs that completed DIOs, in all and at the window's ends. */
  dioKworkerRunNs: number;
  dioKworkerRunNsAtStart: number;
  dioKworkerRunNsAtEnd: number;
}

export function cpuTimeState(): CpuTimeState {
  return { windowStart: NaN, windowEnd: NaN, accAtStart: [], accAtEnd: [], dioKworkerRunNs: 0, dioKworkerRunNsAtStart: 0, dioKworkerRunNsAtEnd: 0 };
}
