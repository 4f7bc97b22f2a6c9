import { TRACE_FORMATS, type TraceFormat } from '../parse/formats.js';

/**
 * Starts the decoding thread of a large input before the command's own code loads
 * (parse/stream-parallel.ts prestartStreamWorker), with the options the analysis will stream it
 * with; the stream takes the thread if it asks for the same read, and starts its own otherwise.
 * Anything wrong here (a bad path, a bad --format) is left for the command to report.
 */
export async function prestartDecoding(path: string, opts: { format?: string; strict?: boolean }): Promise<void> {
  if (opts.strict || (opts.format !== undefined && !(TRACE_FORMATS as readonly string[]).includes(opts.format))) return;
  try {
    const [{ prestartStreamWorker }, { ANALYZED_EVENTS }] = await Promise.all([import('../parse/stream-parallel.js'), import('../analyze/analyzed-events.js')]);
    prestartStreamWorker(path, { format: opts.format as TraceFormat | undefined, payloads: ANALYZED_EVENTS });
  } catch {
    // The command reads the input itself and says what is wrong with it.
  }
}
