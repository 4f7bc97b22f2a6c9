import { createDiagnostics, type DiagnosticsCollector } from '../../../model/diagnostics.js';
import type { TraceEvent } from '../../../model/events.js';
import { parseAttr, type Attr } from './attr.js';
import { BinaryError } from '../tep/bytes.js';
import { dataView, fail, u64 } from './bytes.js';
import { FEAT, FILE_HEADER_BYTES, PIPE_HEADER_BYTES } from './constants.js';
import type { DecoderFactory } from './decoder.js';
import { createDelivery } from './deliver.js';
import { readFeature, type PerfMeta } from './features.js';
import { checkSection, featureSection, featureTable, parseHeader, type FileHeader } from './header.js';
import { createCompressedStream, type CompressedStream, type ZstdStreamFn } from './compressed.js';
import { createRecordPump, type RecordPump } from './pump.js';
import { createRecordHandler, type RecordHandler } from './records.js';
import { createRecordQueue } from './rounds.js';
import { noteScope, createScopeCollector, type RecordingScope } from './scope.js';
import { bufferSource, createBufferPool, type BufferPool, fileSource, memorySource, streamSource, type ByteSource } from './source.js';
import { createTimeBase } from './time.js';
import { DamagedInputError } from '../errors.js';
import { dirFormatVersion, FEAT_DIR_FORMAT, readLanes, type Lane } from './directory.js';
import { isDirectory, perfDirectory, perfHeaderPath } from '../../../input/perf-directory.js';

/**
 * Reads a perf.data file (file or pipe mode, `perf record -z` too, or the directory `perf record
 * --threads` writes: directory.ts) and calls `onEvent` with the
 * TraceEvents `perf script --show-lost-events` prints, in its order: each event's `line` is the
 * line perf prints it on. One pass over the data section; memory is that of the round queue
 * (about two FINISHED_ROUND windows of records and the 50 ms reorder window's samples, kept in their read buffers), one record's carry
 * and the tracing data (for a directory, about two 2 MiB turns of each file instead of the rounds).
 * A bad header, attribute or feature section, or damaged records before any sample, stop it with
 * one BinaryError naming the offset; damage after that ends the reading with a `binary_damaged`
 * diagnostic, after the events before it (of a directory, the reading of that file only).
 *
 * (Longer than most files here: pipe mode, file mode and the directory share the handler, the
 * queue, the compressed streams and the damage rule set up in readFrom, as closures.)
 */

export interface PerfDataOptions {
  makeDecoder: DecoderFactory;
  /** The shared zstd stream decoder (initialized), for `perf record -z` files. */
  zstd?: ZstdStreamFn;
  label?: string;
  strict?: boolean;
  diagnostics?: DiagnosticsCollector;
  /** Read size of the data section (default 1 MiB: records are kept in their chunk until released, so memory is about two rounds plus a chunk); tests use tiny ones. */
  chunkBytes?: number;
  onProgress?: (bytes: number) => void;
  /** Awaited before each chunk when it returns a promise: the parsing thread waits here for the analyzing one. */
  pace?: () => Promise<void> | undefined;
}

export interface PerfDataResult {
  mode: 'file' | 'pipe';
  little: boolean;
  compressed: boolean;
  meta: PerfMeta;
  /** Event names recorded (`block:block_rq_issue`, …), in attribute order. */
  eventNames: string[];
  events: number;
  samples: number;
  /** Bytes of input read (for a compressed file, before decompression). */
  bytes: number;
  baseSec: number;
  /** perf record's end-of-run LOST_SAMPLES counts, by CPU. */
  lostSamples: Map<number, number>;
  /** Which tasks and CPUs were recorded, and whether sampled (scope.ts). */
  scope: RecordingScope;
  diagnostics: DiagnosticsCollector;
}

const CHUNK = 1 << 20;
/** Tracing data larger than this is not a format description (a real one is well under 10 MiB). */
const MAX_TRACING_DATA = 256 << 20;

/** A path (`-`: stdin; a perf.data directory too), the whole input in memory, or a stream of its bytes. */
export type PerfDataSource = string | Uint8Array | AsyncIterable<Uint8Array>;

