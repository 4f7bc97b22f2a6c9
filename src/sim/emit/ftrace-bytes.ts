import type { BlockRqCompleteEvent, BlockRqEvent, IomapFileFields, TraceEvent } from '../../model/events.js';
import { NS_PER_S, NS_PER_US } from '../../model/time.js';
import { createHashPtr } from './shape.js';
import { cpu3 } from './line-parts.js';
import { nameOf, payloadText } from './payload.js';

/**
 * The ftrace writer's fast path: formats an event straight from the model's payload and the CPU's
 * header state into one growing byte buffer, with no TraceEvent stamped, no shaping pass and no
 * intermediate strings. It writes exactly the bytes of `createShaper('ftrace')` followed by
 * `createFtraceWriter()` (the shaped event's line, latin1, newline-terminated): the simulator's
 * determinism tests hash both paths' output. Used when nothing needs the event objects (no
 * `onEvent`), which is the simulator's streaming case.
 *
 * Cached as bytes: the `comm-pid [cpu] ` column per (pid, cpu, comm), the flags column, the
 * `event: ` label, the seconds part of the timestamp and the hashed work pointers. Numbers are
 * written digit by digit; any value outside the integer fast path (negative, fractional, huge)
 * goes through the same `String()`/`toString(16)` the string writer uses.
 *
 * A long file on purpose: it is one closure, and every primitive in it (bytes, word, dec, hex, the
 * timestamp) writes the same buffer at the same offset, two local variables of that closure. Split
 * across modules, each would reach them through an object on the simulator's hottest path (its
 * target is a million lines a second); the line format itself is shared with the string writer
 * through line-parts.ts and payload.ts.
 */

export interface FtraceBytes {
  /** Writes one event line. `flags` is the 5-character flags column; `ts` the exact ns. */
  event(cpu: number, pid: number, comm: string, flags: string, ts: number, e: { kind: TraceEvent['kind'] }): void;
  lines(): number;
  bytes(): number;
  /**
   * The collected text (and empties the buffer). With `copy` false, a view of the buffer itself,
   * valid only until the next event: for a consumer that reads it at once.
   */
  take(copy?: boolean): Buffer;
}

/** Room ensured before each line for everything but strings (which check their own length). */
const LINE_ROOM = 1024;

const latin1 = (s: string): Uint8Array => Buffer.from(s, 'latin1');

/** The payloads' constant pieces, as bytes. */
const SP_PLUS_SP = latin1(' + ');
const WORK_STRUCT_EQ = latin1('work struct=');
const SP_FUNCTION_EQ = latin1(' function=');
const SP_WORKQUEUE_EQ = latin1(' workqueue=');
const SP_REQ_CPU_EQ = latin1(' req_cpu=');
const SP_CPU_EQ = latin1(' cpu=');
const WORK_STRUCT_SP = latin1('work struct ');
const COLON_FUNCTION_SP = latin1(': function ');
const PREV_COMM_EQ = latin1('prev_comm=');
const SP_PREV_PID_EQ = latin1(' prev_pid=');
const SP_PREV_PRIO_EQ = latin1(' prev_prio=');
const SP_PREV_STATE_EQ = latin1(' prev_state=');
const SP_ARROW_NEXT_COMM_EQ = latin1(' ==> next_comm=');
const SP_NEXT_PID_EQ = latin1(' next_pid=');
const SP_NEXT_PRIO_EQ = latin1(' next_prio=');
const COMM_EQ = latin1('comm=');
const SP_PID_EQ = latin1(' pid=');
const SP_PRIO_EQ = latin1(' prio=');
const SP_SUCCESS_EQ = latin1(' success=');
const SP_TARGET_CPU_EQ = latin1(' target_cpu=');
const IRQ_EQ = latin1('irq=');
const SP_NAME_EQ = latin1(' name=');
const SP_RET_EQ = latin1(' ret=');
const VEC_EQ = latin1('vec=');
const SP_ACTION_EQ = latin1(' [action=');
const DEV_SP = latin1('dev ');
const SP_INO_SP = latin1(' ino ');
const SP_SIZE_SP = latin1(' size ');
const SP_OFFSET_SP = latin1(' offset ');
const SP_LENGTH_SP = latin1(' length ');
const SP_DONE_BEFORE_SP = latin1(' done_before ');
const SP_FLAGS_SP = latin1(' flags ');
const SP_DIO_FLAGS_SP = latin1(' dio_flags ');
const SP_AIO_SP = latin1(' aio ');
const SP_ERROR_SP = latin1(' error ');
const SP_RET_SP = latin1(' ret ');

