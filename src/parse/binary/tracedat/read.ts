import type { DiagnosticsCollector } from '../../../model/diagnostics.js';
import type { LostEvent, TraceEvent } from '../../../model/events.js';
import { NON_NS_CLOCKS } from '../../../kernel/trace-clocks.js';
import { chooseBaseSec } from '../../../model/time.js';
import { BinaryError, cursor } from '../tep/bytes.js';
import { createRecordDecoder, type DecodeSelection } from '../tep/decode.js';
import type { RawRecord } from '../tep/fields.js';
import { initZstd } from '../zstd.js';
import { compressedBlocks, plainBlocks, type BlockSource } from './cpu-blocks.js';
import { decompressor } from './decompress.js';
import { readLayout, type BufferInfo, type TraceDatLayout } from './layout.js';
import { createMerger } from './merge.js';
import { createRecordCursor, defaultPageHeader, type RecordCursor } from './ring-records.js';
import type { ByteSource } from './source.js';
import { mayBeCompressed } from './start.js';
import type { WireWriter } from '../../wire.js';

/**
 * Reads a trace.dat (v6 or v7; zstd, zlib or uncompressed) and calls `onEvent` with the same
 * TraceEvents the text parsers make of `trace-cmd report`, in the order it prints them: CPUs
 * merged by timestamp, a `lost` event (and a `lost_events` diagnostic) before the first record of
 * a CPU after the ring buffer dropped events, and `line` the line `trace-cmd report` prints the
 * event on (its first line is `cpus=N`; lost markers are lines too), so that a line number in a
 * report points into the text the user can print. (With several buffers, trace-cmd interleaves
 * them: there `line` counts the events of the buffer read.)
 *
 * A file with several buffers (trace-cmd instances) holds separate timelines: one is read (the
 * `buffer` option, else the top instance when it has data, else the first that has), the others
 * are named in an `other_buffers` diagnostic.
 *
 * Damage in the metadata (header, formats, options) throws a BinaryError: nothing can be decoded
 * without it. Damage in a CPU's pages is a `binary_damaged` diagnostic: the events before it are
 * delivered and the other CPUs go on.
 */

export interface TraceDatOptions {
  diagnostics: DiagnosticsCollector;
  payloads?: DecodeSelection;
  /** Name of the instance to read ("" for the top one). */
  buffer?: string;
  /** Set `flags`/`ctx` from the records' common flags (default true). */
  latencyFlags?: boolean;
  /** File bytes consumed so far, now and then. */
  onProgress?: (bytes: number) => void;
  /** Awaited every few thousand records when it returns a promise (a consumer on another thread catching up). */
  pace?: () => Promise<void> | undefined;
  /**
   * The decoding thread's wire: modelled events are written straight into it (RecordDecoder.encode)
   * and only the others go to `onEvent` as objects, whose encoding into the same writer keeps the
   * order.
   */
  wire?: WireWriter;
  /** The wire's reader renders unanalysed events from their bytes (RecordDecoder's `rawOthers`). */
  wireRaw?: boolean;
}

export interface TraceDatResult {
  version: number;
  compression: string;
  buffer: string;
  clock: string | undefined;
  /** The clock does not count ns and no TSC2NSEC option converts it (kernel/trace-clocks.ts): timestamps are its ticks. */
  clockTicks: boolean;
  cpus: number;
  /** Events delivered (lost markers included). */
  events: number;
  /** The last `line` (events are numbered from 2, after `trace-cmd report`'s `cpus=N` line). */
  lines: number;
  records: number;
  /** Whole seconds subtracted from every timestamp (as the text parsers' baseSec). */
  baseSec: number;
  bytes: number;
  layout: TraceDatLayout;
}

function pickBuffer(L: TraceDatLayout, wanted: string | undefined): BufferInfo | null {
  const usable = L.buffers.filter((b) => !b.latency);
  if (wanted !== undefined) {
    const b = usable.find((x) => x.name === wanted);
    if (!b) throw new BinaryError(`no buffer named "${wanted}" in this trace.dat (it has ${usable.map((x) => JSON.stringify(x.name)).join(', ') || 'none'})`, 0);
    return b;
  }
  const hasData = (b: BufferInfo): boolean => b.cpus.some((c) => c.size > 0);
  return usable.find((b) => b.name === '' && hasData(b)) ?? usable.find(hasData) ?? usable[0] ?? null;
}

const cpuLabel = (n: number): string => `CPU:${n}`;

