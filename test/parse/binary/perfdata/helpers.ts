import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Analysis } from '../../../../src/model/analysis.js';
import type { TraceEvent } from '../../../../src/model/events.js';
import { readPerfData, type PerfDataResult, type PerfDataSource } from '../../../../src/parse/binary/perfdata/read.js';
import { perfDecoderFactory, type PerfDecoderOptions } from '../../../../src/parse/binary/perfdata/tep-decoder.js';
import { initZstd, zstdStream } from '../../../../src/parse/binary/zstd.js';
import { streamEvents } from '../../../../src/parse/stream.js';
import { FIXTURES, textSource } from '../../../helpers/paths.js';

export const BIN = join(FIXTURES, 'binary');

/** The perf.data fixtures (fixtures/README.md, binary/perf-*), each with its `perf script --ns --show-lost-events` text. */
export const PERF_FIXTURES = ['perf-randwrite', 'perf-randwrite-z', 'perf-randwrite-pipe', 'perf-randwrite-pipe-z', 'perf-randread', 'perf-lost'] as const;

export const dataPath = (name: string): string => join(BIN, `${name}.data`);
export const textPath = (name: string): string => join(BIN, `${name}.script.gz`);
export const scriptText = (name: string): string => gunzipSync(readFileSync(textPath(name))).toString('utf8');

export const KALLSYMS = join(BIN, 'perf.kallsyms');

/** The kallsyms lines kept for the fixtures (`addr type name`), as a map from address text to name. */
export function kallsymsExcerpt(): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of readFileSync(KALLSYMS, 'latin1').split('\n')) {
    const [addr, , name] = line.split(/\s+/);
    if (addr && name) m.set(`0x${addr}`, name);
  }
  return m;
}

/** `perf script` text with work-function addresses replaced by their kallsyms names (what perf prints when it has the symbols). */
export function resolveFunctions(text: string, syms: Map<string, string>): string {
  return text.replace(/function([= ])(0x[0-9a-f]+)/g, (all, sep: string, addr: string) => (syms.has(addr) ? `function${sep}${syms.get(addr)}` : all));
}

export async function readAll(source: PerfDataSource, dec: PerfDecoderOptions = {}, extra: { chunkBytes?: number } = {}): Promise<{ events: TraceEvent[]; result: PerfDataResult }> {
  await initZstd();
  const events: TraceEvent[] = [];
  const result = await readPerfData(source, (e) => events.push(e), { makeDecoder: perfDecoderFactory({ payloads: 'all', ...dec }), zstd: zstdStream, ...extra });
  return { events, result };
}

/** An event as compared across readers: an unmodelled event's rendered text is libtraceevent's business, not the container's. */
export function comparable(e: TraceEvent): Record<string, unknown> {
  const o: Record<string, unknown> = { ...e };
  if (e.kind === 'other') delete o.args;
  return o;
}

/** The events the text parsers read from a `perf script` print. */
export async function textEvents(text: string): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  await streamEvents(textSource(text), (e) => out.push(e), { payloads: 'all' });
  return out;
}

/** The analysis without what names the input (path, format) and the quoted text lines of examples (a binary file has none). */
export function comparableAnalysis(a: Analysis): unknown {
  const o = JSON.parse(JSON.stringify(a)) as Analysis;
  const input = o.input as Partial<Analysis['input']>;
  delete input.path;
  delete input.format;
  for (const d of o.diagnostics) for (const ex of d.examples) delete ex.text;
  return o;
}
