import type { TraceEvent } from '../../../model/events.js';
import type { EventHead } from '../../payload/types.js';
import { cursor } from '../tep/bytes.js';
import { createRecordDecoder, type DecodeSelection } from '../tep/decode.js';
import type { RawRecord } from '../tep/fields.js';
import type { Kallsyms } from '../tep/kallsyms.js';
import type { SymbolSource } from '../tep/print-eval.js';
import { readTracingData, type TracingData } from '../tep/tracing-data.js';
import type { DecoderFactory, TracepointDecoder } from './decoder.js';
import { createWorkFunctionNamer } from './work-functions.js';

/**
 * The decoder of perf samples, on the shared event-format layer (binary/tep): HEADER_TRACING_DATA
 * is the v6 tracing-data block. An event is decoded as `perf script` prints it: no latency-flags
 * column (perf does not print one, so the context is inferred downstream as for its text), the
 * sample's tid as the task id (it is -1 for a task the kernel already reaped, which perf prints as
 * `:-1    -1`, while the payload's common_pid still holds the old pid), and work functions named by
 * `kallsyms` when given, else by their workqueue. The reader reuses its read buffers, so an event
 * that reads its record later (`other`'s args) keeps a copy of it.
 */

export interface PerfDecoderOptions {
  payloads?: DecodeSelection;
  /** `/proc/kallsyms` of the boot the file was recorded on (`--kallsyms`). */
  kallsyms?: Kallsyms;
  /** Name unresolved work functions from their workqueue (default true; off, they print as perf's pipe mode does: `0x…`). */
  workFunctionsFromQueues?: boolean;
}

/**
 * The tracing data of a HEADER_TRACING_DATA section and the function names its printers use beyond
 * the file's own (`kallsyms`): the decoder's, and the main thread's printers of the events the
 * decoding thread sends as their bytes (printers.ts), which must render the same text.
 */
export function perfTracingData(bytes: Uint8Array): TracingData {
  return readTracingData(cursor(bytes, true), bytes.length);
}

export function perfFindFunction(kallsyms: Kallsyms | undefined): SymbolSource['findFunction'] | undefined {
  return kallsyms ? (addr: bigint) => kallsyms.find(addr) : undefined;
}

export function perfDecoderFactory(opts: PerfDecoderOptions = {}): DecoderFactory {
  return (bytes) => {
    const td = perfTracingData(bytes);
    const findFunction = perfFindFunction(opts.kallsyms);
    const dec = createRecordDecoder(td, { payloads: opts.payloads ?? 'all', latencyFlags: false, findFunction, volatileBytes: true });
    const namer = createWorkFunctionNamer();
    const byQueue = opts.workFunctionsFromQueues ?? true;
    const names = new Map<number, string>();
    for (const [id, ev] of td.events) names.set(id, `${ev.system}:${ev.name}`);
    const r: RawRecord = { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, 0), start: 0, size: 0, little: td.little };
    const decoder: TracepointDecoder = {
      name: (id) => names.get(id),
      decode(_id: number, view: DataView, b: Uint8Array, at: number, len: number, head: EventHead): TraceEvent {
        r.bytes = b;
        r.view = view;
        r.start = at;
        r.size = len;
        const e = dec.decodeWith(r, head);
        if (byQueue && e.kind.charCodeAt(0) === 119 /* w */) namer.fix(e);
        return e;
      },
    };
    return decoder;
  };
}