export async function readPerfData(source: PerfDataSource, onEvent: (e: TraceEvent) => void, opts: PerfDataOptions): Promise<PerfDataResult> {
  const label = opts.label ?? (typeof source === 'string' ? (source === '-' ? '<stdin>' : source) : '<stream>');
  const pool = createBufferPool();
  const dir = typeof source === 'string' && isDirectory(source) ? source : undefined;
  let src: ByteSource =
    typeof source === 'string' ? (source === '-' ? streamSource(process.stdin) : fileSource(perfHeaderPath(source), pool)) : source instanceof Uint8Array ? memorySource(source) : streamSource(source);
  try {
    return await readFrom(src, onEvent, opts, label, (s) => (src = s), pool, dir);
  } catch (err) {
    // A DataView read past a record's end is a size the checks missed: still the input's fault.
    if (err instanceof RangeError) throw new BinaryError(`corrupted perf.data (${err.message})`, -1);
    throw err;
  } finally {
    src.close();
  }
}

async function readFrom(first: ByteSource, onEvent: (e: TraceEvent) => void, opts: PerfDataOptions, label: string, replace: (s: ByteSource) => void, pool: BufferPool, dir?: string): Promise<PerfDataResult> {
  let src = first;
  const diagnostics = opts.diagnostics ?? createDiagnostics(label, opts.strict ?? false);
  const chunk = opts.chunkBytes ?? CHUNK;
  const head = await src.read(0, FILE_HEADER_BYTES);
  const hdr = parseHeader(head);
  const meta: PerfMeta = {};
  const attrs: Attr[] = [];
  const time = createTimeBase();
  const delivery = createDelivery(onEvent, diagnostics, time);
  let handlerRef: RecordHandler | null = null;
  // A directory's turns bound what is held (directory.ts), not a count of records.
  const queue = createRecordQueue((dv, bytes, at, size, block) => (handlerRef as RecordHandler).release(dv, bytes, at, size, block), dir !== undefined ? Infinity : undefined, (b) => pool.give(b));
  /** The oldest time queued since the directory's reading last asked. */
  let oldest = Infinity;
  /** Hands a chunk to the pump, then back to the pool unless the queue keeps records of it. */
  const feed = (pump: RecordPump, b: Uint8Array): void => {
    pump.push(b);
    if (!queue.holds(b)) pool.give(b);
  };
  const lostAtEnd = new Map<number, number>();
  let compressedBytes = 0;
  let zstd: CompressedStream | null = null;
  let bytesRead = 0;
  const scope = createScopeCollector();

  const handler = createRecordHandler({
    little: hdr.little,
    time,
    attrs,
    meta,
    makeDecoder: opts.makeDecoder,
    effects: delivery,
    queue: (ts, bytes, dv, at, size, owned) => {
      if (ts < oldest) oldest = ts;
      queue.push(ts, bytes, dv, at, size, owned);
    },
    heldBytes: (block) => queue.block(block),
    unpin: (block) => queue.unpin(block),
    round: () => (zstd !== null ? zstd.round() : queue.round()),
    compressed(bytes, offset) {
      compressedBytes += bytes.length;
      if (zstd === null) {
        if (!opts.zstd) fail(`compressed records (perf record -z) at offset ${offset}, and no zstd decoder is available`);
        const pump = createRecordPump(hdr.little, pumpSink('decompressed data'), 0, 0, true);
        zstd = createCompressedStream(opts.zstd, (out) => pump.push(out), () => queue.round());
      }
      try {
        zstd.piece(bytes.slice());
      } catch (err) {
        if (err instanceof BinaryError) throw err;
        fail(`zstd data of the record at offset ${offset} does not decode: ${(err as Error).message}`);
      }
    },
    lostSamplesAtEnd(cpu, count) {
      lostAtEnd.set(cpu, (lostAtEnd.get(cpu) ?? 0) + count);
    },
    scope,
  });

  handlerRef = handler;
  delivery.setBuild(handler.build);

  function endCompressed(): void {
    if (zstd === null) return;
    try {
      (zstd as CompressedStream).end();
    } catch (err) {
      if (err instanceof BinaryError) throw err;
      fail(`the compressed stream does not decode to its end: ${(err as Error).message}`);
    }
    // A record cut at the very end of the decompressed stream is left out, as perf leaves it out:
    // seen in real pipe-mode `perf record -z` output, whose last compressed piece ends inside a
    // sample (perf script shows the same samples). A cut file is caught outside the stream.
  }

  function pumpSink(where: string) {
    return {
      onRecord: handler.onRecord,
      onBlob: handler.onBlob,
      onBadSize(size: number, type: number, offset: number) {
        if (type === -1) fail(`record before offset ${offset} in the ${where} claims ${size} bytes of data after it`);
        fail(`record at offset ${offset} of the ${where} has size ${size} (type ${type}): corrupted data`);
      },
    };
  }

  /**
   * Damage in the records: once events were read, they are kept and the damage is a diagnostic
   * (a record stream cannot be resynchronised, so reading stops there); before that, it is the
   * whole input that is unusable.
   */
  const damage: string[] = [];
  /** `other`: other files of a directory are still to be read, so nothing read yet is no refusal yet. */
  const damaged = (err: unknown, where = '', other = false): void => {
    const e = err instanceof RangeError ? new BinaryError(`corrupted record (${err.message})`, -1) : err;
    if (!(e instanceof BinaryError) || (!other && handler.samples() + queue.held === 0)) throw e;
    damage.push(`${where}${e.message}; the records after it are not read`);
  };
  const records = async (loop: () => Promise<void>): Promise<void> => {
    try {
      await loop();
    } catch (err) {
      damaged(err);
    }
  };

  let mode: 'file' | 'pipe';
  if (hdr.pipe) {
    mode = 'pipe';
    const pump = createRecordPump(hdr.little, pumpSink('stream'), PIPE_HEADER_BYTES, MAX_TRACING_DATA, true);
    bytesRead = head.length;
    await records(async () => {
      if (head.length > PIPE_HEADER_BYTES) pump.push(head.subarray(PIPE_HEADER_BYTES));
      for (;;) {
        await opts.pace?.();
        const b = await src.read(bytesRead, chunk);
        if (b.length === 0) break;
        bytesRead += b.length;
        feed(pump, b);
        opts.onProgress?.(bytesRead);
      }
      if (pump.leftover() > 0) fail(`the stream ends inside a record after offset ${pump.offset()}: truncated`);
      endCompressed();
    });
  } else {
    mode = 'file';
    if (!src.seekable) {
      src = await bufferSource(head, src);
      replace(src);
    }
    await readFileHeaderParts(src, hdr, attrs, meta, handler, opts.makeDecoder);
    if (dir !== undefined && (await dirFormatVersion(src, hdr)) !== undefined) {
      bytesRead = await readDirectory(dir, src, hdr.data.offset, hdr.data.offset + hdr.data.size);
    } else if (dir === undefined && hdr.features.includes(FEAT_DIR_FORMAT)) {
      // The `data` of a --threads directory given alone holds perf's own records, no sample: said
      // so, rather than "nothing in it".
      // (Shaped as a system error, it reaches the CLI as one line from the decoding thread too.)
      throw new DamagedInputError(label, 'the data file of a perf.data directory (perf record --threads): its samples are in the data.N files beside it; give the directory');
    } else await readDataSection();
  }

  /** The records of `data` and every `data.N` of a perf.data directory, in perf's order (directory.ts); returns the bytes of all. */
  async function readDirectory(path: string, data: ByteSource, start: number, end: number): Promise<number> {
    const lanes: Lane[] = [{ name: 'data', src: data, start, end }];
    try {
      for (const f of perfDirectory(path).files) lanes.push({ name: f.name, src: fileSource(f.path, pool), start: 0, end: f.size });
      const streams: (CompressedStream | null)[] = lanes.map(() => null);
      let cur = 0;
      await records(() =>
        readLanes(
          lanes,
          {
            pump: (i, at) => createRecordPump(hdr.little, pumpSink(`records of ${(lanes[i] as Lane).name}`), at, 0, true),
            enter(i) {
              streams[cur] = zstd;
              zstd = streams[i] ?? null;
              cur = i;
            },
            finish: () => endCompressed(),
            feed,
            takeOldest() {
              const o = oldest;
              oldest = Infinity;
              return o;
            },
            release: (limit) => queue.release(limit),
            damaged: (lane, err) => damaged(err, `${lane}: `, true),
            pace: opts.pace,
            onProgress: opts.onProgress,
          },
          chunk,
          hdr.little,
        ),
      );
      // Damage with nothing read from any file: the whole input is unusable, as for one file.
      if (damage.length > 0 && handler.samples() + queue.held + delivery.events() === 0) fail(damage[0] as string);
      return lanes.reduce((n, l) => n + l.src.size, 0);
    } finally {
      for (const l of lanes.slice(1)) l.src.close();
    }
  }

  async function readDataSection(): Promise<void> {
    const pump = createRecordPump(hdr.little, pumpSink('data section'), hdr.data.offset, 0, true);
    const end = hdr.data.offset + hdr.data.size;
    await records(async () => {
      for (let at = hdr.data.offset; at < end; ) {
        await opts.pace?.();
        const b = await src.read(at, Math.min(chunk, end - at));
        if (b.length === 0) fail(`data section ends at ${at}, before its stated end ${end}: truncated`);
        at += b.length;
        feed(pump, b);
        opts.onProgress?.(at);
      }
      if (pump.leftover() > 0) fail(`the data section ends inside a record after offset ${pump.offset()}: corrupted sizes`);
      endCompressed();
    });
    bytesRead = src.size;
  }

  queue.flush();
  delivery.end();
  // Numbered after the last event released, which is where reading stopped.
  for (const d of damage) diagnostics.add('binary_damaged', delivery.events(), d);
  // perf record's end-of-run LOST_SAMPLES counts (no time) tell the same losses as its LOST records
  // (`perf script` prints neither count): a diagnostic only when no LOST record said anything.
  if (diagnostics.count('lost_events') === 0) {
    for (const [cpu, count] of [...lostAtEnd].sort((a, b) => a[0] - b[0])) {
      diagnostics.add('lost_events', delivery.events(), `CPU ${cpu} lost ${count} samples (perf's count at the end of the recording: when is not known)`);
    }
  }
  if (attrs.length === 0) fail('no event attributes: not a usable perf.data');
  const recorded = scope.result(attrs, meta.cpusOnline);
  noteScope(recorded, scope.problems(), diagnostics, delivery.events());
  return {
    mode,
    little: hdr.little,
    compressed: compressedBytes > 0 || meta.compression !== undefined,
    meta,
    eventNames: attrs.map((a) => a.name ?? handler.decoder()?.name(a.config) ?? `type${a.type}:${a.config}`),
    events: delivery.events(),
    samples: handler.samples(),
    bytes: bytesRead,
    baseSec: delivery.baseSec(),
    lostSamples: lostAtEnd,
    scope: recorded,
    diagnostics,
  };
}

