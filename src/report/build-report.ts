import { analyzeTrace } from '../analyze/pipeline.js';
import type { Analysis } from '../model/analysis.js';
import type { IoUnit } from '../model/io.js';
import type { TraceFormat } from '../parse/formats.js';
import type { Source } from '../input/lines.js';
import type { StreamResult } from '../parse/stream.js';
import { renderReportHtml } from './html.js';
import { createHopTally } from './stack-flow.js';
import { createCompletionLog, type Timeline } from './timeline.js';
import { createWindowCollector } from './timeline-window.js';
import { DEFAULT_TIMELINE_MS } from './timeline-default.js';
export { DEFAULT_TIMELINE_MS };

/**
 * The library entry of `iopath report`: analyze a trace in one pass that also gathers the
 * timeline's slices (timeline-window.ts) and the I/Os' stage times (the completion log), then
 * render the HTML. The input is read once, so it may be standard input or any stream. Returns the
 * analysis too, so a caller can print its summary without reading the trace again.
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

export async function buildReport(source: Source, opts: ReportOptions): Promise<BuiltReport> {
  const log = createCompletionLog();
  let slices = createWindowCollector(opts.timelineMs ?? DEFAULT_TIMELINE_MS);
  const hops = createHopTally();
  const onPath = (p: Parameters<typeof log.onPath>[0]): void => {
    log.onPath(p);
    hops.onPath(p);
  };
  const { analysis, stream } = await analyzeTrace(source, {
    format: opts.format,
    unit: opts.unit ?? 'auto',
    strict: opts.strict ?? false,
    onPath,
    onEvent: (e) => slices.onEvent(e),
    onRestart: () => {
      slices = createWindowCollector(opts.timelineMs ?? DEFAULT_TIMELINE_MS);
    },
    onProgress: opts.onProgress,
  });
  const baseNs = stream.baseSec * 1e9;
  let timeline: Timeline | null = null;
  let timelineNote: string | undefined;
  if (analysis.ios.total === 0) timelineNote = 'No I/Os: there is no I/O window to show.';
  else {
    const w = slices.finish(analysis, baseNs);
    timeline = { ...w.window, slices: w.slices, ios: log.within(w.window.startNs, w.window.endNs), lost: w.lost, ioStride: log.stride };
  }
  const html = renderReportHtml({ analysis, command: opts.command, timeline, timelineNote, baseNs, hopTally: hops.counts() });
  return { html, analysis, stream, timeline };
}
