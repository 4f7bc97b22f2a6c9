import { setFlagsFromString } from 'node:v8';

/**
 * The analysis of a trace keeps little alive (15 MB after a full collection on a 6.1 M-event
 * trace.dat: what is in flight, the sketches, the string tables), but every finished I/O's path
 * and events live long enough to be promoted before they die. V8 lets the old generation grow to
 * up to 4× what survived the last full collection before it collects again, so that garbage, not
 * the live state, set the peak: 243 MB resident on that trace on one thread, 273 MB with the
 * parsing thread. Growing it by at most 1.5× held the same runs to 190 and 207 MB for the same
 * CPU time (docs/performance.md, "Memory").
 *
 * A V8 flag is the process's: the CLI sets it at start (and the bench in its task processes), a
 * program that embeds the library keeps its own heap policy.
 */
export function boundHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=50');
}
