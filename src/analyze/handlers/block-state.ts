import type { ReqRecord } from '../records.js';
import { TaskMap } from '../task-map.js';

/** What the block handler (block.ts) keeps between events. */
export interface BlockState {
  /** Outstanding requests by device and sector (`requestKey`), oldest first (sectors are reused: pair by order). */
  requests: Map<number, ReqRecord[]>;
  /** Small index per block device, folded into request keys. */
  devSlots: Map<number, number>;
  /** The latest request each task issued (sync-waiter and submitter-inline inference). */
  lastIssued: Map<number, ReqRecord>;
  /** Requests in flight per issuing task. */
  inFlightByIssuer: TaskMap<number>;
  /** Block completions per CPU. */
  irqCompletions: Map<number, number>;
  /** Issued requests that move no data (counted apart from I/Os). */
  nonData: { flush: number; discard: number; other: number };
}

/**
 * A new block state; on a unit switch (`prev`), the requests in flight are kept for their device
 * timing (without the request-unit paths they were building) and the device slots with them; the
 * per-issuer and per-CPU counts start over with the new unit.
 */
export function blockState(prev?: BlockState): BlockState {
  if (prev) for (const q of prev.requests.values()) for (const r of q) r.path = undefined;
  return { requests: prev?.requests ?? new Map(), devSlots: prev?.devSlots ?? new Map(), lastIssued: new Map(), inFlightByIssuer: new TaskMap(), irqCompletions: new Map(), nonData: prev?.nonData ?? { flush: 0, discard: 0, other: 0 } };
}

/** Device slots folded into a request key: more devices than this share slots. */
export const DEV_SLOTS = 256;
/** dev_t keeps 20 bits of minor number (MINORBITS, include/linux/kdev_t.h). */
const MINORS = 1 << 20;

/**
 * A numeric key for (device, sector): sector × 256 + a per-device slot. Numbers hash faster than
 * strings and allocate nothing; exact for sectors below 2^45 (16 PiB), far past any device here.
 */
export function requestKey(s: BlockState, major: number, minor: number, sector: number): number {
  const dev = major * MINORS + minor;
  let slot = s.devSlots.get(dev);
  if (slot === undefined) s.devSlots.set(dev, (slot = s.devSlots.size % DEV_SLOTS));
  return sector * DEV_SLOTS + slot;
}
