/**
 * Per-task state that comes and goes with every pair of events (a work item running, a DIO being
 * submitted, a task blocked in D). V8 shrinks a Map's table whenever it falls under a quarter
 * full, so a Map that goes from one entry to none reallocates its table at every delete: on an
 * 882k-event trace.dat these tables were 42 MB of the 650 MB the analysis allocated. A task map
 * keeps the task's key and empties its value instead, and drops the empty keys only when the map
 * has grown past a limit (a trace of many short-lived tasks), so it stays as small as the tasks
 * seen lately.
 *
 * Iterating (rare: lost events, the stale sweep, the end of the trace) makes a copy, in the order a
 * Map would give when the map is `ordered`.
 */

/** Keys kept before the empty ones are dropped; the limit then follows the live ones (×2). */
const MIN_LIMIT = 4096;

export class TaskMap<V> {
  private readonly m = new Map<number, V | undefined>();
  /**
   * With `ordered`: when each task's value was last set after being empty, so that iterating
   * gives the order a Map would (a key deleted and set again goes last).
   */
  private readonly since: Map<number, number> | undefined;
  private seq = 0;
  private limit = MIN_LIMIT;

  constructor(ordered = false) {
    this.since = ordered ? new Map() : undefined;
  }

  get(pid: number): V | undefined {
    return this.m.get(pid);
  }

  has(pid: number): boolean {
    return this.m.get(pid) !== undefined;
  }

  set(pid: number, v: V): void {
    if (this.since && this.m.get(pid) === undefined) this.since.set(pid, ++this.seq);
    this.m.set(pid, v);
    if (this.m.size > this.limit) this.compact();
  }

  delete(pid: number): void {
    if (this.m.get(pid) !== undefined) this.m.set(pid, undefined);
  }

  /** The tasks with a value, in the order a Map would give (with `ordered`; else by first key). Rare: a copy. */
  entries(): [number, V][] {
    const out: [number, V][] = [];
    for (const [k, v] of this.m) if (v !== undefined) out.push([k, v]);
    const since = this.since;
    if (since) out.sort((a, b) => (since.get(a[0]) ?? 0) - (since.get(b[0]) ?? 0));
    return out;
  }

  values(): V[] {
    return this.entries().map((e) => e[1]);
  }

  /** Tasks with a value. */
  get size(): number {
    let n = 0;
    for (const v of this.m.values()) if (v !== undefined) n++;
    return n;
  }

  private compact(): void {
    for (const [k, v] of this.m) {
      if (v !== undefined) continue;
      this.m.delete(k);
      this.since?.delete(k);
    }
    this.limit = Math.max(MIN_LIMIT, 2 * this.m.size);
  }
}

/** A set of tasks with the same behaviour (TaskMap). */
export class TaskSet {
  private readonly m = new TaskMap<true>();

  has(pid: number): boolean {
    return this.m.has(pid);
  }

  add(pid: number): void {
    this.m.set(pid, true);
  }

  delete(pid: number): void {
    this.m.delete(pid);
  }

  get size(): number {
    return this.m.size;
  }
}
