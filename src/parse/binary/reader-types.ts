import type { TraceEvent } from '../../model/events.js';
import type { BinaryFormat } from '../formats.js';
import type { StreamOptions, StreamResult } from '../stream-types.js';

/** What a binary reader is to the registry (dispatch.ts): its own file, so readers need not import the registry. */

export interface BinaryReader {
  format: BinaryFormat;
  /** Bytes needed to recognise the format. */
  magicBytes: number;
  matches(head: Uint8Array): boolean;
  /** Reads the whole input. `opts.diagnostics` is set; never throws on bad input except a DamagedInputError. */
  read(source: BinarySource, onEvent: (e: TraceEvent) => void, opts: StreamOptions & { diagnostics: NonNullable<StreamOptions['diagnostics']>; label: string }): Promise<StreamResult>;
}

/** A binary input: a path, or the bytes of a stream (stdin) gathered in memory. */
export type BinarySource = { path: string } | { bytes: Uint8Array };
