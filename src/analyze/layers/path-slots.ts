import type { IoPath, Stage } from '../../model/io.js';
import type { CompletionHop } from '../../model/layers.js';
import type { ReqRecord } from '../records.js';
import { hasPrivateSlot, privateSlot, setPrivateSlot } from '../path-object.js';

/**
 * What the layer tracker knows of one I/O path, kept on the path itself, out of sight (a private
 * field, or a non-enumerable symbol: JSON, CSV, spreads and comparisons never see it). These
 * were WeakMaps and WeakSets keyed by the path, set several times per I/O: a weak table's insert,
 * and the collector's work on its entries, were the layer tracker's largest cost (a third of it on an 882k-event
 * trace of ext4 on loop). The slots belong to one tracker state (`gen`): a new state (a unit switch)
 * finds none, as it found empty tables.
 */
export interface PathSlots {
  gen: number;
  /** Hops gathered beneath an upper path before it completes. */
  hops: CompletionHop[] | undefined;
  /** The last hop work item of this I/O that started, for an I/O that completes inside it (kcryptd). */
  hopStarted: { work: string; queue: Stage; start: Stage & { pid: number; comm: string } } | undefined;
  /** A lower path: the upper path it services. */
  services: IoPath | undefined;
  /** Submitted by a worker servicing an upper device. */
  servicing: boolean;
  /** A request with REQ_META a task issued: the filesystem's own, background on a stack. */
  meta: boolean;
  /** Request unit: the top device of a request that a remapped bio became (its workload layer). */
  bioTop: string | undefined;
  /** A DIO's requests on remap targets (that layer's I/Os servicing it), folded when it finishes. */
  remapped: { req: ReqRecord; dev: string }[] | undefined;
}

const SLOTS = Symbol('iopath.path-slots');

type WithSlots = IoPath & { [SLOTS]?: PathSlots };

let lastGen = 0;

/** A generation number for a new tracker state. */
export function newSlotGeneration(): number {
  return ++lastGen;
}

/**
 * The slots as stored: the analyzer's own paths (path-object.ts) keep them in a private field; any
 * other IoPath (made by hand, or a lower layer's inferred path) under a non-enumerable symbol.
 */
function stored(p: IoPath): PathSlots | undefined {
  return ((privateSlot(p) as PathSlots | undefined) ?? (p as WithSlots)[SLOTS]);
}

/** The path's slots of generation `gen`, or undefined when that state never wrote any. */
export function slotsOf(gen: number, p: IoPath): PathSlots | undefined {
  const r = stored(p);
  return r !== undefined && r.gen === gen ? r : undefined;
}

/** The path's slots of generation `gen`, made empty when there are none. */
export function slotsFor(gen: number, p: IoPath): PathSlots {
  const r = stored(p);
  if (r !== undefined && r.gen === gen) return r;
  const made: PathSlots = { gen, hops: undefined, hopStarted: undefined, services: undefined, servicing: false, meta: false, bioTop: undefined, remapped: undefined };
  if (hasPrivateSlot(p)) setPrivateSlot(p, made);
  else if (r !== undefined) (p as WithSlots)[SLOTS] = made;
  else Object.defineProperty(p, SLOTS, { value: made, writable: true, configurable: true, enumerable: false });
  return made;
}
