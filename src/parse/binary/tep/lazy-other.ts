import type { OtherEvent } from '../../../model/events.js';
import type { RawRecord } from './fields.js';
import type { EventPrinter } from './render.js';

/**
 * An `other` event whose `args` is rendered on first read. Rendering evaluates the print fmt, which
 * costs far more than reading the record, and a census (`inspect`) or an analysis never reads it.
 * A class, not a closure: the getter lives once on the prototype instead of two closures per event
 * (they cost more than decoding the record). Reading `args` makes it an own property, as on any
 * other event; until then it is not among the object's own keys.
 * The record's bytes are kept by reference when the reader never writes into a block once read
 * (trace.dat: each read or decompression makes a new one), else a copy (DecoderOptions.volatileBytes).
 * They are private fields of the event itself, not a record object beside it: one allocation less
 * per event, and most events of a wide capture are `other`.
 */
class LazyOther {
  readonly kind = 'other' as const;
  // Private fields: not among the event's keys (JSON, spreads and deep equality see an ordinary event).
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #start: number;
  readonly #size: number;
  readonly #little: boolean;
  readonly #printer: EventPrinter;
  /** The event's format id (common_type), for the decoding thread's wire (lazyRecordOf). */
  readonly #id: number;
  constructor(
    readonly line: number,
    readonly ts: number,
    readonly cpu: number,
    readonly pid: number,
    readonly comm: string,
    readonly name: string,
    readonly system: string,
    bytes: Uint8Array,
    view: DataView,
    start: number,
    size: number,
    little: boolean,
    printer: EventPrinter,
    id: number,
  ) {
    this.#id = id;
    this.#bytes = bytes;
    this.#view = view;
    this.#start = start;
    this.#size = size;
    this.#little = little;
    this.#printer = printer;
  }

  get args(): string {
    const text = this.#printer.render({ bytes: this.#bytes, view: this.#view, start: this.#start, size: this.#size, little: this.#little });
    Object.defineProperty(this, 'args', { value: text, enumerable: true, writable: true, configurable: true });
    return text;
  }

  static recordOf(e: object, into: RawRecord): number {
    if (!(#id in e)) return -1;
    const l = e as LazyOther;
    into.bytes = l.#bytes;
    into.view = l.#view;
    into.start = l.#start;
    into.size = l.#size;
    into.little = l.#little;
    return l.#id;
  }
}

/**
 * The record behind a lazy `other` event, for the decoding thread's wire writer (wire.ts), which
 * sends it as its bytes for the main thread to make the same lazy event: fills `into` and returns
 * the event's format id, or -1 (`into` untouched) when `e` is not a lazy event.
 */
export function lazyRecordOf(e: OtherEvent, into: RawRecord): number {
  return LazyOther.recordOf(e, into);
}

/**
 * A lazy `other` event of the record at `start` (`size` bytes) in `bytes`: made by the record
 * decoder, and on the main thread from a record the decoding thread sent as its bytes (wire.ts).
 */
export function lazyOtherEvent(
  line: number,
  ts: number,
  cpu: number,
  pid: number,
  comm: string,
  name: string,
  system: string,
  bytes: Uint8Array,
  view: DataView,
  start: number,
  size: number,
  little: boolean,
  printer: EventPrinter,
  id: number,
): OtherEvent {
  return new LazyOther(line, ts, cpu, pid, comm, name, system, bytes, view, start, size, little, printer, id) as unknown as OtherEvent;
}
