import { u64, u64Hi, u64Lo } from './bytes.js';
import { idPositions, readValueBytes, trailerBytes, type Attr } from './attr.js';
import { READ_FORMAT, SAMPLE } from './constants.js';

/**
 * A SAMPLE record's fields, laid out as its event's sample_type says (perf_event.h, "struct
 * { struct perf_event_header header; u64 id; u64 ip; u32 pid, tid; u64 time; … }"): each field is
 * present when its bit is set, in this order: IDENTIFIER, IP, TID, TIME, ADDR, ID, STREAM_ID, CPU,
 * PERIOD, READ, CALLCHAIN, RAW. Nothing after RAW is needed. Other records end with the
 * sample-id trailer (TID, TIME, ID, STREAM_ID, CPU, IDENTIFIER) when sample_id_all is set.
 *
 * One mutable struct is filled per record (no allocation per sample).
 */

export interface SampleFields {
  pid: number;
  tid: number;
  /** Time as two u32 halves (exact past 2^53); hasTime false when the event records none. */
  timeHi: number;
  timeLo: number;
  hasTime: boolean;
  cpu: number;
  /**
   * PERIOD: how many events the sample stands for (1 when it is not recorded). 1 for every sample
   * of an unsampled recording, more in a sampled one (perf record -F, or -c N where the kernel
   * honours it; scope.ts); Infinity for a u64 past 2^53.
   */
  period: number;
  /** [rawAt, rawAt + rawLen) of the tracepoint payload in the record's bytes; rawLen -1 when absent. */
  rawAt: number;
  rawLen: number;
}

export function newFields(): SampleFields {
  return { pid: -1, tid: -1, timeHi: 0, timeLo: 0, hasTime: false, cpu: -1, period: 1, rawAt: 0, rawLen: -1 };
}

const toS32 = (v: number): number => v | 0;

/**
 * Fills `f` from the SAMPLE body at [at, end). Returns false when the fields run past the record
 * (a corrupted size or a sample type that does not match the record).
 */
export function parseSample(dv: DataView, at: number, end: number, little: boolean, attr: Attr, f: SampleFields): boolean {
  const st = attr.sampleType;
  let p = at;
  f.pid = f.tid = f.cpu = -1;
  f.hasTime = false;
  f.rawLen = -1;
  f.period = 1;
  if (st & SAMPLE.IDENTIFIER) p += 8;
  if (st & SAMPLE.IP) p += 8;
  if (st & SAMPLE.TID) {
    if (p + 8 > end) return false;
    f.pid = toS32(dv.getUint32(p, little));
    f.tid = toS32(dv.getUint32(p + 4, little));
    p += 8;
  }
  if (st & SAMPLE.TIME) {
    if (p + 8 > end) return false;
    f.timeHi = u64Hi(dv, p, little);
    f.timeLo = u64Lo(dv, p, little);
    f.hasTime = true;
    p += 8;
  }
  if (st & SAMPLE.ADDR) p += 8;
  if (st & SAMPLE.ID) p += 8;
  if (st & SAMPLE.STREAM_ID) p += 8;
  if (st & SAMPLE.CPU) {
    if (p + 8 > end) return false;
    f.cpu = dv.getUint32(p, little);
    p += 8;
  }
  if (st & SAMPLE.PERIOD) {
    if (p + 8 > end) return false;
    f.period = u64(dv, p, little);
    p += 8;
  }
  if (st & SAMPLE.READ) {
    if (attr.readFormat & READ_FORMAT.GROUP) {
      if (p + 8 > end) return false;
      const nr = u64(dv, p, little);
      const per = 8 + (attr.readFormat & READ_FORMAT.ID ? 8 : 0) + (attr.readFormat & READ_FORMAT.LOST ? 8 : 0);
      const head = 8 + (attr.readFormat & READ_FORMAT.TOTAL_TIME_ENABLED ? 8 : 0) + (attr.readFormat & READ_FORMAT.TOTAL_TIME_RUNNING ? 8 : 0);
      if (nr > (end - p) / per) return false;
      p += head + nr * per;
    } else p += readValueBytes(attr.readFormat);
  }
  if (st & SAMPLE.CALLCHAIN) {
    if (p + 8 > end) return false;
    const nr = u64(dv, p, little);
    if (nr > (end - p - 8) / 8) return false;
    p += 8 + nr * 8;
  }
  if (st & SAMPLE.RAW) {
    if (p + 4 > end) return false;
    const len = dv.getUint32(p, little);
    if (len > end - p - 4) return false;
    f.rawAt = p + 4;
    f.rawLen = len;
  }
  return p <= end;
}

/** Fills `f` from the sample-id trailer that ends at `end` (sample_id_all). False when it does not fit. */
export function parseTrailer(dv: DataView, start: number, end: number, little: boolean, sampleType: number, f: SampleFields): boolean {
  f.pid = f.tid = f.cpu = -1;
  f.hasTime = false;
  f.rawLen = -1;
  let p = end - trailerBytes(sampleType);
  if (p < start) return false;
  if (sampleType & SAMPLE.TID) {
    f.pid = toS32(dv.getUint32(p, little));
    f.tid = toS32(dv.getUint32(p + 4, little));
    p += 8;
  }
  if (sampleType & SAMPLE.TIME) {
    f.timeHi = u64Hi(dv, p, little);
    f.timeLo = u64Lo(dv, p, little);
    f.hasTime = true;
    p += 8;
  }
  if (sampleType & SAMPLE.ID) p += 8;
  if (sampleType & SAMPLE.STREAM_ID) p += 8;
  if (sampleType & SAMPLE.CPU) f.cpu = dv.getUint32(p, little);
  return true;
}

/** The sample id of a SAMPLE (from its start) or of another record's trailer (from its end); -1 when none. */
let cachedType = -1;
let cachedPos = idPositions(0);

export function sampleId(dv: DataView, bodyAt: number, end: number, little: boolean, sampleType: number, isSample: boolean): number {
  if (sampleType !== cachedType) {
    cachedPos = idPositions(sampleType);
    cachedType = sampleType;
  }
  const pos = cachedPos;
  if (isSample) {
    if (pos.inSample < 0 || bodyAt + pos.inSample * 8 + 8 > end) return -1;
    return u64(dv, bodyAt + pos.inSample * 8, little);
  }
  if (pos.inTrailer < 0 || end - pos.inTrailer * 8 < bodyAt) return -1;
  return u64(dv, end - pos.inTrailer * 8, little);
}
