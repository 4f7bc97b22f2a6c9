import type { TraceEvent } from '../../../model/events.js';

/**
 * What the delivery's reorder window holds, by slot number: a sample not decoded yet (the block,
 * offset and size of its record in the round queue, and the header it was given when perf's
 * order released it: line, time, CPU, task, task name), or an event made already (a `lost` event,
 * or a sample whose bytes could not be kept). Numbers in typed arrays rather than an object per
 * event: a decoded event held for the 50 ms of the window outlives the young generation, and on
 * `perf record -a` of xfs + libaio (1.65 M events, 32 late records from the 414 517th event on)
 * holding decoded events cost ~0.5 s of 4.5 s CPU, two thirds of it in the garbage collector.
 * Freed slots are reused (a stack of free numbers), so the arrays grow to the most ever held.
 */

export interface HeldRecords {
  /** A slot for a record in block `block` at [at, at + size), with its header. */
  record(block: number, at: number, size: number, line: number, ts: number, cpu: number, pid: number, comm: string): number;
  /** A slot for an event made already. */
  event(e: TraceEvent): number;
  /** The slot's event made already, or undefined for a record. */
  made(slot: number): TraceEvent | undefined;
  block(slot: number): number;
  at(slot: number): number;
  size(slot: number): number;
  line(slot: number): number;
  ts(slot: number): number;
  cpu(slot: number): number;
  pid(slot: number): number;
  comm(slot: number): string;
  free(slot: number): void;
}

const FIRST = 1024;

export function createHeldRecords(): HeldRecords {
  let block = new Int32Array(FIRST);
  let at = new Int32Array(FIRST);
  let size = new Int32Array(FIRST);
  let cpu = new Int32Array(FIRST);
  let pid = new Int32Array(FIRST);
  let line = new Float64Array(FIRST);
  let ts = new Float64Array(FIRST);
  const comm: string[] = [];
  const made: (TraceEvent | undefined)[] = [];
  let free = new Int32Array(FIRST);
  let nFree = 0;
  let used = 0;

  const grow = <T extends Int32Array | Float64Array>(a: T): T => {
    const b = new (a.constructor as new (n: number) => T)(a.length * 2);
    b.set(a);
    return b;
  };
  const take = (): number => {
    if (nFree > 0) return free[--nFree] as number;
    if (used === block.length) {
      block = grow(block);
      at = grow(at);
      size = grow(size);
      cpu = grow(cpu);
      pid = grow(pid);
      line = grow(line);
      ts = grow(ts);
      free = grow(free);
    }
    return used++;
  };

  return {
    record(b, a, s, l, t, c, p, name) {
      const k = take();
      block[k] = b;
      at[k] = a;
      size[k] = s;
      line[k] = l;
      ts[k] = t;
      cpu[k] = c;
      pid[k] = p;
      comm[k] = name;
      made[k] = undefined;
      return k;
    },
    event(e) {
      const k = take();
      made[k] = e;
      return k;
    },
    made: (k) => made[k],
    block: (k) => block[k] as number,
    at: (k) => at[k] as number,
    size: (k) => size[k] as number,
    line: (k) => line[k] as number,
    ts: (k) => ts[k] as number,
    cpu: (k) => cpu[k] as number,
    pid: (k) => pid[k] as number,
    comm: (k) => comm[k] as string,
    free(k) {
      made[k] = undefined;
      free[nFree++] = k;
    },
  };
}
