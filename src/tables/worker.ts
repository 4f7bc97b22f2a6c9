import { parentPort } from 'node:worker_threads';
import { analyze } from '../index.js';
import type { TraceJob } from './pool.js';
import { analyzeToParquet } from './trace-tables.js';

/** A worker thread of {@link analyzeMany}: analyzes the traces it is sent, one at a time. */
parentPort?.on('message', (job: TraceJob) => {
  const o = { format: job.format, unit: job.unit, strict: job.strict, label: job.path };
  (job.parquet ? analyzeToParquet(job.path, job.parquet, job.trace, o) : analyze(job.path, o)).then(
    (analysis) => parentPort!.postMessage({ ok: true, analysis: { ...analysis, samples: [] } }),
    (err: unknown) => parentPort!.postMessage({ ok: false, error: { kind: (err as { kind?: string }).kind, message: (err as Error).message ?? String(err) } }),
  );
});
