import type { BlockBioCompleteEvent, BlockBioEvent, BlockBioRemapEvent, BlockSplitEvent, Dev } from '../../model/events.js';
import { at, sint, trimmedEnd, u64, uint } from '../scan.js';
import { devRwbs } from './dev-rwbs.js';
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

const COMMA = 44;
const PLUS = 43;
const SLASH = 47;
const SP = 32;
const LBRACK = 91;
const RBRACK = 93;

/** What `devSectors` read (one object, reused: parsing is synchronous). */
const f = { major: 0, minor: 0, rwbs: '', sector: 0, nr: 0 };

/**
 * `major,minor rwbs sector SEP nr` from `p` (SEP ` + ` for bios, ` / ` for block_split); the index
 * after nr is left in at.p. Read by position, as block.ts reads requests: bios are one to three
 * events per I/O on a bio-based device.
 */
function devSectors(s: string, p: number, sep: number): boolean {
  if (!devRwbs(s, p, f)) return false;
  const sector = u64(s, at.p);
  p = at.p;
  if (sector !== sector || s.charCodeAt(p) !== SP || s.charCodeAt(p + 1) !== sep || s.charCodeAt(p + 2) !== SP) return false;
  const nr = uint(s, p + 3);
  if (nr !== nr) return false;
  f.sector = sector;
  f.nr = nr;
  return true;
}

/** ` [text]` from `p` to the end of the line: the text up to the LAST `]` (a comm may hold one). */
function bracketToEnd(s: string, p: number): string | null {
  if (s.charCodeAt(p) !== SP || s.charCodeAt(p + 1) !== LBRACK) return null;
  const end = trimmedEnd(s, p);
  if (s.charCodeAt(end - 1) !== RBRACK) return null;
  return s.slice(p + 2, end - 1);
}

export function isBioEvent(name: string): name is BioEventName {
  return name === 'block_bio_queue' || name === 'block_bio_complete' || name === 'block_bio_remap' || name === 'block_bio_bounce' || name === 'block_bio_backmerge' || name === 'block_bio_frontmerge' || name === 'block_getrq';
}

/** The payload of a bio event as plain fields (the simulator's emitter writes them back, bio.test.ts). */
export function parseBioPayload(name: string, args: string): BioPayload | null {
  if (!isBioEvent(name)) return null;
  const e = name === 'block_bio_complete' ? parseBioComplete(args, 0, NO_HEAD) : name === 'block_bio_remap' ? parseBioRemap(args, 0, NO_HEAD) : parseBio(name, args, 0, NO_HEAD);
  if (e === null) return null;
  const out: BioPayload = { dev: e.dev, rwbs: e.rwbs, sector: e.sector, nrSector: e.nrSector };
  if (e.kind === 'block_bio_remap') out.from = { dev: e.fromDev, sector: e.fromSector };
  else if (e.kind === 'block_bio_complete') out.error = e.error;
  else out.comm = e.issuer;
  return out;
}

const NO_HEAD: EventHead = { line: 0, ts: 0, cpu: 0, pid: 0, comm: '' };

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

export function parseBio(kind: BlockBioEvent['kind'], s: string, p: number, h: EventHead): BlockBioEvent | null {
  if (s.startsWith('dev=', p)) {
    const b = rawBio(kind, s.slice(p));
    if (b === null || b.comm === undefined) return null;
    return { kind, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: b.dev, rwbs: b.rwbs, sector: b.sector, nrSector: b.nrSector, issuer: b.comm };
  }
  if (!devSectors(s, p, PLUS)) return null;
  const issuer = bracketToEnd(s, at.p);
  if (issuer === null) return null;
  return { kind, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: { major: f.major, minor: f.minor }, rwbs: f.rwbs, sector: f.sector, nrSector: f.nr, issuer };
}

export function parseBioComplete(s: string, p: number, h: EventHead): BlockBioCompleteEvent | null {
  if (s.startsWith('dev=', p)) {
    const b = rawBio('block_bio_complete', s.slice(p));
    if (b === null || b.error === undefined) return null;
    return { kind: 'block_bio_complete', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: b.dev, rwbs: b.rwbs, sector: b.sector, nrSector: b.nrSector, error: b.error };
  }
  if (!devSectors(s, p, PLUS)) return null;
  p = at.p;
  if (s.charCodeAt(p) !== SP || s.charCodeAt(p + 1) !== LBRACK) return null;
  const error = sint(s, p + 2);
  p = at.p;
  if (error !== error || s.charCodeAt(p) !== RBRACK || trimmedEnd(s, p) !== p + 1) return null;
  return { kind: 'block_bio_complete', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: { major: f.major, minor: f.minor }, rwbs: f.rwbs, sector: f.sector, nrSector: f.nr, error };
}

export function parseBioRemap(s: string, p: number, h: EventHead): BlockBioRemapEvent | null {
  if (s.startsWith('dev=', p)) {
    const b = rawBio('block_bio_remap', s.slice(p));
    if (b === null || b.from === undefined) return null;
    return { kind: 'block_bio_remap', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: b.dev, rwbs: b.rwbs, sector: b.sector, nrSector: b.nrSector, fromDev: b.from.dev, fromSector: b.from.sector };
  }
  if (!devSectors(s, p, PLUS)) return null;
  // ` <- (253,0) 1160336`
  p = at.p;
  if (!s.startsWith(' <- (', p)) return null;
  const major = uint(s, p + 5);
  p = at.p;
  if (major !== major || s.charCodeAt(p) !== COMMA) return null;
  const minor = uint(s, p + 1);
  p = at.p;
  if (minor !== minor || s.charCodeAt(p) !== 41 /* ) */ || s.charCodeAt(p + 1) !== SP) return null;
  const fromSector = u64(s, p + 2);
  if (fromSector !== fromSector || trimmedEnd(s, at.p) !== at.p) return null;
  return { kind: 'block_bio_remap', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: { major: f.major, minor: f.minor }, rwbs: f.rwbs, sector: f.sector, nrSector: f.nr, fromDev: { major, minor }, fromSector };
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
  if (!devSectors(s, p, SLASH)) return null;
  const issuer = bracketToEnd(s, at.p);
  if (issuer === null) return null;
  return { ...head, dev: { major: f.major, minor: f.minor }, rwbs: f.rwbs, sector: f.sector, newSector: f.nr, issuer };
}