/** File mode: the attrs with their ids, the feature sections, the tracing data's decoder. */
async function readFileHeaderParts(src: ByteSource, hdr: FileHeader, attrs: Attr[], meta: PerfMeta, handler: RecordHandler, makeDecoder: DecoderFactory): Promise<void> {
  const size = src.size;
  const little = hdr.little;
  checkSection(hdr.attrs, size, 'attrs');
  checkSection(hdr.data, size, 'data');
  if (hdr.attrSize < 64 + 16 || hdr.attrSize > 4096) fail(`attr entry size ${hdr.attrSize} is not a perf_event_attr plus its ids section`);
  if (hdr.attrs.size % hdr.attrSize !== 0) fail(`attrs section of ${hdr.attrs.size} bytes is not a whole number of ${hdr.attrSize}-byte entries`);
  const ab = await src.read(hdr.attrs.offset, hdr.attrs.size);
  const adv = dataView(ab);
  for (let at = 0, i = 0; at < ab.length; at += hdr.attrSize, i++) {
    const a = parseAttr(adv, at, hdr.attrSize - 16, little, i);
    const ids = { offset: u64(adv, at + hdr.attrSize - 16, little), size: u64(adv, at + hdr.attrSize - 8, little) };
    checkSection(ids, size, `ids of event ${i}`);
    const ib = await src.read(ids.offset, ids.size);
    const idv = dataView(ib);
    for (let p = 0; p + 8 <= ib.length; p += 8) a.ids.push(u64(idv, p, little));
    attrs.push(a);
  }
  const table = featureTable(hdr);
  checkSection(table, size, 'feature table');
  const tb = await src.read(table.offset, table.size);
  const tdv = dataView(tb);
  let tracing = false;
  for (let i = 0; i < hdr.features.length; i++) {
    const feat = hdr.features[i] as number;
    const s = featureSection(tdv, i, little);
    // Every section is checked, read or not: a cut file loses its last one first.
    checkSection(s, size, `feature ${feat}`);
    if (![FEAT.TRACING_DATA, FEAT.HOSTNAME, FEAT.OSRELEASE, FEAT.VERSION, FEAT.NRCPUS, FEAT.CMDLINE, FEAT.EVENT_DESC, FEAT.COMPRESSED].includes(feat as never)) continue;
    const bytes = await src.read(s.offset, s.size);
    if (feat === FEAT.TRACING_DATA) {
      handler.setDecoder(makeDecoder(bytes));
      tracing = true;
    } else readFeature(meta, feat, bytes, little);
  }
  if (!tracing && attrs.some((a) => a.type === 2)) fail('tracepoints recorded but no tracing data (HEADER_TRACING_DATA): their fields cannot be decoded');
}
