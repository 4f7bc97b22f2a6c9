import { analyzeTrace } from '../analyze/pipeline.js';
import type { Analysis } from '../model/analysis.js';
import type { IoUnit } from '../model/io.js';
import type { TraceFormat } from '../parse/formats.js';
import { textFormat, type StreamResult } from '../parse/stream.js';
import { renderReportHtml } from './html.js';
import { createHopTally } from './stack-flow.js';
import { buildTimeline, createCompletionLog, type Timeline } from './timeline.js';

/**
 * The library entry of `iopath report`: analyze a trace (one pass), read the timeline window (a
 * second, bounded pass that stops at the window's end) and render the HTML. Returns the analysis
 * too, so a caller can print its summary without reading the trace again.
 */

export interface ReportOptions {
  format?: TraceFormat;
  unit?: IoUnit | 'auto';
  strict?: boolean;
  /** Width of the timeline window in ms (default DEFAULT_TIMELINE_MS). */
  timelineMs?: number;
  /** The command line shown in the header. */
  command: string;
  /** Bytes of the trace read so far by the analysis (see AnalyzeOptions.onProgress). */
  onProgress?: (bytes: number, gzip: boolean) => void;
}

export interface BuiltReport {
  html: string;
  analysis: Analysis;
  stream: StreamResult;
  timeline: Timeline | null;
}

export const DEFAULT_TIMELINE_MS = 1;

export async function buildReport(path: string, opts: ReportOptions): Promise<BuiltReport> {
  const log = createCompletionLog();
  const hops = createHopTally();
  const onPath = (p: Parameters<typeof log.onPath>[0]): void => {
    log.onPath(p);
    hops.onPath(p);
  };
  const { analysis, stream } = await analyzeTrace(path, { format: opts.format, unit: opts.unit ?? 'auto', strict: opts.strict ?? false, onPath, onProgress: opts.onProgress });
  const baseNs = stream.baseSec * 1e9;
  let timeline: Timeline | null = null;
  let timelineNote: string | undefined;
  if (path === '-') timelineNote = 'The timeline needs a second reading of the trace, and standard input can be read only once: run the report on a file to see it.';
  else if (analysis.ios.total === 0) timelineNote = 'No I/Os: there is no I/O window to show.';
  else timeline = await buildTimeline(path, analysis, log, { widthMs: opts.timelineMs ?? DEFAULT_TIMELINE_MS, format: textFormat(stream) ?? opts.format, baseNs });
  const html = renderReportHtml({ analysis, command: opts.command, timeline, timelineNote, baseNs, hopTally: hops.counts() });
  return { html, analysis, stream, timeline };
}
