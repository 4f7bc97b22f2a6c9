import type { Dev } from '../../model/events.js';

/**
 * block_bio payloads (include/trace/events/block.h), for the bio-based layers (dm, md, zram,
 * partitions), read from an `other` event's text: nothing registers them as events of their own
 * yet, so a consumer that follows remaps calls `parseBioPayload(e.name, e.args)`.
 *   block_bio_queue (and bounce, backmerge, frontmerge, getrq)  "%d,%d %s %llu + %u [%s]"
 *   block_bio_complete                                          "%d,%d %s %llu + %u [%d]"
 *   block_bio_remap                                             "%d,%d %s %llu + %u <- (%d,%d) %llu"
 * Real lines (6.18): `7,0 WS 278144 + 8 [fio]`, `254,0 RA 46391296 + 32 [bash]`; remap and
 * complete as dm prints them: `254,0 WS 1193104 + 8 <- (253,0) 1160336`, `253,0 WS 1160336 + 8 [0]`.
 * Returns null on anything else (never throws).
 */

export type BioEventName = 'block_bio_queue' | 'block_bio_bounce' | 'block_bio_backmerge' | 'block_bio_frontmerge' | 'block_getrq' | 'block_bio_complete' | 'block_bio_remap';

export interface BioPayload {
  dev: Dev;
  rwbs: string;
  sector: number;
  nrSector: number;
  /** The task's comm (queue, merges, getrq). */
  comm?: string;
  /** errno (complete). */
  error?: number;
  /** Where the bio came from (remap): the upper device and its sector there. */
  from?: { dev: Dev; sector: number };
}

const HEAD = /^(\d+),(\d+) (\S+) (\d+) \+ (\d+)/;
const REMAP_TAIL = /^ <- \((\d+),(\d+)\) (\d+)$/;
const ERR_TAIL = /^ \[(-?\d+)\]$/;

export function isBioEvent(name: string): name is BioEventName {
  return name === 'block_bio_queue' || name === 'block_bio_complete' || name === 'block_bio_remap' || name === 'block_bio_bounce' || name === 'block_bio_backmerge' || name === 'block_bio_frontmerge' || name === 'block_getrq';
}

export function parseBioPayload(name: string, args: string): BioPayload | null {
  if (!isBioEvent(name)) return null;
  const m = HEAD.exec(args);
  if (m === null) return null;
  const out: BioPayload = { dev: { major: Number(m[1]), minor: Number(m[2]) }, rwbs: m[3] as string, sector: Number(m[4]), nrSector: Number(m[5]) };
  const tail = args.slice(m[0].length);
  if (name === 'block_bio_remap') {
    const r = REMAP_TAIL.exec(tail);
    if (r === null) return null;
    out.from = { dev: { major: Number(r[1]), minor: Number(r[2]) }, sector: Number(r[3]) };
    return out;
  }
  if (name === 'block_bio_complete') {
    const r = ERR_TAIL.exec(tail);
    if (r === null) return null;
    out.error = Number(r[1]);
    return out;
  }
  // `[%s]`: the comm may hold spaces or brackets, so take everything between the first `[` and the last `]`.
  if (!tail.startsWith(' [') || !tail.endsWith(']')) return null;
  out.comm = tail.slice(2, -1);
  return out;
}
