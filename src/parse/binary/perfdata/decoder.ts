import type { TraceEvent } from '../../../model/events.js';
import type { EventHead } from '../../payload/types.js';

/**
 * The seam between the perf.data container and the event-format layer: the container finds the
 * tracing data (the format descriptions) and each sample's raw tracepoint payload; the decoder
 * turns a payload into the same TraceEvent the text parsers make. `head` carries the sample's
 * header fields, all of them: the sample is decoded when it is released in time order, once its
 * line and its task's name are known.
 */
export interface TracepointDecoder {
  /** `system:event` of the format with this `ID:`, undefined when the tracing data has none. */
  name(id: number): string | undefined;
  /** The event of one payload (an `other` event for unmodelled or undecodable ones). */
  decode(id: number, view: DataView, bytes: Uint8Array, at: number, len: number, head: EventHead): TraceEvent;
}

/** Builds the decoder from the tracing-data block (v6 layout up to cmdlines) of the file. */
export type DecoderFactory = (tracingData: Uint8Array) => TracepointDecoder;
