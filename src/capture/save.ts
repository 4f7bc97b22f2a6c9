import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Tracefs } from './tracefs.js';

/**
 * Saving the captured trace as text: the tracefs `trace` file as it is, or `trace-cmd extract` +
 * `trace-cmd report`. Gzipped when the output ends in .gz. Written to a temporary name and renamed,
 * so an interrupted save never leaves a truncated file that looks like a whole trace.
 */

export interface SaveResult {
  /** Size of the written file. */
  bytes: number;
  /** Bytes of trace text (before compression). */
  textBytes: number;
  gzip: boolean;
  /** What trace-cmd said while extracting (it reports per-CPU losses there). */
  log?: string;
}

export interface SaveOptions {
  /** Aborting stops the save and removes the partial file. */
  signal?: AbortSignal;
}

async function writeText(source: Readable, output: string, opts: SaveOptions): Promise<SaveResult> {
  const gzip = output.endsWith('.gz');
  const partial = `${output}.partial-${process.pid}`;
  let textBytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      textBytes += chunk.length;
      cb(null, chunk);
    },
  });
  const sink = createWriteStream(partial);
  try {
    const signal = opts.signal ? { signal: opts.signal } : {};
    if (gzip) await pipeline(source, counter, createGzip({ level: 6 }), sink, signal);
    else await pipeline(source, counter, sink, signal);
    renameSync(partial, output);
  } catch (err) {
    // The sink may still be opening its file when the source fails: wait until it is closed, or
    // the file would be created again after the removal.
    if (!sink.closed) await new Promise<void>((done) => sink.once('close', () => done()));
    rmSync(partial, { force: true });
    throw err;
  }
  return { bytes: statSync(output).size, textBytes, gzip };
}

/** Streams the `trace` file (read after tracing stopped: nothing is consumed). */
export function saveFtrace(tfs: Tracefs, output: string, opts: SaveOptions = {}): Promise<SaveResult> {
  return writeText(createReadStream(tfs.path('trace'), { highWaterMark: 1 << 20 }), output, opts);
}

function collect(cmd: string, args: string[], cwd: string, signal?: AbortSignal): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out }));
  });
}

function lastLines(text: string, n = 3): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}

/**
 * `trace-cmd extract` reads the per-CPU buffers (tracing must be stopped) of the top level or of
 * the capture's instance, then `trace-cmd report` renders them. The binary trace.dat lives in a private temporary directory and is removed.
 */
export async function saveTraceCmd(traceCmd: string, output: string, opts: SaveOptions & { instance?: string } = {}): Promise<SaveResult> {
  const dir = mkdtempSync(join(tmpdir(), 'iopath-capture-'));
  const dat = join(dir, 'trace.dat');
  try {
    // `-B NAME` reads that instance's buffer only (the top level is read only with -t).
    const ex = await collect(traceCmd, ['extract', ...(opts.instance !== undefined ? ['-B', opts.instance] : []), '-o', dat], dir, opts.signal);
    if (ex.code !== 0) throw new Error(`trace-cmd extract failed (status ${ex.code}): ${lastLines(ex.out)}`);
    const report = spawn(traceCmd, ['report', '-i', dat], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], ...(opts.signal ? { signal: opts.signal } : {}) });
    let err = '';
    report.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve, reject) => {
      report.once('error', reject);
      report.once('close', (code) => resolve(code));
    });
    const saved = await writeText(report.stdout, output, opts);
    const code = await exited;
    if (code !== 0) {
      unlinkSync(output);
      throw new Error(`trace-cmd report failed (status ${code}): ${lastLines(err)}`);
    }
    return { ...saved, log: ex.out.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
