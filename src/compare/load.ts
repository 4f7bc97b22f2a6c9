import { createReadStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { analyzeTrace, type AnalyzeOptions } from '../analyze/pipeline.js';
import { checkInputPath } from '../input/check.js';
import { isGzip } from '../input/lines.js';
import { ANALYSIS_SCHEMA, type Analysis } from '../model/analysis.js';
import { IopathError } from '../model/errors.js';

/**
 * An input of `compare`: a trace of any format (analysed here) or a saved `analyze --json` result.
 * Told apart by content, not by name: a saved analysis is JSON (optionally gzipped) whose `schema`
 * is `iopath.analysis/1`; no trace format starts with `{`. Saving analyses lets a CI job analyse
 * each run once and compare many times, and keeps big traces off the machine that compares.
 */

export type LoadOptions = Pick<AnalyzeOptions, 'format' | 'unit' | 'strict'>;

async function rawHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The first bytes of a file, gunzipped when it is gzip. */
async function head(path: string, bytes = 4096): Promise<Buffer> {
  const raw = await rawHead(path, bytes);
  if (!isGzip(raw)) return raw;
  const gunzip = createGunzip();
  const src = createReadStream(path);
  src.pipe(gunzip);
  const chunks: Buffer[] = [];
  let got = 0;
  try {
    for await (const c of gunzip) {
      chunks.push(c as Buffer);
      got += (c as Buffer).length;
      if (got >= bytes) break;
    }
  } catch {
    // A damaged gzip is the trace reader's to report, with its own message.
  } finally {
    src.destroy();
    gunzip.destroy();
  }
  return Buffer.concat(chunks);
}

async function readAll(path: string, gzip: boolean): Promise<string> {
  const stream = createReadStream(path);
  const chunks: Buffer[] = [];
  for await (const c of gzip ? stream.pipe(createGunzip()) : stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function looksLikeJson(start: Buffer): boolean {
  const text = start.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return text.startsWith('{');
}

/** Checks what compare reads; analyses saved before the window series and distributions existed lack them. */
export function checkSavedAnalysis(value: unknown, path: string): Analysis {
  const v = value as Partial<Analysis> | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new IopathError('unrecognised', `${path}: JSON but not an object`);
  if (v.schema !== ANALYSIS_SCHEMA) throw new IopathError('unrecognised', `${path}: JSON with schema ${JSON.stringify(v.schema ?? null)}, not ${ANALYSIS_SCHEMA} (save one with \`iopath analyze --json TRACE > FILE\`)`);
  const missing: string[] = [];
  if (!v.ios?.byMode || !v.ios.irqContext || !v.ios.byDirection) missing.push('ios');
  if (!v.window) missing.push('window');
  if (!Array.isArray(v.cpus)) missing.push('cpus');
  if (!v.perIo) missing.push('perIo');
  if (!Array.isArray(v.submitters) || !Array.isArray(v.kworkers) || !Array.isArray(v.irqCpus)) missing.push('submitters/kworkers/irqCpus');
  if (!v.series || !Array.isArray(v.series.counts) || !(v.series.binNs > 0)) missing.push('series');
  if (!v.distributions || typeof v.distributions !== 'object') missing.push('distributions');
  if (missing.length > 0) throw new IopathError('unrecognised', `${path}: saved analysis lacks ${missing.join(', ')} (written by an older iopath?): run \`iopath analyze --json\` on the trace again`);
  return { ...v, limitations: v.limitations ?? [], diagnostics: v.diagnostics ?? [] } as Analysis;
}

/**
 * Loads one input: a saved analysis as it is, a trace through `analyzeTrace`. Throws an
 * IopathError: `unreadable` (no such file, JSON that does not parse) or `unrecognised` (another
 * schema, an analysis saved by an older iopath, no trace event, no I/O).
 */
export async function loadAnalysis(path: string, opts: LoadOptions = {}): Promise<Analysis> {
  let analysis: Analysis | undefined;
  if (path !== '-') {
    checkInputPath(path);
    // (A perf.data directory, `perf record --threads`, is a trace: it has no head to sniff.)
    if (!statSync(path).isDirectory() && looksLikeJson(await head(path))) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readAll(path, isGzip(await rawHead(path, 2))));
      } catch (err) {
        throw new IopathError('unreadable', `${path}: starts like JSON but does not parse (${(err as Error).message}); give a trace or an \`analyze --json\` result`);
      }
      analysis = checkSavedAnalysis(parsed, path);
    }
  }
  if (analysis === undefined) {
    const r = await analyzeTrace(path, opts);
    if (r.stream.events === 0) {
      throw new IopathError('unrecognised', `${path}: nothing to compare: ${r.stream.read.lines === 0 ? 'the input is empty' : `none of its ${r.stream.read.lines} lines is a trace event`}`);
    }
    analysis = r.analysis;
  }
  if (analysis.ios.total === 0) throw new IopathError('unrecognised', `${path}: no block or direct I/O found, nothing to compare`);
  return analysis;
}
