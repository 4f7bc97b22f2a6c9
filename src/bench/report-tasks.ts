import { analyzeTrace } from '../analyze/pipeline.js';
import type { Source } from '../input/lines.js';
import { buildReport } from '../report/build-report.js';
import { renderReportHtml } from '../report/html.js';
import { createCompletionLog, readSlices, timelineWindow } from '../report/timeline.js';
import { textFormat } from '../parse/stream.js';
import { benchTask, type TaskResult } from './registry.js';

/**
 * `report` as the command runs it (one pass gathering the timeline, then the HTML), beside the
 * way it used to read a file: the analysis, then a second reading of the trace up to the end of
 * the timeline's window. The pair, in one bench run, measures what the one pass saves.
 */

benchTask('report', 'the `iopath report` build: one pass (analysis and timeline slices), then the HTML', async (src: Source): Promise<TaskResult> => {
  const { html, analysis, stream, timeline } = await buildReport(src, { command: 'iopath report' });
  return { bytes: stream.read.bytes, lines: stream.read.lines, events: stream.events, note: `ios=${analysis.ios.total} slices=${timeline?.slices.length ?? 0} html=${(html.length / 1024).toFixed(0)}KiB` };
});

benchTask('report-2pass', 'the report as it was: analysis, a second reading of the trace up to the end of the 1 ms timeline window, then the HTML', async (src: Source): Promise<TaskResult> => {
  if (typeof src !== 'string' || src === '-') throw new Error('the two-pass report needs a file path');
  const log = createCompletionLog();
  const { analysis, stream } = await analyzeTrace(src, { onPath: log.onPath });
  const win = timelineWindow(analysis, 1, stream.baseSec * 1e9);
  const baseNs = stream.baseSec * 1e9;
  const { slices, lost } = await readSlices(src, { format: textFormat(stream) ?? undefined, window: win });
  const timeline = { ...win, slices, ios: log.within(win.startNs, win.endNs), lost, ioStride: log.stride };
  const html = renderReportHtml({ analysis, command: 'iopath report', timeline, baseNs });
  return { bytes: stream.read.bytes, lines: stream.read.lines, events: stream.events, note: `ios=${analysis.ios.total} slices=${slices.length} html=${(html.length / 1024).toFixed(0)}KiB` };
});
