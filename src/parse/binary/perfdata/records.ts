import type { OtherEvent, TraceEvent } from '../../../model/events.js';
import type { EventHead } from '../../payload/types.js';
import { parseAttr, trailerBytes, type Attr } from './attr.js';
import { cString, fail, u64 } from './bytes.js';
import { PERF_TYPE_TRACEPOINT, REC, SAMPLE } from './constants.js';
import type { DecoderFactory, TracepointDecoder } from './decoder.js';
import { readFeature, type PerfMeta } from './features.js';
import { newFields, parseSample, parseTrailer, sampleId } from './sample.js';
import type { HeldBytes } from './rounds.js';
import type { ScopeCollector } from './scope.js';
import type { TimeBase } from './time.js';

/**
 * Acts on perf records. The kernel's records (SAMPLE, COMM, FORK, EXIT, LOST) are checked and
 * held, as bytes, until their round releases them in time order (rounds.ts); then samples become
 * TraceEvents, COMM/FORK/EXIT thread-table updates and LOST a `lost` event. Records perf writes
 * itself (attrs, features, tracing data and compressed chunks in pipe mode, FINISHED_ROUND) are
 * acted on at once.
 *
 * Record bodies after the 8-byte header (perf_event.h, tools/lib/perf/include/perf/event.h):
 *   COMM  u32 pid, tid; char comm[]            FORK/EXIT  u32 pid, ppid, tid, ptid; u64 time
 *   LOST  u64 id, lost                         LOST_SAMPLES  u64 lost
 *   HEADER_ATTR  perf_event_attr; u64 ids[]    HEADER_FEATURE  u64 feature; section bytes
 *   HEADER_TRACING_DATA  u32 size (the data follows the record)
 *   COMPRESSED  zstd bytes                     COMPRESSED2  u64 data size; zstd bytes
 *   ID_INDEX  u64 n; n × {u64 id, idx, cpu, tid}      AUXTRACE  u64 size, … (data follows)
 *   THREAD_MAP, CPU_MAP: what was recorded (scope.ts)
 */

/** What released records do: the delivery's side (deliver.ts). */
export interface RecordEffects {
  /**
   * The header of a released sample's event: its line, its time on the output's base, its task
   * (`tid`) and the name the task has now. The event is then built with it and passed to `event`,
   * or, when `holding`, its record is passed to `hold` and built later (deliver.ts).
   */
  head(ts: number, cpu: number, pid: number, tid: number): EventHead;
  /** Whether the sample of the last `head` is held in the reorder window. */
  holding(): boolean;
  /** The sample of the last `head`, held: its payload [rawAt, rawAt + rawLen) of round-queue block `block` (rawLen -1: none), its attr's index. */
  hold(block: number, rawAt: number, rawLen: number, attr: number): void;
  /** The event of the last `head`. */
  event(ev: TraceEvent): void;
  /** A LOST / LOST_SAMPLES record's `lost` event. */
  lost(ts: number, cpu: number, count: number): void;
  comm(pid: number, tid: number, comm: string): void;
  fork(pid: number, ppid: number, tid: number, ptid: number): void;
  exit(pid: number, tid: number): void;
}

export interface RecordContext {
  little: boolean;
  time: TimeBase;
  attrs: Attr[];
  meta: PerfMeta;
  makeDecoder: DecoderFactory;
  effects: RecordEffects;
  /** Holds a time-stamped kernel record until its round releases it (to `release`). */
  queue(ts: number, bytes: Uint8Array, dv: DataView, at: number, size: number, owned: boolean): void;
  /** The bytes of a round-queue block holding a held record, and the end of that hold. */
  heldBytes(block: number): HeldBytes;
  unpin(block: number): void;
  round(): void;
  /** COMPRESSED payloads, in order. */
  compressed(bytes: Uint8Array, offset: number): void;
  /** LOST_SAMPLES counts perf writes at the end, with no time: per CPU. */
  lostSamplesAtEnd(cpu: number, count: number, name: string): void;
  /** What the recording covered: its maps, ID_INDEX, task names and samples' PERIOD go here. */
  scope: ScopeCollector;
}

export interface RecordHandler {
  onRecord(dv: DataView, bytes: Uint8Array, at: number, type: number, misc: number, size: number, offset: number, owned: boolean): number;
  /**
   * A held record, released in time order: checked already when it was queued. `block`: the
   * round-queue block the bytes are in (-1: bytes valid only during the call); returns true when
   * the sample is held further (the delivery's reorder window), its block to be unpinned by `build`.
   */
  release(dv: DataView, bytes: Uint8Array, at: number, size: number, block?: number): boolean;
  /** Decodes a sample `release` held, with its header, and unpins its block. */
  build(block: number, rawAt: number, rawLen: number, attr: number, head: EventHead): TraceEvent;
  onBlob(blob: Uint8Array, offset: number): void;
  decoder(): TracepointDecoder | null;
  setDecoder(d: TracepointDecoder): void;
  /** Samples decoded so far. */
  samples(): number;
}

