import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANALYZED_EVENTS } from '../../../src/analyze/pipeline.js';
import type { TraceEvent } from '../../../src/model/events.js';
import { streamEvents, type StreamResult } from '../../../src/parse/stream.js';
import { REPO } from '../../helpers/paths.js';
import { CAPTURES, datPath } from './helpers.js';

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
