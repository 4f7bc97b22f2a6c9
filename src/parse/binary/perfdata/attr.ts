import { fail, u64 } from './bytes.js';
import { ATTR_FLAG_ENABLE_ON_EXEC, ATTR_FLAG_FREQ, ATTR_FLAG_INHERIT, ATTR_FLAG_SAMPLE_ID_ALL, READ_FORMAT, SAMPLE } from './constants.js';

/**
 * One recorded event (perf_event_attr) and the sample ids the kernel gave its per-CPU instances.
 * Only the fields that say how records are laid out, and what was recorded, are kept:
 *   type u32 @0, size u32 @4, config u64 @8, sample_period/sample_freq u64 @16, sample_type u64 @24,
 *   read_format u64 @32, the flag bit-field word @40 (bits: 1 inherit, 10 freq, 12 enable_on_exec,
 *   18 sample_id_all).
 */

export interface Attr {
  /** Position among the attrs (perf's evsel index). */
  index: number;
  type: number;
  /** For a tracepoint, the `ID:` of its format. */
  config: number;
  sampleType: number;
  readFormat: number;
  sampleIdAll: boolean;
  /** `freq`: sample_period holds a frequency in Hz (perf record -F), the kernel picks the periods. */
  freq: boolean;
  /** sample_period (or sample_freq with `freq`): 1 records every event. */
  samplePeriod: number;
  /** Children of a recorded task are recorded too (`inherit`; perf record's default). */
  inherit: boolean;
  /** Enabled when the workload execs (`enable_on_exec`: perf record -- COMMAND, per task). */
  enableOnExec: boolean;
  ids: number[];
  /** Set from EVENT_DESC / the tracing data: `block:block_rq_issue`. */
  name?: string;
}

/** Smallest perf_event_attr (PERF_ATTR_SIZE_VER0) and the bytes read from it. */
export const ATTR_MIN_BYTES = 64;

export function parseAttr(dv: DataView, at: number, size: number, little: boolean, index: number): Attr {
  if (size < ATTR_MIN_BYTES) fail(`perf_event_attr of ${size} bytes is smaller than the first version's ${ATTR_MIN_BYTES}`);
  const sampleType = u64(dv, at + 24, little);
  const readFormat = u64(dv, at + 32, little);
  // Bit-fields are laid out from the low bit on little-endian machines and from the high bit on
  // big-endian ones: read as a u64 in the file's order, `sample_id_all` is bit 18 or bit 63-18.
  const flag = (bit: number): boolean => {
    const b = little ? bit : 63 - bit;
    return ((dv.getUint32(at + 40 + ((b < 32) === little ? 0 : 4), little) >>> (b & 31)) & 1) === 1;
  };
  const period = u64(dv, at + 16, little);
  return {
    index,
    type: dv.getUint32(at, little),
    config: u64(dv, at + 8, little),
    sampleType: Number.isFinite(sampleType) ? sampleType : 0,
    readFormat: Number.isFinite(readFormat) ? readFormat : 0,
    sampleIdAll: flag(ATTR_FLAG_SAMPLE_ID_ALL),
    freq: flag(ATTR_FLAG_FREQ),
    samplePeriod: Number.isFinite(period) ? period : 0,
    inherit: flag(ATTR_FLAG_INHERIT),
    enableOnExec: flag(ATTR_FLAG_ENABLE_ON_EXEC),
    ids: [],
  };
}

/** Bytes of PERF_SAMPLE_READ for this read_format: fixed unless it is a group (nr is read then). */
export function readValueBytes(readFormat: number): number {
  let n = 1;
  if (readFormat & READ_FORMAT.TOTAL_TIME_ENABLED) n++;
  if (readFormat & READ_FORMAT.TOTAL_TIME_RUNNING) n++;
  if (readFormat & READ_FORMAT.ID) n++;
  if (readFormat & READ_FORMAT.LOST) n++;
  return n * 8;
}

/** Fields of the sample-id trailer (sample_id_all), in their order. */
const TRAILER_BITS = [SAMPLE.TID, SAMPLE.TIME, SAMPLE.ID, SAMPLE.STREAM_ID, SAMPLE.CPU, SAMPLE.IDENTIFIER];

export function trailerBytes(sampleType: number): number {
  let n = 0;
  for (const b of TRAILER_BITS) if (sampleType & b) n += 8;
  return n;
}

/**
 * Where the sample id sits, as perf computes it (evsel__calc_id_pos / is_pos): in a SAMPLE, u64
 * index counted from the start of the body; in a trailer, u64 index counted back from the end.
 * -1 when the sample type carries no id.
 */
export function idPositions(sampleType: number): { inSample: number; inTrailer: number } {
  if (sampleType & SAMPLE.IDENTIFIER) return { inSample: 0, inTrailer: 1 };
  if (!(sampleType & SAMPLE.ID)) return { inSample: -1, inTrailer: -1 };
  let inSample = 0;
  for (const b of [SAMPLE.IP, SAMPLE.TID, SAMPLE.TIME, SAMPLE.ADDR]) if (sampleType & b) inSample++;
  let inTrailer = 1;
  for (const b of [SAMPLE.CPU, SAMPLE.STREAM_ID]) if (sampleType & b) inTrailer++;
  return { inSample, inTrailer };
}
