import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TraceEvent } from '../../src/model/events.js';
import { streamEvents, type StreamOptions, type StreamResult } from '../../src/parse/stream.js';
import type { Source } from '../../src/input/lines.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXCERPTS = join(ROOT, 'fixtures', 'excerpts');
export const HOSTILE = join(ROOT, 'fixtures', 'hostile');
/** The shared whole captures, beside the repository; absent in a fresh clone (CI). */
export const SHARED_TRACES = process.env.IOPATH_SHARED_TRACES ?? resolve(ROOT, '..', 'shared', 'real-traces');
export const hasSharedTraces = existsSync(SHARED_TRACES);
/** Extra captures of format variants, lost events and other jobs, beside the repository when present. */
export const EXTRA_CAPTURES = process.env.IOPATH_EXTRA_CAPTURES ?? resolve(ROOT, '..', 'captures');
/**
 * Present only when the folder holds the extra captures' own layout (variants/, lost/, jobs/ with
 * .txt.gz files): a `captures` folder beside the checkout made for something else is not them.
 */
export const hasExtraCaptures = ['variants', 'lost', 'jobs'].some((d) => {
  const dir = join(EXTRA_CAPTURES, d);
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.txt.gz'));
});

/** The excerpt fixtures (`NAME.txt`, not their goldens). */
export function excerptNames(): string[] {
  return readdirSync(EXCERPTS)
    .filter((f) => f.endsWith('.txt') && !f.endsWith('.golden.txt'))
    .sort();
}

/** The format a fixture's name promises: `ftrace-…`, `trace-cmd-…`, `perf-…`. */
export function formatOfName(name: string): 'ftrace' | 'trace-cmd' | 'perf' {
  if (name.startsWith('trace-cmd-')) return 'trace-cmd';
  if (name.startsWith('perf-')) return 'perf';
  if (name.startsWith('ftrace-')) return 'ftrace';
  throw new Error(`fixture ${name} does not say its format`);
}

export async function collect(source: Source, opts: StreamOptions = {}): Promise<{ events: TraceEvent[]; result: StreamResult }> {
  const events: TraceEvent[] = [];
  const result = await streamEvents(source, (e) => events.push(e), opts);
  return { events, result };
}
