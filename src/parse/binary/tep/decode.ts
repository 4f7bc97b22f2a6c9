import { contextFromFlags } from '../../header.js';
import type { ExecContext, OtherEvent, TraceEvent } from '../../../model/events.js';
import { intern } from '../../names.js';
import { readNumberAt, readString, type RawRecord } from './fields.js';
import type { EventFormat, FieldFormat } from './format.js';
import { buildModelled, MODELLED_SHAPES, type Head, type ModelledDecoder, type ModelledShape } from './modelled.js';
import type { SymbolSource } from './print-eval.js';
import { createPayloadArena, type PayloadArena } from './payload-arena.js';
import { lazyOtherEvent } from './lazy-other.js';
import { createEventPrinter, type EventPrinter } from './render.js';
import { createCommRegistry, symbolSource, type CommRegistry } from './symbols.js';
import type { TracingData } from './tracing-data.js';
import { compileDirect, writeRawOther, type DirectEncoder } from '../../wire-direct.js';
import type { WireSink } from '../../wire-records.js';

/**
 * Turns one raw tracepoint record (common fields + payload, as a ring buffer or a perf sample
 * holds it) into the TraceEvent the text parsers make of the same event printed by
 * `trace-cmd report`: the modelled events get their fields (modelled.ts), every other event
 * becomes `other` with its print fmt rendered as libtraceevent would (render.ts). Beside what the
 * text shows, a binary record also says the execution context: `flags` is libtraceevent's
 * latency-format column (`d.h1.`, as `trace-cmd report -l` prints it) and `ctx` follows from it.
 */

/** Which events get their payload decoded; the others become `other` events (as PayloadSelection). */
export type DecodeSelection = 'all' | 'none' | ReadonlySet<string>;

export interface DecoderOptions {
  payloads?: DecodeSelection;
  /** Set `flags` and `ctx` from common_flags / common_preempt_count (default true). */
  latencyFlags?: boolean;
  /** Function names for `%ps` when the file has no kallsyms (perf.data), tried after the file's own. */
  findFunction?: SymbolSource['findFunction'];
  /**
   * The task name of an event's header, instead of trace-cmd's (cmdlines, then what the sched
   * plugin names): perf.data names tasks by its COMM records.
   */
  commOf?: (pid: number) => string;
  /**
   * The records' bytes may be overwritten once `decode` returns (perf.data's reused read buffers):
   * an event that reads them later (an `other` event's `args`) keeps a copy of its payload.
   */
  volatileBytes?: boolean;
  /**
   * `encode` writes an event whose payload was not asked for as its record's bytes (the wire's
   * reader has the file's printers and makes the same lazy event), instead of leaving it to be
   * decoded and sent with its text rendered.
   */
  rawOthers?: boolean;
}

export interface RecordDecoder {
  /**
   * Decodes the record `r` (its payload starts at r.start) seen at `ts` on `cpu`; `line` is the
   * number the event is known by (its position in the merged stream). Never throws: a record
   * shorter than its format reads missing fields as 0 / ''.
   */
  decode(r: RawRecord, ts: number, cpu: number, line: number): TraceEvent;
  /**
   * Decodes `r` with a header the caller made (perf.data: the sample's task and the name its COMM
   * records gave it, the line it is delivered as), so every field is in the event's literal and
   * none is stored afterwards: a store into events of a dozen shapes is a megamorphic one.
   */
  decodeWith(r: RawRecord, head: Head): TraceEvent;
  /**
   * Writes the event `decode` would make of `r` straight into a wire record (the decoding thread:
   * no event object to make, then read back field by field), with the same side effects (task
   * names registered). False, with nothing written or registered, for an event that has no direct
   * form (an `other` event, unless `rawOthers`): the caller decodes it and encodes the object.
   */
  encode(r: RawRecord, ts: number, cpu: number, line: number, w: WireSink): boolean;
  /** The event format of a record's common_type, or undefined for an id the file does not describe. */
  formatOf(r: RawRecord): EventFormat | undefined;
  readonly comms: CommRegistry;
  readonly syms: SymbolSource;
}

interface Common {
  type: FieldFormat | undefined;
  flags: FieldFormat | undefined;
  preempt: FieldFormat | undefined;
  pid: FieldFormat | undefined;
}

function commonFields(events: Map<number, EventFormat>): Common {
  for (const ev of events.values()) {
    const type = ev.byName.get('common_type');
    if (!type) continue;
    return { type, flags: ev.byName.get('common_flags'), preempt: ev.byName.get('common_preempt_count'), pid: ev.byName.get('common_pid') };
  }
  return { type: undefined, flags: undefined, preempt: undefined, pid: undefined };
}

