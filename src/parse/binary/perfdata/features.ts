import { dataView, fail, headerString, u64 } from './bytes.js';
import { COMP_ZSTD, FEAT } from './constants.js';

/**
 * The feature sections perf writes after the data (file mode) or as HEADER_FEATURE records (pipe
 * mode), in the same layout. Strings are `struct perf_header_string { u32 len; char str[len]; }`.
 *   HOSTNAME, OSRELEASE, VERSION: one string     NRCPUS: u32 online, u32 available
 *   CMDLINE: u32 n, n strings                     COMPRESSED: u32 version, type, level, ratio, mmap_len
 *   EVENT_DESC: u32 n, u32 attr size, n × {attr, u32 nr ids, string name, u64 ids[nr]}
 *   TRACING_DATA: the tracing data (format descriptions), read by the event-format layer
 */

export interface PerfMeta {
  hostname?: string;
  osRelease?: string;
  perfVersion?: string;
  cmdline?: string[];
  cpusOnline?: number;
  /** HEADER_COMPRESSED: the records come as COMPRESSED(2) records of this codec. */
  compression?: { type: number; level: number };
  /** EVENT_DESC: event names by sample id. */
  namesById?: Map<number, string>;
}

export function readFeature(meta: PerfMeta, feat: number, bytes: Uint8Array, little: boolean): void {
  const dv = dataView(bytes);
  const end = bytes.length;
  switch (feat) {
    case FEAT.HOSTNAME:
      meta.hostname = headerString(dv, bytes, 0, end, little)[0];
      break;
    case FEAT.OSRELEASE:
      meta.osRelease = headerString(dv, bytes, 0, end, little)[0];
      break;
    case FEAT.VERSION:
      meta.perfVersion = headerString(dv, bytes, 0, end, little)[0];
      break;
    case FEAT.NRCPUS:
      if (end >= 8) meta.cpusOnline = dv.getUint32(4, little);
      break;
    case FEAT.CMDLINE: {
      if (end < 4) fail('CMDLINE feature truncated');
      const n = dv.getUint32(0, little);
      // Each string takes at least 4 bytes: a count past that is corrupted, not a reason to loop.
      if (n > (end - 4) / 4) fail(`CMDLINE feature claims ${n} strings in ${end} bytes`);
      const args: string[] = [];
      let at = 4;
      for (let i = 0; i < n; i++) {
        const [s, next] = headerString(dv, bytes, at, end, little);
        args.push(s);
        at = next;
      }
      meta.cmdline = args;
      break;
    }
    case FEAT.COMPRESSED:
      if (end < 12) fail('COMPRESSED feature truncated');
      meta.compression = { type: dv.getUint32(4, little), level: dv.getUint32(8, little) };
      if (meta.compression.type !== COMP_ZSTD) fail(`perf.data compressed with codec ${meta.compression.type}; only zstd (1) exists`);
      break;
    case FEAT.EVENT_DESC:
      meta.namesById = eventDescNames(dv, bytes, little);
      break;
    default:
      break;
  }
}

function eventDescNames(dv: DataView, bytes: Uint8Array, little: boolean): Map<number, string> {
  const end = bytes.length;
  const names = new Map<number, string>();
  if (end < 8) fail('EVENT_DESC feature truncated');
  const n = dv.getUint32(0, little);
  const attrSize = dv.getUint32(4, little);
  if (n > end / Math.max(attrSize, 1)) fail(`EVENT_DESC feature claims ${n} events of ${attrSize} bytes in ${end} bytes`);
  let at = 8;
  for (let i = 0; i < n; i++) {
    at += attrSize;
    if (at + 4 > end) fail('EVENT_DESC feature truncated');
    const nrIds = dv.getUint32(at, little);
    const [name, next] = headerString(dv, bytes, at + 4, end, little);
    if (nrIds > (end - next) / 8) fail(`EVENT_DESC event "${name}" claims ${nrIds} ids past the section's end`);
    for (let k = 0; k < nrIds; k++) names.set(u64(dv, next + k * 8, little), name);
    at = next + nrIds * 8;
  }
  return names;
}
