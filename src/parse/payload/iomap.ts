import type { Dev, IomapBeginEvent, IomapCompleteEvent, IomapQueuedEvent } from '../../model/events.js';
import { begin, hex, int, lit, until, untilLast, word } from '../scan.js';
import type { Payload } from './types.js';

/**
 * iomap DIO tracepoints (fs/iomap/trace.h, ≥6.4):
 *   begin    `dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf70000 length 0x1000 done_before 0x0 flags DIRECT|WRITE|AIO_RW dio_flags  aio 1`
 *   queued   `dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf71000 length 0x0`   (offset/length after iteration)
 *   complete `dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf71000 flags DIRECT|WRITE|AIO_RW aio 1 error 0 ret 4096`
 * `flags` and `dio_flags` may be empty (note the double space above), so they are cut at the next
 * fixed keyword rather than at a space.
 */

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