export function createFtraceBytes(hashKey: number, capacity = (1 << 20) + (1 << 16)): FtraceBytes {
  let buf = Buffer.allocUnsafe(capacity);
  let off = 0;
  let n = 0;
  const hashPtr = createHashPtr(hashKey);

  function grow(need: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, off + need));
    buf.copy(bigger, 0, 0, off);
    buf = bigger;
  }

  function bytes(b: Uint8Array): void {
    const len = b.length;
    if (off + len + LINE_ROOM > buf.length) grow(len + LINE_ROOM);
    const d = buf;
    const o = off;
    for (let i = 0; i < len; i++) d[o + i] = b[i] as number;
    off = o + len;
  }

  /** A string, latin1 (as Buffer.write would: the low byte of each UTF-16 unit). */
  function str(s: string): void {
    const len = s.length;
    if (off + len + LINE_ROOM > buf.length) grow(len + LINE_ROOM);
    const b = buf;
    const o = off;
    for (let i = 0; i < len; i++) b[o + i] = s.charCodeAt(i) & 0xff;
    off = o + len;
  }

  /** A short constant (the room left after each line start or string covers it). */
  function raw(b: Uint8Array): void {
    const len = b.length;
    const d = buf;
    const o = off;
    for (let i = 0; i < len; i++) d[o + i] = b[i] as number;
    off = o + len;
  }

  /** A string of the model's small vocabulary (names, flags, comms), through a byte cache. */
  const vocab = new Map<string, Uint8Array>();
  function word(s: string): void {
    let b = vocab.get(s);
    if (b === undefined) {
      b = latin1(s);
      if (vocab.size > 4096) vocab.clear();
      vocab.set(s, b);
    }
    bytes(b);
  }

  function ch(c: number): void {
    buf[off++] = c;
  }

  /** `${v}` of a number. */
  function dec(v: number): void {
    if (!(v >= 0 && v <= 0x7fffffff && (v | 0) === v)) {
      if (Number.isSafeInteger(v) && v > 0) {
        decBig(v);
        return;
      }
      str(String(v));
      return;
    }
    let digits = 1;
    for (let x = v; x >= 10; x = (x / 10) | 0) digits++;
    let i = off + digits;
    off = i;
    let x = v;
    do {
      const q = (x / 10) | 0;
      buf[--i] = 48 + x - q * 10;
      x = q;
    } while (x > 0);
  }

  function decBig(v: number): void {
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    let i = off + digits;
    off = i;
    let x = v;
    do {
      const q = Math.floor(x / 10);
      buf[--i] = 48 + (x - q * 10);
      x = q;
    } while (x > 0);
  }

  /** `0x${v.toString(16)}`. */
  function hex(v: number): void {
    buf[off++] = 48;
    buf[off++] = 120;
    if (!(Number.isSafeInteger(v) && v >= 0)) {
      str(v.toString(16));
      return;
    }
    let digits = 1;
    for (let x = v; x >= 16; x = Math.floor(x / 16)) digits++;
    let i = off + digits;
    off = i;
    let x = v;
    do {
      const q = Math.floor(x / 16);
      const d = x - q * 16;
      buf[--i] = d < 10 ? 48 + d : 87 + d;
      x = q;
    } while (x > 0);
  }

  /** cpu3 of line-parts.ts: `%03d` for 0..99, else the plain number. */
  function cpu3p(v: number): void {
    if (v >= 0 && v < 10) {
      buf[off++] = 48;
      buf[off++] = 48;
    } else if (v >= 0 && v < 100) buf[off++] = 48;
    dec(v);
  }

  function devColon(d: { major: number; minor: number }, sep: number): void {
    dec(d.major);
    ch(sep);
    dec(d.minor);
  }

  // ---- cached pieces ----
  const columns = new Map<number, { comm: string; bytes: Uint8Array }>();
  // Consecutive lines mostly come from the same task on the same CPU: the last column is kept aside.
  let lastKey = -1;
  let lastComm = '';
  let lastColumn: Uint8Array = new Uint8Array(0);
  function column(comm: string, pid: number, cpu: number): Uint8Array {
    const key = pid * 4096 + cpu;
    if (key === lastKey && comm === lastComm) return lastColumn;
    lastKey = key;
    lastComm = comm;
    lastColumn = columnOf(comm, pid, cpu, key);
    return lastColumn;
  }
  function columnOf(comm: string, pid: number, cpu: number, key: number): Uint8Array {
    const hit = columns.get(key);
    if (hit !== undefined && hit.comm === comm) return hit.bytes;
    const b = latin1(`${comm.padStart(16, ' ')}-${String(pid).padEnd(7, ' ')} [${cpu3(cpu)}] `);
    if (columns.size > 4096) columns.clear();
    columns.set(key, { comm, bytes: b });
    return b;
  }
  const flagBytes = new Map<string, Uint8Array>();
  let lastFlags = '';
  let lastFlagBytes: Uint8Array = new Uint8Array(0);
  const labels = new Map<string, Uint8Array>();
  const pointers = new Map<string, Uint8Array>();
  function pointer(raw: string): Uint8Array {
    let b = pointers.get(raw);
    if (b === undefined) {
      b = latin1(raw.startsWith('0x') ? hashPtr(raw) : raw);
      if (pointers.size > 65536) pointers.clear();
      pointers.set(raw, b);
    }
    return b;
  }
  let lastSec = -1;
  let secBytes: Uint8Array = new Uint8Array(0);

  function timestamp(ts: number): void {
    // Exactly the shaper's truncation to µs, then the ` %5lu.%06lu` formatter's arithmetic.
    const t = ts - (ts % NS_PER_US);
    const sec = Math.floor(t / NS_PER_S);
    if (sec !== lastSec) {
      lastSec = sec;
      secBytes = latin1(String(sec).padStart(5, ' '));
    }
    bytes(secBytes);
    ch(46);
    const us = Math.floor((t - sec * NS_PER_S) / NS_PER_US);
    if (!(us < 100000)) {
      dec(us);
      return;
    }
    const u = us | 0;
    if (u !== us || u < 0) {
      str(String(us).padStart(6, '0'));
      return;
    }
    let x = u;
    for (let i = off + 5; i >= off; i--) {
      const q = (x / 10) | 0;
      buf[i] = 48 + x - q * 10;
      x = q;
    }
    off += 6;
  }

  /** `(cmd) sector + nr[ ioprio] [` shared by the block_rq events, up to the last bracket's content. */
  function blockRqTail(e: BlockRqEvent | BlockRqCompleteEvent): void {
    ch(40);
    word(e.cmd);
    ch(41);
    ch(32);
    dec(e.sector);
    raw(SP_PLUS_SP);
    dec(e.nrSector);
    if (e.ioprio !== undefined) {
      ch(32);
      word(e.ioprio);
    }
    ch(32);
    ch(91);
  }

  /** `dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf70000`: how every iomap_dio payload starts. */
  function iomapFile(e: IomapFileFields): void {
    raw(DEV_SP);
    devColon(e.dev, 58);
    raw(SP_INO_SP);
    word(e.ino);
    raw(SP_SIZE_SP);
    hex(e.size);
    raw(SP_OFFSET_SP);
    hex(e.offset);
  }

  function payload(e: TraceEvent): void {
    switch (e.kind) {
      case 'block_rq_issue':
      case 'block_rq_insert':
        devColon(e.dev, 44);
        ch(32);
        word(e.rwbs);
        ch(32);
        dec(e.bytes);
        ch(32);
        blockRqTail(e);
        word(e.issuer);
        ch(93);
        return;
      case 'block_rq_complete':
      case 'block_rq_error':
        devColon(e.dev, 44);
        ch(32);
        word(e.rwbs);
        ch(32);
        blockRqTail(e);
        dec(e.error);
        ch(93);
        return;
      case 'workqueue_queue_work':
        raw(WORK_STRUCT_EQ);
        bytes(pointer(e.work));
        raw(SP_FUNCTION_EQ);
        word(e.function);
        raw(SP_WORKQUEUE_EQ);
        word(e.workqueue);
        raw(SP_REQ_CPU_EQ);
        dec(e.reqCpu);
        raw(SP_CPU_EQ);
        dec(e.targetCpu);
        return;
      case 'workqueue_activate_work':
        raw(WORK_STRUCT_SP);
        bytes(pointer(e.work));
        if (e.function !== undefined) {
          raw(SP_FUNCTION_EQ);
          word(e.function);
          ch(32);
        }
        return;
      case 'workqueue_execute_start':
        raw(WORK_STRUCT_SP);
        bytes(pointer(e.work));
        raw(COLON_FUNCTION_SP);
        word(e.function);
        return;
      case 'workqueue_execute_end':
        raw(WORK_STRUCT_SP);
        bytes(pointer(e.work));
        if (e.function !== undefined) {
          raw(COLON_FUNCTION_SP);
          word(e.function);
        }
        return;
      case 'sched_switch':
        if (e.form === 'plugin') break;
        raw(PREV_COMM_EQ);
        word(e.prevComm);
        raw(SP_PREV_PID_EQ);
        dec(e.prevPid);
        raw(SP_PREV_PRIO_EQ);
        dec(e.prevPrio);
        raw(SP_PREV_STATE_EQ);
        word(e.prevState);
        raw(SP_ARROW_NEXT_COMM_EQ);
        word(e.nextComm);
        raw(SP_NEXT_PID_EQ);
        dec(e.nextPid);
        raw(SP_NEXT_PRIO_EQ);
        dec(e.nextPrio);
        return;
      case 'sched_waking':
      case 'sched_wakeup':
      case 'sched_wakeup_new':
        if (e.form === 'plugin') break;
        raw(COMM_EQ);
        word(e.targetComm);
        raw(SP_PID_EQ);
        dec(e.targetPid);
        raw(SP_PRIO_EQ);
        dec(e.prio);
        if (e.success !== undefined) {
          raw(SP_SUCCESS_EQ);
          dec(e.success);
        }
        raw(SP_TARGET_CPU_EQ);
        cpu3p(e.targetCpu);
        return;
      case 'irq_handler_entry':
        raw(IRQ_EQ);
        dec(e.irq);
        raw(SP_NAME_EQ);
        word(e.name);
        return;
      case 'irq_handler_exit':
        raw(IRQ_EQ);
        dec(e.irq);
        raw(SP_RET_EQ);
        word(e.ret);
        return;
      case 'softirq_entry':
      case 'softirq_exit':
      case 'softirq_raise':
        raw(VEC_EQ);
        dec(e.vec);
        raw(SP_ACTION_EQ);
        word(e.action);
        ch(93);
        return;
      case 'iomap_dio_rw_begin':
        iomapFile(e);
        raw(SP_LENGTH_SP);
        hex(e.length);
        raw(SP_DONE_BEFORE_SP);
        hex(e.doneBefore);
        raw(SP_FLAGS_SP);
        word(e.iocbFlags);
        raw(SP_DIO_FLAGS_SP);
        word(e.dioFlags);
        raw(SP_AIO_SP);
        dec(e.aio);
        return;
      case 'iomap_dio_rw_queued':
        iomapFile(e);
        raw(SP_LENGTH_SP);
        hex(e.length);
        return;
      case 'iomap_dio_complete':
        iomapFile(e);
        raw(SP_FLAGS_SP);
        word(e.iocbFlags);
        raw(SP_AIO_SP);
        dec(e.aio);
        raw(SP_ERROR_SP);
        dec(e.error);
        raw(SP_RET_SP);
        dec(e.ret);
        return;
      default:
        break;
    }
    // Anything the model does not emit in kernel form: the string writer's text.
    str(payloadText(e));
  }

  return {
    event(cpu, pid, comm, flags, ts, p) {
      const e = p as TraceEvent;
      if (off + LINE_ROOM > buf.length) grow(LINE_ROOM);
      if (e.kind === 'lost') {
        // Not emitted by the model; kept for completeness, as the string writer prints it.
        str(e.form === 'buffer-started' ? `##### CPU ${cpu} buffer started ####` : `CPU:${cpu} [LOST ${e.count} EVENTS]`);
      } else {
        bytes(column(comm, pid, cpu));
        if (flags !== lastFlags) {
          lastFlags = flags;
          let f = flagBytes.get(flags);
          if (f === undefined) {
            f = latin1(flags);
            flagBytes.set(flags, f);
          }
          lastFlagBytes = f;
        }
        raw(lastFlagBytes);
        ch(32);
        timestamp(ts);
        ch(58);
        ch(32);
        let l = labels.get(e.kind);
        if (l === undefined) {
          l = latin1(`${nameOf(e)}: `);
          if (e.kind !== 'other') labels.set(e.kind, l);
        }
        bytes(l);
        payload(e);
      }
      if (off + 1 > buf.length) grow(1);
      buf[off++] = 10;
      n++;
    },
    lines: () => n,
    bytes: () => off,
    take(copy = true) {
      // A copy by default: a stream may still hold the chunk while this buffer is refilled.
      const out = copy ? Buffer.from(buf.subarray(0, off)) : buf.subarray(0, off);
      off = 0;
      n = 0;
      return out;
    },
  };
}
