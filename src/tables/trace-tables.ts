import { analyze, type AnalyzeOptions, type TraceInput } from '../index.js';
import type { Analysis } from '../model/analysis.js';
import { unitRestarted, type IoPath, type IoUnit } from '../model/io.js';
import { TABLE_NAMES, TABLES } from './columns.js';
import { createTableWriter, createTraceWriters, partPath } from './parquet.js';
import { cpuRows, diagnosticRows, ioRow, TOP_LAYER, traceRow, workItemRow, type RowLayer } from './rows.js';

/**
 * One analysis run → its tables as Parquet under DIR, partitioned by trace. `ios` and `work_items`
 * rows are written as each I/O finishes (the analysis keeps no list of I/Os), the workload's with
 * layer `top` and, flagged, those of lower layers and background (rows.ts: RowLayer); the
 * per-trace tables come from the finished Analysis.
 */
export async function analyzeToParquet(input: TraceInput, dir: string, trace: string, options: AnalyzeOptions = {}): Promise<Analysis> {
  const w = createTraceWriters(dir, trace);
  let unit: IoUnit | undefined;
  const add = (p: IoPath, layer: RowLayer): void => {
    // The request rows written before an auto unit's switch to DIOs are not in the analysis:
    // the per-I/O files start again (once).
    if (unitRestarted(unit, p.unit)) {
      for (const t of ['ios', 'work_items'] as const) {
        w[t].close();
        w[t] = createTableWriter(partPath(dir, t, trace), TABLES[t]);
      }
    }
    unit = p.unit;
    w.ios.add(ioRow(p, layer));
    const item = workItemRow(p);
    if (item) w.work_items.add(item);
  };
  const onIo = (p: IoPath): void => {
    options.onIo?.(p);
    add(p, TOP_LAYER);
  };
  const onOtherIo = (p: IoPath, layer: 'servicing' | 'background'): void => {
    options.onOtherIo?.(p, layer);
    add(p, layer);
  };
  try {
    const analysis = await analyze(input, { ...options, onIo, onOtherIo });
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
