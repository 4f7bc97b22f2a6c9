import type { Dev, IomapBeginEvent, IomapCompleteEvent, IomapQueuedEvent } from '../../model/events.js';
import { internName } from '../names.js';
import { at, hexNum, sint, uint } from '../scan.js';
import { IOCB_FLAGS, IOMAP_DIO_FLAGS } from './kernel-tables.js';
import { flagNames, rawDev, rawFields, rawHex, rawNumber } from './raw.js';
import { withHead, type EventHead } from './types.js';

/**
 * iomap DIO tracepoints (fs/iomap/trace.h, ≥6.4):
 *   begin    `dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf70000 length 0x1000 done_before 0x0 flags DIRECT|WRITE|AIO_RW dio_flags  aio 1`
 *   queued   `dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf71000 length 0x0`   (offset/length after iteration)
 *   complete `dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf71000 flags DIRECT|WRITE|AIO_RW aio 1 error 0 ret 4096`
 * `flags` and `dio_flags` may be empty (note the double space above), so they are cut at the next
 * fixed keyword rather than at a space.
 * trace-cmd report -R prints the raw fields under their struct names, flags as numbers:
 *   begin    `dev=266338304 ino=0x51270f isize=0x10000000 pos=0xf70000 count=0x1000 done_before=0x0 ki_flags=8781824 dio_flags=0 aio=1`
 *   queued   `dev=266338304 ino=0x51270f size=0x10000000 offset=0xf71000 length=0x0`
 *   complete `dev=266338304 ino=0x51270f isize=0x10000000 pos=0xf71000 ki_flags=8781824 aio=1 error=0 ret=4096`
 * mapped to the printed fields: isize → size, pos → offset, count → length, the flag bits → names.
 */

interface RawIomap {
  f: Map<string, string>;
  dev: Dev;
  ino: string;
}

function rawIomap(payload: string): RawIomap | null {
  const f = rawFields(payload);
  if (!f) return null;
  const dev = rawDev(f.get('dev'));
  const ino = rawHex(f.get('ino'));
  return dev && ino !== null ? { f, dev, ino } : null;
}

function rawFlags(v: string | undefined, table: typeof IOCB_FLAGS): string | null {
  const n = rawNumber(v);
  return Number.isInteger(n) ? flagNames(n >>> 0, table) : null;
}

function parseIomapBeginRaw(payload: string, h: EventHead): IomapBeginEvent | null {
  const r = rawIomap(payload);
  if (!r) return null;
  const { f } = r;
  const size = rawNumber(f.get('isize'));
  const offset = rawNumber(f.get('pos'));
  const length = rawNumber(f.get('count'));
  const doneBefore = rawNumber(f.get('done_before'));
  const aio = rawNumber(f.get('aio'));
  const iocbFlags = rawFlags(f.get('ki_flags'), IOCB_FLAGS);
  const dioFlags = rawFlags(f.get('dio_flags'), IOMAP_DIO_FLAGS);
  if ([size, offset, length, doneBefore, aio].some(Number.isNaN) || iocbFlags === null || dioFlags === null) return null;
  return withHead<IomapBeginEvent>(h, { kind: 'iomap_dio_rw_begin', dev: r.dev, ino: r.ino, size, offset, length, doneBefore, iocbFlags, dioFlags, aio });
}

function parseIomapQueuedRaw(payload: string, h: EventHead): IomapQueuedEvent | null {
  const r = rawIomap(payload);
  if (!r) return null;
  const size = rawNumber(r.f.get('size'));
  const offset = rawNumber(r.f.get('offset'));
  const length = rawNumber(r.f.get('length'));
  if ([size, offset, length].some(Number.isNaN)) return null;
  return withHead<IomapQueuedEvent>(h, { kind: 'iomap_dio_rw_queued', dev: r.dev, ino: r.ino, size, offset, length });
}

/**
 * iomap_dio_complete's `ret` as the kernel returned it. The kernel prints it with `%zd`; perf script
 * (libtraceevent) prints a negative one as a 32-bit unsigned number:
 *   `iomap:iomap_dio_complete: dev 7:0 ino 0x85 size 0x4000000 offset 0x29ac000 flags NOWAIT|DIRECT|WRITE|ALLOC_CACHE aio 1 error -11 ret 4294967285`
 * (an io_uring nowait attempt that would block: -EAGAIN). A DIO never moves 2 GiB or more at once
 * (rw_verify_area caps a request at MAX_RW_COUNT, INT_MAX rounded down to a page), so a value in
 * [2^31, 2^32) can only be such a wrapped negative.
 */
function dioRet(n: number): number {
  return n >= 2 ** 31 && n < 2 ** 32 ? n - 2 ** 32 : n;
}

