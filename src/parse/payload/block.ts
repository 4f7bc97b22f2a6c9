import type { BlockRqCompleteEvent, BlockRqEvent, Dev } from '../../model/events.js';
import { begin, int, lit, pos, setPos, skipSpaces, text, until, word } from '../scan.js';

/**
 * block_rq class payloads (include/trace/events/block.h):
 *   issue/insert  4.18–6.10 "%d,%d %s %u (%s) %llu + %u [%s]"
 *                 ≥6.11     "%d,%d %s %u (%s) %llu + %u %s,%u,%u [%s]"   (ioprio class,hint,level)
 *   complete/error         "%d,%d %s (%s) %llu + %u [%d]" / "… %s,%u,%u [%d]"
 * Real lines (6.18):
 *   `254,0 WS 4096 () 46699392 + 8 be,0,4 [fio]`       (tracefs; trace-cmd prints ioprio as `0x2,0,4`)
 *   `254,0 WS () 46699392 + 8 be,0,4 [0]`
 * and trace-cmd report -R's raw fields (see raw.ts):
 *   `dev=266338304 sector=37962984 nr_sector=2048 bytes=1048576 ioprio=16388 rwbs=RA comm=fio cmd=`
 *   `dev=266338304 sector=37962984 nr_sector=2048 error=0 ioprio=16388 rwbs=RA cmd=`
 */

import { rawDev, rawFields, rawIoprio, rawNumber } from './raw.js';
import type { Payload } from './types.js';

/**
 * A sector: `%llu` of a u64. A flush's completion prints (sector_t)-1 as `18446744073709551615`,
 * beyond a double's exact range, so values past 2^63 are read as the negative number they encode
 * (-1 here), exactly.
 */
function sectorNum(): number {
  const start = pos();
  const v = int();
  if (v <= Number.MAX_SAFE_INTEGER) return v;
  const big = BigInt(text().slice(start, pos()));
  return big >= 1n << 63n ? Number(big - (1n << 64n)) : Number(big);
}

function dev(): Dev | null {
  const major = int();
  if (Number.isNaN(major) || !lit(',')) return null;
  const minor = int();
  if (Number.isNaN(minor)) return null;
  return { major, minor };
}

/** `(cmd)`: empty for fs requests; SCSI passthrough prints hex bytes with spaces inside. */
function cmd(): string | null {
  if (!lit('(')) return null;
  return until(')');
}

/** Optional ioprio `be,0,4` / `0x2,0,4` between the sector count and the bracket. */
function ioprio(): string | undefined {
  skipSpaces();
  if (text().charCodeAt(pos()) === 91 /* [ */) return undefined;
  return word();
}

/** `[comm]` or `[errno]`: up to the LAST `]`, since a comm may hold one. */
function bracketed(): string | null {
  if (!lit('[')) return null;
  const s = text();
  const end = s.lastIndexOf(']');
  if (end < pos()) return null;
  const v = s.slice(pos(), end);
  setPos(end + 1);
  return v;
}

function parseBlockRqRaw(kind: BlockRqEvent['kind'], payload: string): Payload<BlockRqEvent> | null {
  const f = rawFields(payload);
  if (!f) return null;
  const d = rawDev(f.get('dev'));
  const bytes = rawNumber(f.get('bytes'));
  const sector = rawNumber(f.get('sector'));
  const nrSector = rawNumber(f.get('nr_sector'));
  const rwbs = f.get('rwbs');
  const issuer = f.get('comm');
  if (!d || rwbs === undefined || issuer === undefined || [bytes, sector, nrSector].some(Number.isNaN)) return null;
  const ev: Payload<BlockRqEvent> = { kind, dev: d, rwbs, bytes, cmd: f.get('cmd') ?? '', sector, nrSector, issuer };
  const prio = rawIoprio(f.get('ioprio'));
  if (prio !== undefined) ev.ioprio = prio;
  return ev;
}

function parseBlockRqCompleteRaw(kind: BlockRqCompleteEvent['kind'], payload: string): Payload<BlockRqCompleteEvent> | null {
  const f = rawFields(payload);
  if (!f) return null;
  const d = rawDev(f.get('dev'));
  const sector = rawNumber(f.get('sector'));
  const nrSector = rawNumber(f.get('nr_sector'));
  const error = rawNumber(f.get('error'));
  const rwbs = f.get('rwbs');
  if (!d || rwbs === undefined || [sector, nrSector, error].some(Number.isNaN)) return null;
  const ev: Payload<BlockRqCompleteEvent> = { kind, dev: d, rwbs, cmd: f.get('cmd') ?? '', sector, nrSector, error };
  const prio = rawIoprio(f.get('ioprio'));
  if (prio !== undefined) ev.ioprio = prio;
  return ev;
}

export function parseBlockRq(kind: BlockRqEvent['kind'], payload: string): Payload<BlockRqEvent> | null {
  if (payload.startsWith('dev=')) return parseBlockRqRaw(kind, payload);
  begin(payload);
  const d = dev();
  if (!d || !lit(' ')) return null;
  const rwbs = word();
  if (!lit(' ')) return null;
  const bytes = int();
  if (Number.isNaN(bytes) || !lit(' ')) return null;
  const c = cmd();
  if (c === null || !lit(' ')) return null;
  const sector = sectorNum();
  if (Number.isNaN(sector) || !lit(' + ')) return null;
  const nrSector = int();
  if (Number.isNaN(nrSector)) return null;
  const prio = ioprio();
  skipSpaces();
  const issuer = bracketed();
  if (issuer === null) return null;
  const ev: Payload<BlockRqEvent> = { kind, dev: d, rwbs, bytes, cmd: c, sector, nrSector, issuer };
  if (prio !== undefined) ev.ioprio = prio;
  return ev;
}

export function parseBlockRqComplete(kind: BlockRqCompleteEvent['kind'], payload: string): Payload<BlockRqCompleteEvent> | null {
  if (payload.startsWith('dev=')) return parseBlockRqCompleteRaw(kind, payload);
  begin(payload);
  const d = dev();
  if (!d || !lit(' ')) return null;
  const rwbs = word();
  if (!lit(' ')) return null;
  const c = cmd();
  if (c === null || !lit(' ')) return null;
  const sector = sectorNum();
  if (Number.isNaN(sector) || !lit(' + ')) return null;
  const nrSector = int();
  if (Number.isNaN(nrSector)) return null;
  const prio = ioprio();
  skipSpaces();
  const err = bracketed();
  if (err === null) return null;
  const error = Number(err);
  if (!Number.isInteger(error)) return null;
  const ev: Payload<BlockRqCompleteEvent> = { kind, dev: d, rwbs, cmd: c, sector, nrSector, error };
  if (prio !== undefined) ev.ioprio = prio;
  return ev;
}
