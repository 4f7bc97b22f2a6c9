/** What the I/O tracker (io-tracker.ts, io-request.ts, io-end.ts) keeps; a unit switch starts it over. */

export interface IoState {
  nextId: number;
  /** Tasks that submitted I/O (began a DIO, or issued a request in request unit). */
  submitterPids: Map<number, { comm: string; cpus: Set<number>; ios: number }>;
  /** Submissions (DIO begins, or request issues in request unit) in the window. */
  submissions: number;
  /** Writes seen deferred to a kworker so far: tells a kernel that defers write completions. */
  deferredWrites: number;
  /** I/Os that never completed although the trace went on long after them (unreported loss). */
  vanished: number;
  /** Vanished I/Os by the CPU they were submitted on, with the span of their submissions. */
  vanishedByCpu: Map<number, { ios: number; firstNs: number; lastNs: number }>;
  /** DIOs that completed although a block request of theirs never did (silently dropped events). */
  missingDeviceCompletions: number;
  /** Time of the last sweep for stale I/Os (0: the first event of a unit sweeps). */
  lastSweep: number;
}

export function ioState(): IoState {
  return { nextId: 1, submitterPids: new Map(), submissions: 0, deferredWrites: 0, vanished: 0, vanishedByCpu: new Map(), missingDeviceCompletions: 0, lastSweep: 0 };
}