function parseIomapCompleteRaw(payload: string, h: EventHead): IomapCompleteEvent | null {
  const r = rawIomap(payload);
  if (!r) return null;
  const { f } = r;
  const size = rawNumber(f.get('isize'));
  const offset = rawNumber(f.get('pos'));
  const aio = rawNumber(f.get('aio'));
  const error = rawNumber(f.get('error'));
  const ret = dioRet(rawNumber(f.get('ret')));
  const iocbFlags = rawFlags(f.get('ki_flags'), IOCB_FLAGS);
  if ([size, offset, aio, error, ret].some(Number.isNaN) || iocbFlags === null) return null;
  return withHead<IomapCompleteEvent>(h, { kind: 'iomap_dio_complete', dev: r.dev, ino: r.ino, size, offset, iocbFlags, aio, error, ret });
}

/** `dev M:m ino 0x… size 0x… offset 0x…` shared by the three events; leaves the index in at.p. */
const f = { major: 0, minor: 0, ino: '', size: 0, offset: 0 };
function devInoSizeOffset(s: string, p: number): boolean {
  if (!s.startsWith('dev ', p)) return false;
  const major = uint(s, p + 4);
  p = at.p;
  if (major !== major || s.charCodeAt(p) !== 58 /* : */) return false;
  const minor = uint(s, p + 1);
  p = at.p;
  if (minor !== minor || !s.startsWith(' ino ', p)) return false;
  const inoStart = p + 5;
  const inoEnd = s.indexOf(' ', inoStart);
  if (inoEnd <= inoStart || !s.startsWith(' size ', inoEnd)) return false;
  const size = hexNum(s, inoEnd + 6);
  p = at.p;
  if (size !== size || !s.startsWith(' offset ', p)) return false;
  const offset = hexNum(s, p + 8);
  if (offset !== offset) return false;
  f.major = major;
  f.minor = minor;
  f.ino = s.slice(inoStart, inoEnd);
  f.size = size;
  f.offset = offset;
  return true;
}

export function parseIomapBegin(s: string, p: number, h: EventHead): IomapBeginEvent | null {
  if (s.startsWith('dev=', p)) return parseIomapBeginRaw(s.slice(p), h);
  if (!devInoSizeOffset(s, p)) return null;
  let q = at.p;
  if (!s.startsWith(' length ', q)) return null;
  const length = hexNum(s, q + 8);
  q = at.p;
  if (length !== length || !s.startsWith(' done_before ', q)) return null;
  const doneBefore = hexNum(s, q + 13);
  q = at.p;
  if (doneBefore !== doneBefore || !s.startsWith(' flags ', q)) return null;
  // `flags` and `dio_flags` may be empty (`dio_flags  aio 1`): cut at the next keyword, not a space.
  const fs = q + 7;
  const df = s.indexOf(' dio_flags ', fs);
  if (df < 0) return null;
  const aioAt = s.lastIndexOf(' aio ');
  if (aioAt < df + 10) return null;
  const aio = sint(s, aioAt + 5);
  if (aio !== aio) return null;
  return {
    kind: 'iomap_dio_rw_begin',
    line: h.line,
    ts: h.ts,
    cpu: h.cpu,
    pid: h.pid,
    comm: h.comm,
    dev: { major: f.major, minor: f.minor },
    ino: f.ino,
    size: f.size,
    offset: f.offset,
    length,
    doneBefore,
    iocbFlags: internName(s, fs, df),
    dioFlags: aioAt <= df + 11 ? '' : internName(s, df + 11, aioAt),
    aio,
  };
}

export function parseIomapQueued(s: string, p: number, h: EventHead): IomapQueuedEvent | null {
  if (s.startsWith('dev=', p)) return parseIomapQueuedRaw(s.slice(p), h);
  if (!devInoSizeOffset(s, p)) return null;
  const q = at.p;
  if (!s.startsWith(' length ', q)) return null;
  const length = hexNum(s, q + 8);
  if (length !== length) return null;
  return { kind: 'iomap_dio_rw_queued', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, dev: { major: f.major, minor: f.minor }, ino: f.ino, size: f.size, offset: f.offset, length };
}

export function parseIomapComplete(s: string, p: number, h: EventHead): IomapCompleteEvent | null {
  if (s.startsWith('dev=', p)) return parseIomapCompleteRaw(s.slice(p), h);
  if (!devInoSizeOffset(s, p)) return null;
  let q = at.p;
  if (!s.startsWith(' flags ', q)) return null;
  const fs = q + 7;
  // The flags may be empty (`flags  aio 0`): anchor on the last ` aio `.
  const aioAt = s.lastIndexOf(' aio ');
  if (aioAt < fs - 1) return null;
  const aio = sint(s, aioAt + 5);
  q = at.p;
  if (aio !== aio || !s.startsWith(' error ', q)) return null;
  const error = sint(s, q + 7);
  q = at.p;
  if (error !== error || !s.startsWith(' ret ', q)) return null;
  const ret = dioRet(sint(s, q + 5));
  if (ret !== ret) return null;
  return {
    kind: 'iomap_dio_complete',
    line: h.line,
    ts: h.ts,
    cpu: h.cpu,
    pid: h.pid,
    comm: h.comm,
    dev: { major: f.major, minor: f.minor },
    ino: f.ino,
    size: f.size,
    offset: f.offset,
    iocbFlags: aioAt <= fs ? '' : internName(s, fs, aioAt),
    aio,
    error,
    ret,
  };
}