/** Widest range of sample ids looked up in an array. */
const DENSE_IDS = 1 << 16;

/** Largest CPU number accepted (the kernel's NR_CPUS limit is 8192). */
const MAX_CPU = 8191;

export function createRecordHandler(ctx: RecordContext): RecordHandler {
  const { little, time } = ctx;
  const attrs = ctx.attrs;
  const byId = new Map<number, Attr>();
  // The kernel numbers events in sequence (one id per event and CPU): a dense array over their
  // range finds a sample's attr faster than the map.
  let idBase = 0;
  let byIdDense: (Attr | undefined)[] = [];
  const cpuById = new Map<number, number>();
  let decoder: TracepointDecoder | null = null;
  let samples = 0;
  const f = newFields();

  let indexed = 0;
  const indexIds = (): void => {
    for (; indexed < attrs.length; indexed++) for (const id of (attrs[indexed] as Attr).ids) byId.set(id, attrs[indexed] as Attr);
    const ids = [...byId.keys()];
    idBase = Math.min(...ids);
    const span = Math.max(...ids) - idBase + 1;
    byIdDense = [];
    if (span <= DENSE_IDS) {
      for (let i = 0; i < span; i++) byIdDense.push(undefined);
      for (const [id, a] of byId) byIdDense[id - idBase] = a;
    }
  };

  /** The attr a record belongs to: the only one, or the one its sample id names. */
  let lastId = -1;
  let lastAttr: Attr | undefined;
  const attrOf = (dv: DataView, at: number, end: number, isSample: boolean, offset: number): Attr => {
    const first = attrs[0];
    if (first === undefined) fail(`record at offset ${offset} before any event attribute`);
    if (attrs.length === 1) return first;
    if (indexed < attrs.length) indexIds();
    // perf record -a writes IDENTIFIER first in every sample (sample_type 0x10587 here).
    const id = isSample && first.sampleType & SAMPLE.IDENTIFIER && at + 16 <= end ? u64(dv, at + 8, little) : sampleId(dv, at + 8, end, little, first.sampleType, isSample);
    if (id === lastId && lastAttr !== undefined) return lastAttr;
    // Records perf synthesizes carry a zeroed trailer: id 0 means the first event (evlist__event2evsel).
    if (id === 0) return first;
    const k = id - idBase;
    const a = k >= 0 && k < byIdDense.length ? byIdDense[k] : byId.get(id);
    if (a === undefined) fail(`${isSample ? 'sample' : 'record'} at offset ${offset} has id ${id}, which no event attribute lists: corrupted data`);
    lastId = id;
    lastAttr = a;
    return a;
  };

  const nameOf = (a: Attr): string => {
    if (a.name !== undefined) return a.name;
    const fromFormats = a.type === PERF_TYPE_TRACEPOINT ? decoder?.name(a.config) : undefined;
    const fromDesc = a.ids.length > 0 ? ctx.meta.namesById?.get(a.ids[0] as number) : undefined;
    a.name = fromFormats ?? fromDesc ?? `type${a.type}:${a.config}`;
    return a.name;
  };

  /** The sample type the last trailer was read with: the record's own event's (perf's dummy event, whose trailer is shorter, writes the COMM of `perf record -D`). */
  let trailerType = 0;
  /** Reads the sample-id trailer into `f` (first attr's type unless ids tell); false without sample_id_all. */
  const trailer = (dv: DataView, at: number, end: number, offset: number): boolean => {
    const a = attrs[0];
    if (a === undefined || !a.sampleIdAll) return false;
    const st = attrs.length === 1 ? a.sampleType : attrOf(dv, at, end, false, offset).sampleType;
    trailerType = st;
    if (!parseTrailer(dv, at + 8, end, little, st, f)) fail(`record at offset ${offset} is too short for its sample-id trailer`);
    return true;
  };
  const trailerTime = (): number => (f.hasTime ? time.ns(f.timeHi, f.timeLo) : -1);

  /**
   * Checks a time-ordered kernel record and returns its time (-1: none, perf applies it at once).
   * Everything that could be wrong with it is found here, so its release cannot fail.
   */
  const check = (dv: DataView, at: number, type: number, size: number, offset: number): number => {
    const end = at + size;
    switch (type) {
      case REC.SAMPLE: {
        const a = attrOf(dv, at, end, true, offset);
        if (!parseSample(dv, at + 8, end, little, a, f)) fail(`sample at offset ${offset} is shorter than its sample type says (${size} bytes): corrupted data`);
        if (f.cpu > MAX_CPU) fail(`sample at offset ${offset} names CPU ${f.cpu}: corrupted data`);
        // Only tracepoints' samples tell what was recorded of the kernel's events (scope.ts).
        if (a.type === PERF_TYPE_TRACEPOINT) ctx.scope.sample(f.period);
        return f.hasTime ? time.ns(f.timeHi, f.timeLo) : -1;
      }
      case REC.COMM:
        if (size < 16) fail(`COMM record at offset ${offset} is ${size} bytes`);
        return trailer(dv, at, end, offset) ? trailerTime() : -1;
      case REC.FORK:
      case REC.EXIT:
        if (size < 32) fail(`${type === REC.FORK ? 'FORK' : 'EXIT'} record at offset ${offset} is ${size} bytes`);
        return trailer(dv, at, end, offset) ? trailerTime() : -1;
      case REC.LOST:
        if (size < 24) fail(`LOST record at offset ${offset} is ${size} bytes`);
        return trailer(dv, at, end, offset) ? trailerTime() : -1;
      default:
        return -1;
    }
  };

  /** The event of a sample whose tracepoint payload is [rawAt, rawAt + rawLen) (rawLen -1: none). */
  const eventOf = (a: Attr, rawAt: number, rawLen: number, dv: DataView, bytes: Uint8Array, h: EventHead): TraceEvent => {
    if (a.type === PERF_TYPE_TRACEPOINT && decoder !== null && rawLen >= 0) return decoder.decode(a.config, dv, bytes, rawAt, rawLen, h);
    const name = nameOf(a);
    const colon = name.indexOf(':');
    const o: OtherEvent = { kind: 'other', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, name: colon >= 0 ? name.slice(colon + 1) : name, args: '' };
    if (colon >= 0) o.system = name.slice(0, colon);
    return o;
  };

  const build = (block: number, rawAt: number, rawLen: number, attr: number, h: EventHead): TraceEvent => {
    const b = ctx.heldBytes(block);
    const ev = eventOf(attrs[attr] as Attr, rawAt, rawLen, b.dv, b.bytes, h);
    ctx.unpin(block);
    return ev;
  };

  /** Acts on a checked record: at its time, in perf's order. True: the sample is held (see RecordHandler). */
  const release = (dv: DataView, bytes: Uint8Array, at: number, size: number, block = -1): boolean => {
    const type = dv.getUint32(at, little);
    const end = at + size;
    switch (type) {
      case REC.SAMPLE: {
        const a = attrOf(dv, at, end, true, -1);
        parseSample(dv, at + 8, end, little, a, f);
        samples++;
        const h = ctx.effects.head(f.hasTime ? time.ns(f.timeHi, f.timeLo) : -1, f.cpu, f.pid, f.tid);
        if (block >= 0 && ctx.effects.holding()) {
          ctx.effects.hold(block, f.rawAt, f.rawLen, a.index);
          return true;
        }
        ctx.effects.event(eventOf(a, f.rawAt, f.rawLen, dv, bytes, h));
        return false;
      }
      case REC.COMM: {
        const commEnd = trailer(dv, at, end, -1) ? end - trailerBytes(trailerType) : end;
        const tid = dv.getInt32(at + 12, little);
        const comm = cString(bytes, at + 16, Math.max(at + 16, commEnd));
        ctx.effects.comm(dv.getInt32(at + 8, little), tid, comm);
        ctx.scope.comm(tid, comm);
        return false;
      }
      case REC.FORK:
        ctx.effects.fork(dv.getInt32(at + 8, little), dv.getInt32(at + 12, little), dv.getInt32(at + 16, little), dv.getInt32(at + 20, little));
        return false;
      case REC.EXIT:
        ctx.effects.exit(dv.getInt32(at + 8, little), dv.getInt32(at + 16, little));
        return false;
      case REC.LOST:
      case REC.LOST_SAMPLES: {
        const count = u64(dv, at + (type === REC.LOST ? 16 : 8), little);
        trailer(dv, at, end, -1);
        ctx.effects.lost(trailerTime(), f.cpu, count);
        return false;
      }
      default:
        return false;
    }
  };

  /** A time-ordered record: held for its round, or acted on at once when it has no time. */
  const ordered = (dv: DataView, bytes: Uint8Array, at: number, type: number, size: number, offset: number, owned: boolean): void => {
    const ts = check(dv, at, type, size, offset);
    if (ts < 0) release(dv, bytes, at, size);
    else ctx.queue(ts, bytes, dv, at, size, owned);
  };

  return {
    release,
    build,
    onRecord(dv, bytes, at, type, misc, size, offset, owned) {
      void misc;
      const end = at + size;
      switch (type) {
        case REC.SAMPLE:
        case REC.COMM:
        case REC.FORK:
        case REC.EXIT:
        case REC.LOST:
          ordered(dv, bytes, at, type, size, offset, owned);
          return 0;
        case REC.LOST_SAMPLES: {
          if (size < 16) fail(`LOST_SAMPLES record at offset ${offset} is ${size} bytes`);
          const count = u64(dv, at + 8, little);
          trailer(dv, at, end, offset);
          if (f.hasTime && !(f.timeHi === 0 && f.timeLo === 0)) {
            ctx.queue(trailerTime(), bytes, dv, at, size, owned);
            return 0;
          }
          // perf record's own end-of-run count per event and CPU (read from the kernel), time 0.
          const a = attrs.length === 1 ? attrs[0] : attrOf(dv, at, end, false, offset);
          const id = a && a.sampleIdAll ? sampleId(dv, at + 8, end, little, a.sampleType, false) : -1;
          if (count > 0) ctx.lostSamplesAtEnd(cpuById.get(id) ?? f.cpu, count, a ? nameOf(a) : '');
          return 0;
        }
        case REC.FINISHED_ROUND:
          ctx.round();
          return 0;
        case REC.HEADER_ATTR: {
          if (size < 8 + 8) fail(`HEADER_ATTR record at offset ${offset} is ${size} bytes`);
          const attrSize = dv.getUint32(at + 12, little);
          if (attrSize < 64 || attrSize > size - 8) fail(`HEADER_ATTR record at offset ${offset}: attribute of ${attrSize} bytes in a ${size}-byte record`);
          const a = parseAttr(dv, at + 8, attrSize, little, attrs.length);
          for (let p = at + 8 + attrSize; p + 8 <= end; p += 8) a.ids.push(u64(dv, p, little));
          attrs.push(a);
          indexIds();
          return 0;
        }
        case REC.HEADER_FEATURE: {
          if (size < 16) fail(`HEADER_FEATURE record at offset ${offset} is ${size} bytes`);
          readFeature(ctx.meta, u64(dv, at + 8, little), bytes.slice(at + 16, end), little);
          return 0;
        }
        case REC.HEADER_TRACING_DATA:
          if (size < 12) fail(`HEADER_TRACING_DATA record at offset ${offset} is ${size} bytes`);
          return dv.getUint32(at + 8, little);
        case REC.AUXTRACE: {
          if (size < 16) fail(`AUXTRACE record at offset ${offset} is ${size} bytes`);
          const skip = u64(dv, at + 8, little);
          if (!Number.isFinite(skip)) fail(`AUXTRACE record at offset ${offset} claims ${skip} bytes of data`);
          return -skip;
        }
        case REC.ID_INDEX: {
          if (size < 16) fail(`ID_INDEX record at offset ${offset} is ${size} bytes`);
          const n = u64(dv, at + 8, little);
          if (n > (size - 16) / 32) fail(`ID_INDEX record at offset ${offset} claims ${n} entries in ${size} bytes`);
          for (let i = 0; i < n; i++) {
            const e = at + 16 + i * 32;
            const cpu = dv.getInt32(e + 16 + (little ? 0 : 4), little);
            cpuById.set(u64(dv, e, little), cpu);
            ctx.scope.idIndex(cpu, dv.getInt32(e + 24 + (little ? 0 : 4), little));
          }
          return 0;
        }
        case REC.THREAD_MAP:
          ctx.scope.threadMap(dv, bytes, at + 8, end, little, offset);
          return 0;
        case REC.CPU_MAP:
          ctx.scope.cpuMap(dv, at + 8, end, little, offset);
          return 0;
        case REC.COMPRESSED:
          ctx.compressed(bytes.subarray(at + 8, end), offset);
          return 0;
        case REC.COMPRESSED2: {
          if (size < 16) fail(`COMPRESSED2 record at offset ${offset} is ${size} bytes`);
          const n = u64(dv, at + 8, little);
          if (n > size - 16) fail(`COMPRESSED2 record at offset ${offset} claims ${n} bytes in ${size}`);
          ctx.compressed(bytes.subarray(at + 16, at + 16 + n), offset);
          return 0;
        }
        default:
          return 0;
      }
    },
    onBlob(blob) {
      // Pipe mode's tracing data, right after its HEADER_TRACING_DATA record.
      decoder = ctx.makeDecoder(blob);
      for (const a of attrs) if (a.type === PERF_TYPE_TRACEPOINT) a.name = undefined;
    },
    decoder: () => decoder,
    setDecoder(d) {
      decoder = d;
    },
    samples: () => samples,
  };
}

