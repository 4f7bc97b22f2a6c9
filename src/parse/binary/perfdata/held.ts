import type { TraceEvent } from '../../../model/events.js';

/**
 * What the delivery's reorder window holds, by slot number: a sample not decoded yet (where its
 * tracepoint payload lies in the round queue's blocks, its attr, and the header it was given when
 * perf's order released it: line, time, CPU, task, task name), or an event made already (a `lost`
 * event, or a sample whose bytes could not be kept).
 *
 * Why not the decoded events: an event held for the 50 ms of the window (~40 000 events there)
 * outlives the young generation. On `perf record -a` of xfs + libaio (1.65 M events over 2 s, the
 * window on from the 414 517th), `analyze` paused 0.64–1.3 s in scavenges and made 6 full
 * collections holding events, 0.47–0.56 s and 3 holding these slots (`node --trace-gc`, three
 * runs each on a busy machine). A slot's numbers are one 64-byte stretch of one Float64Array, and slots are taken in
 * arrival order around a ring, which is the order the window mostly releases them in: reading a
 * slot back 40 000 events later is then one sequential read the processor prefetches, where one
 * typed array per field (seven cold lines per event) cost more than the collector saved.
 */

export interface HeldRecords {
  /** A slot for a sample whose payload is [rawAt, rawAt + rawLen) of block `block` (rawLen -1: none). */
  record(block: number, rawAt: number, rawLen: number, attr: number, line: number, ts: number, cpu: number, pid: number, comm: string): number;
  /** A slot for an event made already. */
  event(e: TraceEvent): number;
  /** The slot's event made already, or undefined for a record. */
  made(slot: number): TraceEvent | undefined;
  block(slot: number): number;
  rawAt(slot: number): number;
  rawLen(slot: number): number;
  attr(slot: number): number;
  line(slot: number): number;
  ts(slot: number): number;
  cpu(slot: number): number;
  pid(slot: number): number;
  comm(slot: number): string;
  free(slot: number): void;
}

/** Numbers per slot: block, rawAt, rawLen, attr, line, ts, cpu, pid (8 × 8 bytes: one cache line). */
const STRIDE = 8;
// The integers are read back with `| 0`: a number loaded from a Float64Array is a double, and a
// double stored into an event's field or used as an index (cpus[e.cpu], attrs[attr]) makes V8
// box it and take its generic paths (measured: the analysis' per-CPU lookup went from 0.1 s to
// 1.7 s of CPU on the capture above).
const FIRST = 1 << 12;
/** rec[k · STRIDE + ATTR] of a slot holding an event made already; FREE: of a free slot. */
const MADE = -1;
const FREE = -2;

export function createHeldRecords(): HeldRecords {
  let cap = FIRST;
  let rec = new Float64Array(cap * STRIDE).fill(FREE);
  let comm: string[] = new Array<string>(cap).fill('');
  let made: (TraceEvent | undefined)[] = new Array<TraceEvent | undefined>(cap).fill(undefined);
  let next = 0;

  /**
   * The next slot around the ring. One still in use (a late event holds its slot while newer ones
   * are released, or the window holds more than the ring) makes the ring twice as long; slot
   * numbers given out stay valid, as the old slots keep their place.
   */
  const take = (): number => {
    if (rec[next * STRIDE + 3] !== FREE) {
      const bigger = new Float64Array(cap * 2 * STRIDE).fill(FREE);
      bigger.set(rec);
      rec = bigger;
      comm = comm.concat(new Array<string>(cap).fill(''));
      made = made.concat(new Array<TraceEvent | undefined>(cap).fill(undefined));
      next = cap;
      cap *= 2;
    }
    const k = next;
    next = next + 1 === cap ? 0 : next + 1;
    return k;
  };

  return {
    record(block, rawAt, rawLen, attr, line, ts, cpu, pid, name) {
      const k = take();
      const o = k * STRIDE;
      rec[o] = block;
      rec[o + 1] = rawAt;
      rec[o + 2] = rawLen;
      rec[o + 3] = attr;
      rec[o + 4] = line;
      rec[o + 5] = ts;
      rec[o + 6] = cpu;
      rec[o + 7] = pid;
      comm[k] = name;
      return k;
    },
    event(e) {
      const k = take();
      rec[k * STRIDE + 3] = MADE;
      made[k] = e;
      return k;
    },
    made: (k) => (rec[k * STRIDE + 3] === MADE ? made[k] : undefined),
    block: (k) => (rec[k * STRIDE] as number) | 0,
    rawAt: (k) => (rec[k * STRIDE + 1] as number) | 0,
    rawLen: (k) => (rec[k * STRIDE + 2] as number) | 0,
    attr: (k) => (rec[k * STRIDE + 3] as number) | 0,
    line: (k) => (rec[k * STRIDE + 4] as number) | 0,
    ts: (k) => rec[k * STRIDE + 5] as number,
    cpu: (k) => (rec[k * STRIDE + 6] as number) | 0,
    pid: (k) => (rec[k * STRIDE + 7] as number) | 0,
    comm: (k) => comm[k] as string,
    free(k) {
      if (rec[k * STRIDE + 3] === MADE) made[k] = undefined;
      rec[k * STRIDE + 3] = FREE;
    },
  };
}
