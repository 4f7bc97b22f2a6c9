import type { Dev } from '../model/events.js';

/**
 * The analyzer names devices by strings (`254:0` for the I/O's layers, `254,0` as block events
 * print them): these run several times per event, so each name is made once per device and looked
 * up by number after. A trace holds a handful of devices; a damaged one may name thousands, hence
 * the bound (a full table starts over: the names are equal strings either way).
 */

const MAX_NAMES = 4096;
/** major is 12 bits and minor 20 in the kernel's dev_t: major × 2^20 + minor is exact. */
const MINOR_SPAN = 1 << 20;

function table<K>(): { get(k: K, make: () => string): string } {
  const names = new Map<K, string>();
  return {
    get(k, make) {
      let s = names.get(k);
      if (s === undefined) {
        if (names.size >= MAX_NAMES) names.clear();
        names.set(k, (s = make()));
      }
      return s;
    },
  };
}

const colon = table<number>();
const comma = table<number>();
const fromBlock = table<string>();

/** `254:0`: a device as the layers and DIOs name it. */
export function devColon(d: Dev): string {
  return colon.get(d.major * MINOR_SPAN + d.minor, () => `${d.major}:${d.minor}`);
}

/** `254,0`: a device as block events print it (a request's `dev`). */
export function devComma(d: Dev): string {
  return comma.get(d.major * MINOR_SPAN + d.minor, () => `${d.major},${d.minor}`);
}

/** `254,0` (block events) and `254:0` (iomap) name one device: the colon form is kept (`?` when unknown). */
export function devKey(dev: string | undefined): string {
  return dev === undefined ? '?' : fromBlock.get(dev, () => dev.replace(',', ':'));
}
