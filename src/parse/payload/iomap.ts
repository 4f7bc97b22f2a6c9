import type { Dev, IomapBeginEvent, IomapCompleteEvent, IomapQueuedEvent } from '../../model/events.js';
import { begin, hex, int, lit, until, untilLast, word } from '../scan.js';
import { IOCB_FLAGS, IOMAP_DIO_FLAGS } from './kernel-tables.js';
import { flagNames, rawDev, rawFields, rawHex, rawNumber } from './raw.js';
import type { Payload } from './types.js';

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

function parseIomapBeginRaw(payload: string): Payload<IomapBeginEvent> | null {
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
  return { kind: 'iomap_dio_rw_begin', dev: r.dev, ino: r.ino, size, offset, length, doneBefore, iocbFlags, dioFlags, aio };
}

function parseIomapQueuedRaw(payload: string): Payload<IomapQueuedEvent> | null {
  const r = rawIomap(payload);
  if (!r) return null;
  const size = rawNumber(r.f.get('size'));
  const offset = rawNumber(r.f.get('offset'));
  const length = rawNumber(r.f.get('length'));
  if ([size, offset, length].some(Number.isNaN)) return null;
  return { kind: 'iomap_dio_rw_queued', dev: r.dev, ino: r.ino, size, offset, length };
}

function parseIomapCompleteRaw(payload: string): Payload<IomapCompleteEvent> | null {
  const r = rawIomap(payload);
  if (!r) return null;
  const { f } = r;
  const size = rawNumber(f.get('isize'));
  const offset = rawNumber(f.get('pos'));
  const aio = rawNumber(f.get('aio'));
  const error = rawNumber(f.get('error'));
  const ret = rawNumber(f.get('ret'));
  const iocbFlags = rawFlags(f.get('ki_flags'), IOCB_FLAGS);
  if ([size, offset, aio, error, ret].some(Number.isNaN) || iocbFlags === null) return null;
  return { kind: 'iomap_dio_complete', dev: r.dev, ino: r.ino, size, offset, iocbFlags, aio, error, ret };
}

function devIno(): { dev: Dev; ino: string } | null {
  if (!lit('dev ')) return null;
  const major = int();
  if (Number.isNaN(major) || !lit(':')) return null;
  const minor = int();
  if (Number.isNaN(minor) || !lit(' ino ')) return null;
  const ino = word();
  if (ino.length === 0) return null;
  return { dev: { major, minor }, ino };
}

function hexField(name: string): number {
  if (!lit(name)) return NaN;
  return hex();
}

export function parseIomapBegin(payload: string): Payload<IomapBeginEvent> | null {
  if (payload.startsWith('dev=')) return parseIomapBeginRaw(payload);
  begin(payload);
  const di = devIno();
  if (!di) return null;
  const size = hexField(' size ');
  const offset = hexField(' offset ');
  const length = hexField(' length ');
  const doneBefore = hexField(' done_before ');
  if ([size, offset, length, doneBefore].some(Number.isNaN) || !lit(' flags ')) return null;
  const iocbFlags = until(' dio_flags ');
  if (iocbFlags === null) return null;
  const dioFlags = untilLast(' aio ');
  if (dioFlags === null) return null;
  const aio = int();
  if (Number.isNaN(aio)) return null;
  return { kind: 'iomap_dio_rw_begin', dev: di.dev, ino: di.ino, size, offset, length, doneBefore, iocbFlags, dioFlags, aio };
}

export function parseIomapQueued(payload: string): Payload<IomapQueuedEvent> | null {
  if (payload.startsWith('dev=')) return parseIomapQueuedRaw(payload);
  begin(payload);
  const di = devIno();
  if (!di) return null;
  const size = hexField(' size ');
  const offset = hexField(' offset ');
  const length = hexField(' length ');
  if ([size, offset, length].some(Number.isNaN)) return null;
  return { kind: 'iomap_dio_rw_queued', dev: di.dev, ino: di.ino, size, offset, length };
}

export function parseIomapComplete(payload: string): Payload<IomapCompleteEvent> | null {
  if (payload.startsWith('dev=')) return parseIomapCompleteRaw(payload);
  begin(payload);
  const di = devIno();
  if (!di) return null;
  const size = hexField(' size ');
  const offset = hexField(' offset ');
  if (Number.isNaN(size) || Number.isNaN(offset) || !lit(' flags ')) return null;
  const iocbFlags = untilLast(' aio ');
  if (iocbFlags === null) return null;
  const aio = int();
  if (Number.isNaN(aio) || !lit(' error ')) return null;
  const error = int();
  if (Number.isNaN(error) || !lit(' ret ')) return null;
  const ret = int();
  if (Number.isNaN(ret)) return null;
  return { kind: 'iomap_dio_complete', dev: di.dev, ino: di.ino, size, offset, iocbFlags, aio, error, ret };
}
