import type { BlockBioCompleteEvent, BlockBioEvent, BlockBioRemapEvent, BlockSplitEvent, Dev } from '../../model/events.js';
import { rawDev, rawFields, rawNumber } from './raw.js';
import type { EventHead } from './types.js';

/**
 * block_bio payloads (include/trace/events/block.h), the unit of bio-based devices (dm, md,
 * zram, partitions):
 *   block_bio_queue (and bounce, backmerge, frontmerge, getrq)  "%d,%d %s %llu + %u [%s]"
 *   block_bio_complete                                          "%d,%d %s %llu + %u [%d]"
 *   block_bio_remap                                             "%d,%d %s %llu + %u <- (%d,%d) %llu"
 *   block_split                                                 "%d,%d %s %llu / %llu [%s]"
 * Real lines (6.18): `7,0 WS 278144 + 8 [fio]`, `254,0 RA 46391296 + 32 [bash]`; remap and
 * complete as dm prints them: `254,0 WS 1193104 + 8 <- (253,0) 1160336`, `253,0 WS 1160336 + 8 [0]`.
 * trace-cmd report -R prints the stored fields instead (see raw.ts):
 *   `dev=265289728 sector=1160336 nr_sector=8 rwbs=WS comm=fio`
 *   `dev=266338304 sector=1193104 nr_sector=8 old_dev=265289728 old_sector=1160336 rwbs=WS`
 * Bios are not on the hot path (a handful per I/O at most), so a regular expression reads them.
 * Every parser returns null on anything else (never throws).
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
const SPLIT = /^(\d+),(\d+) (\S+) (\d+) \/ (\d+) \[/;
const REMAP_TAIL = /^ <- \((\d+),(\d+)\) (\d+)$/;
const ERR_TAIL = /^ \[(-?\d+)\]$/;

export function isBioEvent(name: string): name is BioEventName {
  return name === 'block_bio_queue' || name === 'block_bio_complete' || name === 'block_bio_remap' || name === 'block_bio_bounce' || name === 'block_bio_backmerge' || name === 'block_bio_frontmerge' || name === 'block_getrq';
}

export function parseBioPayload(name: string, args: string): BioPayload | null {
  if (!isBioEvent(name)) return null;
  const m = HEAD.exec(args);
  if (m === null) return null;
  // rawNumber: a u64 sector past 2^53 (an unset one, -1) is kept exact as -1, as block_rq does.
  const out: BioPayload = { dev: { major: Number(m[1]), minor: Number(m[2]) }, rwbs: m[3] as string, sector: rawNumber(m[4]), nrSector: Number(m[5]) };
  const tail = args.slice(m[0].length);
  if (name === 'block_bio_remap') {
    const r = REMAP_TAIL.exec(tail);
    if (r === null) return null;
    out.from = { dev: { major: Number(r[1]), minor: Number(r[2]) }, sector: rawNumber(r[3]) };
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

/** The raw (-R) fields of a bio event in the printed form's terms, or null. */
function rawBio(name: string, payload: string): BioPayload | null {
  const r = rawFields(payload);
  if (!r) return null;
  const dev = rawDev(r.get('dev'));
  const sector = rawNumber(r.get('sector'));
  const nrSector = rawNumber(r.get('nr_sector'));
  const rwbs = r.get('rwbs');
  if (!dev || rwbs === undefined || Number.isNaN(sector) || Number.isNaN(nrSector)) return null;
  const out: BioPayload = { dev, rwbs, sector, nrSector };
  if (name === 'block_bio_remap') {
    const from = rawDev(r.get('old_dev'));
    const fromSector = rawNumber(r.get('old_sector'));
    if (!from || Number.isNaN(fromSector)) return null;
    out.from = { dev: from, sector: fromSector };
  } else if (name === 'block_bio_complete') {
    const error = rawNumber(r.get('error'));
    if (Number.isNaN(error)) return null;
    out.error = error;
  } else {
    const comm = r.get('comm');
    if (comm === undefined) return null;
    out.comm = comm;
  }
  return out;
}

function bioAt(name: BioEventName, s: string, p: number): BioPayload | null {
  return s.startsWith('dev=', p) ? rawBio(name, s.slice(p)) : parseBioPayload(name, s.slice(p));
}

export function parseBio(kind: BlockBioEvent['kind'], s: string, p: number, h: EventHead): BlockBioEvent | null {
  const b = bioAt(kind, s, p);
  if (b === null || b.comm === undefined) return null;
  return { kind, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: b.dev, rwbs: b.rwbs, sector: b.sector, nrSector: b.nrSector, issuer: b.comm };
}

export function parseBioComplete(s: string, p: number, h: EventHead): BlockBioCompleteEvent | null {
  const b = bioAt('block_bio_complete', s, p);
  if (b === null || b.error === undefined) return null;
  return { kind: 'block_bio_complete', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: b.dev, rwbs: b.rwbs, sector: b.sector, nrSector: b.nrSector, error: b.error };
}

export function parseBioRemap(s: string, p: number, h: EventHead): BlockBioRemapEvent | null {
  const b = bioAt('block_bio_remap', s, p);
  if (b === null || b.from === undefined) return null;
  return { kind: 'block_bio_remap', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: b.dev, rwbs: b.rwbs, sector: b.sector, nrSector: b.nrSector, fromDev: b.from.dev, fromSector: b.from.sector };
}

/** `block_split: 254,0 W 1000 / 1256 [fio]`, or raw `dev=… sector=… new_sector=… rwbs=W comm=fio`. */
export function parseSplit(s: string, p: number, h: EventHead): BlockSplitEvent | null {
  const head = { kind: 'block_split' as const, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm };
  if (s.startsWith('dev=', p)) {
    const r = rawFields(s.slice(p));
    const dev = r ? rawDev(r.get('dev')) : null;
    const sector = rawNumber(r?.get('sector'));
    const newSector = rawNumber(r?.get('new_sector'));
    const rwbs = r?.get('rwbs');
    const issuer = r?.get('comm');
    if (!dev || rwbs === undefined || issuer === undefined || Number.isNaN(sector) || Number.isNaN(newSector)) return null;
    return { ...head, dev, rwbs, sector, newSector, issuer };
  }
  const args = s.slice(p);
  const m = SPLIT.exec(args);
  if (m === null || !args.endsWith(']')) return null;
  return { ...head, dev: { major: Number(m[1]), minor: Number(m[2]) }, rwbs: m[3] as string, sector: rawNumber(m[4]), newSector: rawNumber(m[5]), issuer: args.slice(m[0].length, -1) };
}
