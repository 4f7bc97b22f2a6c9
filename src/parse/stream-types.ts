import type { ReadStats } from '../input/lines.js';
import type { DiagnosticsCollector } from '../model/diagnostics.js';
import type { RecordingScope } from './binary/perfdata/scope.js';
import type { Detection } from './detect.js';
import type { BinaryFormat, TraceFormat } from './formats.js';
import type { PayloadSelection } from './line-parser.js';

/**
 * What a trace reader takes and gives back, text or binary: its own file so that the binary readers
 * (parse/binary/) can be handed these by `streamEvents` without importing the text stream itself.
 */

export interface StreamOptions {
  /** Force a format instead of sniffing it. */
  format?: TraceFormat;
  strict?: boolean;
  /** Name used in diagnostics (`file:line: message`). */
  label?: string;
  payloads?: PayloadSelection;
  chunkBytes?: number;
  maxLineBytes?: number;
  diagnostics?: DiagnosticsCollector;
  /** Awaited before each chunk is read (see ReadOptions.pace). */
  pace?: () => Promise<void> | undefined;
  /** Bytes read so far (after gunzip), after each chunk: for a progress display. */
  onProgress?: (bytes: number, gzip: boolean) => void;
}

export interface StreamResult {
  /** null when nothing in the input looked like trace events; a binary format for trace.dat / perf.data. */
  format: TraceFormat | BinaryFormat | null;
  /** What the first lines look like (also computed when the format was forced). */
  detection: Detection | null;
  read: ReadStats;
  events: number;
  cpusHeader: number | undefined;
  baseSec: number;
  /**
   * perf.data only: which tasks and CPUs were recorded, and whether sampled (binary/perfdata/scope.ts).
   * Text carries none of it.
   */
  recording?: RecordingScope;
  /**
   * Present when the timestamps are ticks of a trace clock that is not in nanoseconds
   * (kernel/trace-clocks.ts): `clock` names it when the input says which (a trace.dat does; tracefs
   * text only prints bare integers).
   */
  clockTicks?: { clock: string | undefined };
  diagnostics: DiagnosticsCollector;
}