export async function readTraceDat(src: ByteSource, onEvent: (e: TraceEvent) => void, opts: TraceDatOptions): Promise<TraceDatResult> {
  const { diagnostics } = opts;
  if (mayBeCompressed(src)) await initZstd();
  const L = readLayout(src, decompressor);
  const buf = pickBuffer(L, opts.buffer);
  if (L.buffers.some((b) => b.latency) && (!buf || buf.latency)) throw new BinaryError('a latency-format trace.dat (its data is text, not ring-buffer pages): read it with `trace-cmd report` and analyze the text', 0);
  const others = L.buffers.filter((b) => b !== buf && b.cpus.some((c) => c.size > 0));
  if (others.length > 0) {
    diagnostics.add('other_buffers', 0, `read buffer ${JSON.stringify(buf?.name ?? '')}; not read: ${others.map((b) => `${JSON.stringify(b.name)} (${b.cpus.length} CPUs)`).join(', ')} (pick one with the buffer option)`);
  }
  for (const note of L.notes) diagnostics.add('other_buffers', 0, note);
  const result: TraceDatResult = {
    version: L.version,
    compression: L.compression?.name ?? 'none',
    buffer: buf?.name ?? '',
    clock: buf?.clock || L.clock,
    clockTicks: false,
    cpus: buf?.cpus.length ?? 0,
    events: 0,
    lines: 0,
    records: 0,
    baseSec: 0,
    bytes: src.size,
    layout: L,
  };
  if (!buf) throw new BinaryError('no events: the file holds no ring buffer', 0);

  const td = L.td;
  const pageSize = buf.pageSize || L.pageSize;
  const page = td.headerPage ?? defaultPageHeader(td.longSize, pageSize);
  const fmt = { pageSize, little: L.little, page, header: td.headerEvent };
  let damaged = 0;
  // Events are numbered by the line `trace-cmd report` prints them on: its line 1 is `cpus=N`.
  let line = 1;
  const onDamage = (msg: string): void => {
    damaged++;
    diagnostics.add('binary_damaged', line, msg);
  };
  const blocks: BlockSource[] = [];
  const cursors: RecordCursor[] = [];
  for (const c of buf.cpus) {
    if (c.size === 0) continue;
    let b: BlockSource;
    try {
      b = buf.compressed && L.compression ? compressedBlocks(src, c, pageSize, L.compression.name, decompressor, L.little) : plainBlocks(src, c, pageSize);
    } catch (err) {
      if (!(err instanceof BinaryError)) throw err;
      onDamage(err.message);
      continue;
    }
    blocks.push(b);
    const cur = createRecordCursor(c.cpu, b, fmt, onDamage);
    if (cur.advance()) cursors.push(cur);
  }
  // Whole seconds are taken off timestamps past ~46 days of uptime, as the text parsers do, from
  // the first event's time; the OFFSET option's shift is applied on top.
  let minAbs: bigint | undefined;
  for (const c of cursors) {
    const a = c.absolute();
    if (minAbs === undefined || a < minAbs) minAbs = a;
  }
  const tsc = L.tsc2nsec;
  if (result.clock !== undefined && NON_NS_CLOCKS.has(result.clock) && !tsc) {
    result.clockTicks = true;
    diagnostics.add('clock_not_ns', 0, `the trace clock is ${result.clock}, which does not count nanoseconds, and the file has no TSC2NSEC conversion: timestamps are its ticks`);
  }
  const toNs = (raw: bigint): bigint => (tsc ? ((raw * BigInt(tsc.mult)) >> BigInt(tsc.shift)) + L.offsetNs : raw + L.offsetNs);
  const firstNs = minAbs === undefined ? 0n : toNs(minAbs);
  result.baseSec = firstNs > 0n ? chooseBaseSec({ sec: Number(firstNs / 1_000_000_000n), fracNs: 0 }) : 0;
  const baseNs = BigInt(result.baseSec) * 1_000_000_000n;
  // Without a TSC conversion the shift is linear: fold it into each cursor's base.
  if (!tsc) for (const c of cursors) c.setBase(baseNs - L.offsetNs);

  const dec = createRecordDecoder(td, { payloads: opts.payloads, latencyFlags: opts.latencyFlags, rawOthers: opts.wire !== undefined && opts.wireRaw === true });
  const rec: RawRecord = { bytes: new Uint8Array(0), view: new DataView(new ArrayBuffer(0)), start: 0, size: 0, little: L.little };
  const merge = createMerger(cursors);
  const lastByCpu: number[] = [];
  const wire = opts.wire;
  let lastTs = 0;
  let sinceProgress = 0;
  for (let c = merge.peek(); c !== null; c = merge.peek()) {
    const ts = tsc ? Number(toNs(c.absolute()) - baseNs) : c.ts;
    if (c.lost !== 0) {
      line++;
      const count = c.lost;
      const lost: LostEvent = { kind: 'lost', line, ts: lastTs, cpu: c.cpu, pid: -1, comm: '', count, form: 'trace-cmd' };
      diagnostics.add('lost_events', line, count >= 0 ? `CPU ${c.cpu} lost ${count} events` : `CPU ${c.cpu} lost events (count not given)`, `${cpuLabel(c.cpu)} [${count >= 0 ? `${count} ` : ''}EVENTS DROPPED]`);
      onEvent(lost);
    }
    const prev = lastByCpu[c.cpu];
    if (prev !== undefined && ts < prev) diagnostics.add('timestamp_regression', line + 1, `CPU ${c.cpu} went back ${prev - ts} ns`);
    lastByCpu[c.cpu] = ts;
    rec.bytes = c.bytes;
    rec.view = c.view;
    rec.start = c.start;
    rec.size = c.size;
    line++;
    result.records++;
    lastTs = ts;
    if (wire === undefined || !dec.encode(rec, ts, c.cpu, line, wire.reserve())) onEvent(dec.decode(rec, ts, c.cpu, line));
    merge.pop();
    if (++sinceProgress >= 4096) {
      sinceProgress = 0;
      opts.onProgress?.(blocks.reduce((s, b) => s + b.consumed, 0));
      const wait = opts.pace?.();
      if (wait) await wait;
    }
  }
  result.events = line - 1;
  result.lines = line;
  if (result.records === 0 && damaged === 0) throw new BinaryError(`no events: ${buf.cpus.length === 0 ? 'the buffer has no CPU data' : 'every CPU buffer is empty'}`, 0);
  if (damaged > 0 && result.events === 0) throw new BinaryError(`no event could be read: ${diagnostics.summaries().find((s) => s.code === 'binary_damaged')?.examples[0]?.message ?? 'damaged data'}`, 0);
  return result;
}
