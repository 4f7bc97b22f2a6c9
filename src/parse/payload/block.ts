import type { BlockRqCompleteEvent, BlockRqEvent } from '../../model/events.js';
import { at, sint, u64, uint } from '../scan.js';
import { devRwbs } from './dev-rwbs.js';
import { rawDev, rawFields, rawIoprio, rawNumber } from './raw.js';
import { withHead, type EventHead } from './types.js';

/**
 * block_rq class payloads (include/trace/events/block.h):
 *   issue/insert  4.18–6.10 "%d,%d %s %u (%s) %llu + %u [%s]"
 *                 ≥6.11     "%d,%d %s %u (%s) %llu + %u %s,%u,%u [%s]"   (ioprio class,hint,level)
 *   complete/error         "%d,%d %s (%s) %llu + %u [%d]" / "… %s,%u,%u [%d]"
 * Real lines (6.18):
 *   `254,0 WS 4096 () 46699392 + 8 be,0,4 [fio]`       (tracefs; trace-cmd prints ioprio as `0x2,0,4`)
 *   `254,0 WS () 46699392 + 8 be,0,4 [0]`
 *   `254,0 FF () 18446744073709551615 + 0 none,0,0 [0]`  (a flush's completion: sector -1)
 * and trace-cmd report -R's raw fields (see raw.ts):
 *   `dev=266338304 sector=37962984 nr_sector=2048 bytes=1048576 ioprio=16388 rwbs=RA comm=fio cmd=`
 *   `dev=266338304 sector=37962984 nr_sector=2048 error=0 ioprio=16388 rwbs=RA cmd=`
 * `cmd` is empty for fs requests; SCSI passthrough prints hex bytes with spaces inside the parens.
 */

const SP = 32;
const LPAREN = 40;
const LBRACK = 91;

/** The fields the shared readers below found (one object, reused: parsing is synchronous). */
const f = { major: 0, minor: 0, rwbs: '', cmd: '', sector: 0, nrSector: 0, ioprio: undefined as string | undefined, bracket: '' };

/**
 * `(cmd) sector + nr` from `p` (at the `(`), or `sector + nr` where the line has no cmd (lines
 * quoted without it, `8,0 W 4096 16573304 + 8 [dd]`, read the same); the index after nr is left
 * in at.p.
 */
function cmdSectors(s: string, p: number): boolean {
  let from = p;
  if (s.charCodeAt(p) === LPAREN) {
    const close = s.indexOf(') ', p + 1);
    if (close < 0) return false;
    f.cmd = close === p + 1 ? '' : s.slice(p + 1, close);
    from = close + 2;
  } else f.cmd = '';
  const sector = u64(s, from);
  p = at.p;
  if (sector !== sector || s.charCodeAt(p) !== SP || s.charCodeAt(p + 1) !== 43 /* + */ || s.charCodeAt(p + 2) !== SP) return false;
  const nr = uint(s, p + 3);
  f.sector = sector;
  f.nrSector = nr;
  return nr === nr;
}

/** Optional ` ioprio`, then ` [text]` up to the LAST `]` (a comm may hold one). */
function prioBracket(s: string, p: number): boolean {
  if (s.charCodeAt(p) !== SP) return false;
  p++;
  while (s.charCodeAt(p) === SP) p++;
  f.ioprio = undefined;
  if (s.charCodeAt(p) !== LBRACK) {
    const sp = s.indexOf(' ', p);
    if (sp < 0) return false;
    f.ioprio = s.slice(p, sp);
    p = sp + 1;
    while (s.charCodeAt(p) === SP) p++;
    if (s.charCodeAt(p) !== LBRACK) return false;
  }
  const end = s.lastIndexOf(']');
  if (end <= p) return false;
  f.bracket = s.slice(p + 1, end);
  return true;
}

export function parseBlockRq(kind: BlockRqEvent['kind'], s: string, p: number, h: EventHead): BlockRqEvent | null {
  if (s.startsWith('dev=', p)) return parseBlockRqRaw(kind, s.slice(p), h);
  if (!devRwbs(s, p, f)) return null;
  const bytes = uint(s, at.p);
  p = at.p;
  if (bytes !== bytes || s.charCodeAt(p) !== SP) return null;
  if (!cmdSectors(s, p + 1) || !prioBracket(s, at.p)) return null;
  const ev: BlockRqEvent = { kind, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: { major: f.major, minor: f.minor }, rwbs: f.rwbs, bytes, cmd: f.cmd, sector: f.sector, nrSector: f.nrSector, issuer: f.bracket };
  if (f.ioprio !== undefined) ev.ioprio = f.ioprio;
  return ev;
}

export function parseBlockRqComplete(kind: BlockRqCompleteEvent['kind'], s: string, p: number, h: EventHead): BlockRqCompleteEvent | null {
  if (s.startsWith('dev=', p)) return parseBlockRqCompleteRaw(kind, s.slice(p), h);
  if (!devRwbs(s, p, f) || !cmdSectors(s, at.p) || !prioBracket(s, at.p)) return null;
  const t = f.bracket;
  const error = sint(t, 0);
  if (error !== error || at.p !== t.length) return null;
  const ev: BlockRqCompleteEvent = { kind, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: { major: f.major, minor: f.minor }, rwbs: f.rwbs, cmd: f.cmd, sector: f.sector, nrSector: f.nrSector, error };
  if (f.ioprio !== undefined) ev.ioprio = f.ioprio;
  return ev;
}

function parseBlockRqRaw(kind: BlockRqEvent['kind'], payload: string, h: EventHead): BlockRqEvent | null {
  const r = rawFields(payload);
  if (!r) return null;
  const d = rawDev(r.get('dev'));
  const bytes = rawNumber(r.get('bytes'));
  const sec = rawNumber(r.get('sector'));
  const nr = rawNumber(r.get('nr_sector'));
  const rw = r.get('rwbs');
  const issuer = r.get('comm');
  if (!d || rw === undefined || issuer === undefined || [bytes, sec, nr].some(Number.isNaN)) return null;
  const ev = withHead<BlockRqEvent>(h, { kind, dev: d, rwbs: rw, bytes, cmd: r.get('cmd') ?? '', sector: sec, nrSector: nr, issuer });
  const prio = rawIoprio(r.get('ioprio'));
  if (prio !== undefined) ev.ioprio = prio;
  return ev;
}

function parseBlockRqCompleteRaw(kind: BlockRqCompleteEvent['kind'], payload: string, h: EventHead): BlockRqCompleteEvent | null {
  const r = rawFields(payload);
  if (!r) return null;
  const d = rawDev(r.get('dev'));
  const sec = rawNumber(r.get('sector'));
  const nr = rawNumber(r.get('nr_sector'));
  const error = rawNumber(r.get('error'));
  const rw = r.get('rwbs');
  if (!d || rw === undefined || [sec, nr, error].some(Number.isNaN)) return null;
  const ev = withHead<BlockRqCompleteEvent>(h, { kind, dev: d, rwbs: rw, cmd: r.get('cmd') ?? '', sector: sec, nrSector: nr, error });
  const prio = rawIoprio(r.get('ioprio'));
  if (prio !== undefined) ev.ioprio = prio;
  return ev;
}
