import type { Dev } from '../model/events.js';
import { boundedMemo, itself } from '../model/memo.js';

/**
 * The analyzer names devices by strings (`254:0` for the I/O's layers, `254,0` as block events
 * print them): these run several times per event, so each name is made once per device and looked
 * up by number after (model/memo.ts, bounded for a damaged trace naming thousands).
 */

const MAX_NAMES = 4096;
/** major is 12 bits and minor 20 in the kernel's dev_t: major × 2^20 + minor is exact. */
const MINOR_SPAN = 1 << 20;

const colonName = (d: Dev): string => `${d.major}:${d.minor}`;
const commaName = (d: Dev): string => `${d.major},${d.minor}`;

/**
 * The table key of a device: its number as the kernel makes it, or for numbers no dev_t holds (a
 * damaged line) its printed name, so that two such devices never share a key.
 */
const devKeyOf = (d: Dev): number | string =>
  Number.isInteger(d.major) && Number.isInteger(d.minor) && d.major >= 0 && d.major < 4096 && d.minor >= 0 && d.minor < MINOR_SPAN ? d.major * MINOR_SPAN + d.minor : colonName(d);

/** `254:0`: a device as the layers and DIOs name it. */
export const devColon: (d: Dev) => string = boundedMemo(devKeyOf, colonName, MAX_NAMES);

/** `254,0`: a device as block events print it (a request's `dev`). */
export const devComma: (d: Dev) => string = boundedMemo(devKeyOf, commaName, MAX_NAMES);

const fromBlock = boundedMemo(itself<string>, (dev: string) => dev.replace(',', ':'), MAX_NAMES);

/** `254,0` (block events) and `254:0` (iomap) name one device: the colon form is kept (`?` when unknown). */
export function devKey(dev: string | undefined): string {
  return dev === undefined ? '?' : fromBlock(dev);
}