/** libtraceevent's latency column: irqs-off, need-resched, hard/softirq, preempt depth (low, high nibble). */
function latencyFlags(flags: number, pc: number): string {
  const hard = flags & 0x08;
  const soft = flags & 0x10;
  return (
    (flags & 0x01 ? 'd' : flags & 0x02 ? 'X' : '.') +
    (flags & 0x04 ? 'N' : '.') +
    (hard && soft ? 'H' : hard ? 'h' : soft ? 's' : '.') +
    (pc & 0xf ? (pc & 0xf).toString(16) : '.') +
    (pc & 0xf0 ? (pc >> 4).toString(16) : '.')
  );
}

interface Compiled {
  ev: EventFormat;
  name: string;
  system: string;
  printer: EventPrinter;
  /** The modelled decoder, when the event is modelled, selected and its format has the fields. */
  modelled: ModelledDecoder | null;
  shape: ModelledShape | null;
  /** Its wire writer, made on first use (undefined: not yet; null: the wire has no such event). */
  direct: DirectEncoder | null | undefined;
  /** Names the tasks the sched plugin would name when `trace-cmd report` prints this event. */
  registers: ((r: RawRecord) => void) | null;
  /** Not among the payloads asked for: its text is rendered when (if ever) `args` is read. */
  lazyArgs: boolean;
}

function lazyOther(c: Compiled, r: RawRecord, h: Head, arena: PayloadArena | null): OtherEvent {
  if (arena === null) return lazyOtherEvent(h.line, h.ts, h.cpu, h.pid, h.comm, c.name, c.system, r.bytes, r.view, r.start, r.size, r.little, c.printer, c.ev.id);
  arena.copy(r);
  return lazyOtherEvent(h.line, h.ts, h.cpu, h.pid, h.comm, c.name, c.system, arena.bytes, arena.view, arena.at, r.size, r.little, c.printer, c.ev.id);
}

