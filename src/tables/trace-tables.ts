import { analyze, type AnalyzeOptions, type TraceInput } from '../index.js';
import type { Analysis } from '../model/analysis.js';
import type { IoPath, IoUnit } from '../model/io.js';
import { TABLE_NAMES, TABLES } from './columns.js';
import { createTableWriter, createTraceWriters, partPath } from './parquet.js';
import { cpuRows, diagnosticRows, ioRow, traceRow, workItemRow } from './rows.js';

/**
 * One analysis run → its tables as Parquet under DIR, partitioned by trace. `ios` and `work_items`
 * rows are written as each I/O finishes (the analysis keeps no list of I/Os); the per-trace tables
 * come from the finished Analysis.
 */
export async function analyzeToParquet(input: TraceInput, dir: string, trace: string, options: AnalyzeOptions = {}): Promise<Analysis> {
  const w = createTraceWriters(dir, trace);
  let unit: IoUnit | undefined;
  const onIo = (p: IoPath): void => {
    options.onIo?.(p);
    // With --unit auto the analysis counts block requests until the first iomap event, then
    // restarts with DIOs: the request rows written before it are not in the analysis, so the
    // per-I/O files start again (this happens once, early, so memory stays bounded).
    if (unit !== undefined && p.unit !== unit) {
      for (const t of ['ios', 'work_items'] as const) {
        w[t].close();
        w[t] = createTableWriter(partPath(dir, t, trace), TABLES[t]);
      }
    }
    unit = p.unit;
    w.ios.add(ioRow(p));
    const item = workItemRow(p);
    if (item) w.work_items.add(item);
  };
  try {
    const analysis = await analyze(input, { ...options, onIo });
    writeAnalysisTables(w, analysis);
    return analysis;
  } finally {
    for (const t of TABLE_NAMES) w[t].close();
  }
}

/** The tables an Analysis alone gives (a saved analysis.json has no per-I/O rows). */
export function writeAnalysisTables(w: ReturnType<typeof createTraceWriters>, a: Analysis): void {
  for (const r of cpuRows(a)) w.cpus.add(r);
  for (const r of diagnosticRows(a)) w.diagnostics.add(r);
  w.traces.add(traceRow(a));
}
