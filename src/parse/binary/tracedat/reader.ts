import type { TraceEvent } from '../../../model/events.js';
import type { StreamResult } from '../../stream-types.js';
import type { WireWriter } from '../../wire.js';
import type { BinaryReader, BinarySource } from '../reader-types.js';
import { DamagedInputError } from '../errors.js';
import { BinaryError } from '../tep/bytes.js';
import { hasTracingMagic } from '../tep/tracing-start.js';
import { fileSource, memorySource } from './source.js';

type ReaderOptions = Parameters<BinaryReader['read']>[2];

/**
 * trace.dat in the binary-reader registry: magic `17 08 44 "tracing"`, read by readTraceDat.
 * Damage that leaves nothing to read (the header, the formats, the options) is refused as a
 * DamagedInputError, one line for the CLI; damage later in the data is a diagnostic.
 */
export const TRACE_DAT_READER: BinaryReader = {
  format: 'trace.dat',
  magicBytes: 10,
  matches: (head) => hasTracingMagic(head),
  read: (source, onEvent, opts) => readTraceDatSource(source, onEvent, opts),
};

/** TRACE_DAT_READER's read, which the decoding thread calls with its wire (TraceDatOptions.wire). */
export async function readTraceDatSource(source: BinarySource, onEvent: (e: TraceEvent) => void, opts: ReaderOptions, wire?: WireWriter, wireRaw?: boolean): Promise<StreamResult> {
  // The reader proper is loaded only for a trace.dat: a run over text never pays for it.
  const { readTraceDat } = await import('./read.js');
  const src = 'path' in source ? fileSource(source.path) : memorySource(source.bytes);
  try {
    const r = await readTraceDat(src, onEvent, {
      diagnostics: opts.diagnostics,
      payloads: opts.payloads,
      pace: opts.pace,
      onProgress: opts.onProgress ? (bytes) => opts.onProgress?.(bytes, false) : undefined,
      wire,
      wireRaw,
    });
    return {
      format: 'trace.dat',
      detection: null,
      read: { bytes: r.bytes, lines: r.lines, gzip: false },
      events: r.events,
      cpusHeader: r.cpus,
      baseSec: r.baseSec,
      ...(r.clockTicks ? { clockTicks: { clock: r.clock } } : {}),
      diagnostics: opts.diagnostics,
    };
  } catch (err) {
    if (err instanceof BinaryError) throw new DamagedInputError(opts.label, `damaged trace.dat: ${err.message}`);
    throw err;
  } finally {
    src.close();
  }
}
