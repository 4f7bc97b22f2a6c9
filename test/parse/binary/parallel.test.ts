import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANALYZED_EVENTS } from '../../../src/analyze/pipeline.js';
import type { TraceEvent } from '../../../src/model/events.js';
import { streamEvents, type StreamResult } from '../../../src/parse/stream.js';
import { REPO } from '../../helpers/paths.js';
import { BINARY, CAPTURES, datPath } from './helpers.js';
import { KALLSYMS } from './perfdata/helpers.js';

/**
 * A trace.dat read on the parsing thread (its events sent over in wire batches) gives what reading
 * it in place gives: same events, same result, same diagnostics. The worker runs JavaScript only,
 * so this drives the built modules (dist/).
 */

const DIST = join(REPO, 'dist');
const built = existsSync(join(DIST, 'parse', 'stream-worker.js'));

function comparable(r: StreamResult): object {
  const { diagnostics, ...rest } = r;
  return { ...rest, diagnostics: diagnostics.summaries() };
}

describe.skipIf(!built)('trace.dat on the parsing thread (built)', { timeout: 120_000 }, () => {
  it.each(CAPTURES)('%s', async (name) => {
    const { streamEventsParallel, canStreamInWorker } = (await import(join(DIST, 'parse', 'stream-parallel.js'))) as typeof import('../../../src/parse/stream-parallel.js');
    expect(canStreamInWorker(datPath(name, 'v6-none'), {})).toBe(false);
    for (const version of ['v7-zstd', 'v6-none']) {
      // The last selection leaves most events unanalysed: they cross as their records' bytes.
      for (const payloads of ['all', ANALYZED_EVENTS, new Set(['block_rq_complete'])] as const) {
        const a: TraceEvent[] = [];
        const b: TraceEvent[] = [];
        const ra = await streamEvents(datPath(name, version), (e) => a.push(e), { payloads, label: 'x' });
        const rb = await streamEventsParallel(datPath(name, version), (e) => b.push(e), { payloads, label: 'x' });
        // Events whose payload was not asked for render their text when read: read them all.
        for (const e of [...a, ...b]) if (e.kind === 'other') void e.args;
        expect(b).toEqual(a);
        expect(comparable(rb)).toStrictEqual(comparable(ra));
      }
    }
  });
});

const PERF = ['perf-randwrite.data', 'perf-randwrite-z.data', 'perf-lost.data', 'perf-randread.data', 'perf-randwrite-pipe.data', 'perf-randwrite-pipe-z.data'];

describe.skipIf(!built)('perf.data on the parsing thread (built)', { timeout: 120_000 }, () => {
  type Parallel = typeof import('../../../src/parse/stream-parallel.js');
  type Reader = typeof import('../../../src/parse/binary/perfdata/reader.js');
  const dist = async (): Promise<[Parallel, Reader]> =>
    Promise.all([import(join(DIST, 'parse', 'stream-parallel.js')) as Promise<Parallel>, import(join(DIST, 'parse', 'binary', 'perfdata', 'reader.js')) as Promise<Reader>]);

  /** Both sides' events, every `args` read after the whole file (the lazy ones render only then). */
  async function both(file: string, payloads: 'all' | ReadonlySet<string>, withClass = true): Promise<{ a: TraceEvent[]; b: TraceEvent[]; ra: StreamResult; rb: StreamResult }> {
    const [{ streamEventsParallel }] = await dist();
    const a: TraceEvent[] = [];
    const b: TraceEvent[] = [];
    const ra = await streamEvents(file, (e) => a.push(e), { payloads, label: 'x' });
    const rb = await streamEventsParallel(file, (e) => b.push(e), { payloads, label: 'x' });
    for (const e of [...a, ...b]) if (e.kind === 'other') void e.args;
    // The lazy events of the two sides are of the same class from two module graphs (sources, dist/),
    // which toStrictEqual tells apart: compared by class name and own keys, strictly. A pipe-mode
    // file's are rendered on the decoding thread and cross as text (plain objects): keys only.
    const plain = (es: TraceEvent[]): object[] => es.map((e) => (withClass ? { class: e.constructor.name, ...e } : { ...e }));
    return { a: plain(a) as TraceEvent[], b: plain(b) as TraceEvent[], ra, rb };
  }

  it.each(PERF)('%s: same events, args included, and result', async (name) => {
    const file = join(BINARY, name);
    // The last selection leaves most events unanalysed: in file mode they cross as their records' bytes.
    const fileMode = !name.includes('-pipe');
    for (const payloads of ['all', ANALYZED_EVENTS, new Set(['block_rq_complete'])] as const) {
      const { a, b, ra, rb } = await both(file, payloads, fileMode);
      expect(b.length).toBeGreaterThan(0);
      // Unanalysed events came as their bytes: made lazy on this side, as in place (the class is
      // compared above; this says there are some to compare).
      if (fileMode && payloads !== 'all' && payloads.size === 1) expect(b.filter((e) => (e as { class?: string }).class === 'LazyOther').length).toBeGreaterThan(b.length / 4);
      expect(b).toStrictEqual(a);
      expect(comparable(rb)).toStrictEqual(comparable(ra));
    }
  });

  it('with --kallsyms, work functions in unanalysed events are named from it on the main thread too', async () => {
    const [, distReader] = await dist();
    const { useKallsyms } = await import('../../../src/parse/binary/perfdata/reader.js');
    const file = join(BINARY, 'perf-randwrite.data');
    const only = new Set(['block_rq_complete']);
    const plain = await both(file, only);
    try {
      // Both module graphs (sources in place, dist/ on the main thread's side) and, by the
      // environment, the decoding thread.
      useKallsyms(KALLSYMS);
      distReader.useKallsyms(KALLSYMS);
      const named = await both(file, only);
      expect(named.b).toStrictEqual(named.a);
      // The names come from the kallsyms: the texts differ from those read without it.
      const texts = (es: TraceEvent[]): string[] => es.flatMap((e) => (e.kind === 'other' ? [e.args] : []));
      expect(texts(named.b)).not.toStrictEqual(texts(plain.b));
    } finally {
      useKallsyms(undefined);
      distReader.useKallsyms(undefined);
    }
  });
});