export function createRecordDecoder(td: Pick<TracingData, 'events' | 'kallsyms' | 'printk' | 'cmdlines' | 'longSize'>, opts: DecoderOptions = {}): RecordDecoder {
  const payloads = opts.payloads ?? 'all';
  const wantsLatency = opts.latencyFlags ?? true;
  const commOf = opts.commOf;
  const rawOthers = opts.rawOthers ?? false;
  const arena = opts.volatileBytes ? createPayloadArena() : null;
  const syms = symbolSource(td, opts.findFunction);
  const comms = createCommRegistry(td.cmdlines);
  const common = commonFields(td.events);
  const typeOff = common.type?.offset ?? 0;
  const typeSize = common.type?.size ?? 2;
  // Dense tables, filled up front: an array first written at index 1200 (an event id) or 2305 (a
  // flags pair) is kept as a hash table by V8, and these are read for every record. In profiles of
  // the decoding thread's work on an 882k-event trace.dat, `encode` (where they are read) had 245 ms
  // of self time in 1.9 s as hash tables, 130 ms in 1.1 s dense (with the readers of field-readers.ts).
  let maxId = 0;
  for (const id of td.events.keys()) if (id > maxId) maxId = Math.min(id, 0xffff);
  const compiled: (Compiled | undefined)[] = new Array<Compiled | undefined>(maxId + 1).fill(undefined);
  /**
   * The latency column and context of each (flags, preempt count) pair, by flags · 256 + count;
   * the column shows only the flags' low 5 bits, so only they are kept.
   */
  const flagStrings: ({ flags: string; ctx: ExecContext | undefined } | undefined)[] = new Array<{ flags: string; ctx: ExecContext | undefined } | undefined>(0x20 * 256).fill(undefined);

  const selected = (name: string): boolean => payloads === 'all' || (payloads !== 'none' && payloads.has(name));

  function registrar(ev: EventFormat): Compiled['registers'] {
    const pairs: [FieldFormat, FieldFormat][] = [];
    const add = (pid: string, comm: string): void => {
      const p = ev.byName.get(pid);
      const c = ev.byName.get(comm);
      if (p && c) pairs.push([p, c]);
    };
    if (ev.system === 'sched' && ev.name === 'sched_switch') {
      add('prev_pid', 'prev_comm');
      add('next_pid', 'next_comm');
    } else if (ev.system === 'sched' && (ev.name === 'sched_wakeup' || ev.name === 'sched_wakeup_new')) add('pid', 'comm');
    if (pairs.length === 0) return null;
    return (r) => {
      for (const [p, c] of pairs) {
        const pid = readNumberAt(r, p.offset, p.size, p.signed);
        if (!comms.has(pid)) comms.register(pid, intern(readString(r, c)));
      }
    };
  }

  function compile(id: number): Compiled | undefined {
    const ev = td.events.get(id);
    if (!ev) return undefined;
    const printer = createEventPrinter(ev, syms);
    const factory = MODELLED_SHAPES.get(ev.name);
    const shape = factory && selected(ev.name) ? factory(ev, { syms, printer }) : null;
    // An event whose payload the caller did not ask for prints its text only if it is read.
    const lazyArgs = payloads !== 'all' && !selected(ev.name);
    const c: Compiled = { ev, name: intern(ev.name), system: intern(ev.system), printer, modelled: shape && buildModelled(shape), shape, direct: undefined, registers: registrar(ev), lazyArgs };
    if (id <= maxId) compiled[id] = c;
    return c;
  }

  const head: Head = { line: 0, ts: 0, cpu: 0, pid: 0, comm: '' };

  function fillHead(r: RawRecord, ts: number, cpu: number, line: number): void {
    const pid = common.pid ? readNumberAt(r, common.pid.offset, common.pid.size, common.pid.signed) : -1;
    head.line = line;
    head.ts = ts;
    head.cpu = cpu;
    head.pid = pid;
    // The task name is resolved before the payload names anything (trace-cmd prints it first).
    head.comm = commOf ? commOf(pid) : comms.comm(pid);
  }

  function decode(r: RawRecord, ts: number, cpu: number, line: number): TraceEvent {
    fillHead(r, ts, cpu, line);
    return decodeWith(r, head);
  }

  /** The latency column of `r` (undefined when not asked for or the format has no common_flags). */
  function latency(r: RawRecord): { flags: string; ctx: ExecContext | undefined } | undefined {
    if (!wantsLatency || !common.flags) return undefined;
    const f = readNumberAt(r, common.flags.offset, common.flags.size, false);
    const pc = common.preempt ? readNumberAt(r, common.preempt.offset, common.preempt.size, false) : 0;
    // A preempt count wider than u8 (none in a real format) is not cached.
    const small = pc <= 0xff;
    const key = (f & 0x1f) * 256 + pc;
    let l = small ? flagStrings[key] : undefined;
    if (l === undefined) {
      const flags = latencyFlags(f, pc);
      l = { flags, ctx: contextFromFlags(flags) };
      if (small) flagStrings[key] = l;
    }
    return l;
  }

  function decodeWith(r: RawRecord, h: Head): TraceEvent {
    const id = readNumberAt(r, typeOff, typeSize, false);
    const c = compiled[id] ?? compile(id);
    const l = latency(r);
    if (c?.modelled) {
      const m = c.modelled(r, h, l?.flags, l?.ctx);
      c.registers?.(r);
      return m;
    }
    let e: TraceEvent;
    if (!c) {
      const o: OtherEvent = { kind: 'other', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, name: `unknown_event_${id}`, args: `[UNKNOWN TYPE ${id}]` };
      e = o;
    } else {
      if (c.lazyArgs) e = lazyOther(c, r, h, arena);
      else e = { kind: 'other', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, name: c.name, system: c.system, args: c.printer.render(r) };
      c.registers?.(r);
    }
    if (l !== undefined) {
      e.flags = l.flags;
      if (l.ctx !== undefined) e.ctx = l.ctx;
    }
    return e;
  }

  function encode(r: RawRecord, ts: number, cpu: number, line: number, w: WireSink): boolean {
    const id = readNumberAt(r, typeOff, typeSize, false);
    const c = compiled[id] ?? compile(id);
    if (c === undefined) return false;
    if (c.shape) {
      if (c.direct === undefined) c.direct = compileDirect(c.shape.kind, c.shape.fields);
      if (c.direct === null) return false;
      fillHead(r, ts, cpu, line);
      const l = latency(r);
      c.direct(r, head, w, l?.flags, l?.ctx);
    } else if (c.lazyArgs && rawOthers) {
      fillHead(r, ts, cpu, line);
      const l = latency(r);
      writeRawOther(w, head, c.name, c.system, id, r, l?.flags, l?.ctx);
    } else return false;
    c.registers?.(r);
    return true;
  }

  return {
    decode,
    decodeWith,
    encode,
    formatOf: (r) => {
      const id = readNumberAt(r, typeOff, typeSize, false);
      return (compiled[id] ?? compile(id))?.ev;
    },
    comms,
    syms,
  };
}
