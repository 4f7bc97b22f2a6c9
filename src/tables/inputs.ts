import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadAnalysis } from '../compare/load.js';
import { IopathError } from '../model/errors.js';
import type { IoUnit } from '../model/io.js';
import type { TraceFormat } from '../parse/formats.js';
import { TABLE_NAMES, traceName, type TableName } from './columns.js';
import { createTraceWriters } from './parquet.js';
import { analyzeMany, type TraceJob } from './pool.js';
import { writeAnalysisTables } from './trace-tables.js';

/**
 * What `iopath sql` reads, brought to one shape: directories in the Parquet layout. A Parquet
 * directory is used as it is; a trace is analyzed into `scratch`; a saved `analyze --json`
 * (`*.json`, `*.json.gz`) gives the tables an Analysis holds (traces, cpus, diagnostics: it has no
 * per-I/O rows).
 */

export interface InputOptions {
  format?: TraceFormat;
  unit?: IoUnit | 'auto';
}

/** Is DIR in the layout (`DIR/<table>/trace=…/`)? */
export function isParquetDir(dir: string): boolean {
  return statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true && TABLE_NAMES.some((t) => existsSync(join(dir, t)));
}

/** Gives every input a unique partition name: the second `a.txt` becomes `a-2`. */
export function uniqueNames(paths: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return paths.map((p) => {
    const n = traceName(p);
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n}-${k}`;
  });
}

export async function materialize(inputs: readonly string[], scratch: string, o: InputOptions = {}): Promise<string[]> {
  const names = uniqueNames(inputs);
  const roots = new Set<string>();
  const traces: TraceJob[] = [];
  for (const [i, path] of inputs.entries()) {
    const st = statSync(path, { throwIfNoEntry: false });
    if (st?.isDirectory()) {
      if (!isParquetDir(path)) throw new IopathError('unrecognised', `${path}: a directory without ${TABLE_NAMES.join('/')} subdirectories (write one with \`iopath analyze … --parquet DIR\`)`);
      roots.add(path);
    } else if (/\.json(\.gz)?$/i.test(path)) {
      const a = await loadAnalysis(path, o);
      const w = createTraceWriters(scratch, names[i]!);
      writeAnalysisTables(w, a);
      for (const t of TABLE_NAMES) w[t].close();
      roots.add(scratch);
    } else {
      traces.push({ path, trace: names[i]!, parquet: scratch, format: o.format, unit: o.unit });
      roots.add(scratch);
    }
  }
  // Traces on all cores (this process and a child per other core), as `analyze A B …` does.
  await analyzeMany(traces);
  return [...roots];
}

/** The Parquet files of one table under the roots (`root/table/trace=*\/*.parquet`). */
export function tableFiles(roots: readonly string[], table: TableName): string[] {
  const out: string[] = [];
  for (const root of roots) {
    const dir = join(root, table);
    if (!existsSync(dir)) continue;
    for (const part of readdirSync(dir).sort()) {
      if (!part.startsWith('trace=')) continue;
      for (const f of readdirSync(join(dir, part)).sort()) if (f.endsWith('.parquet')) out.push(join(dir, part, f));
    }
  }
  return out;
}
