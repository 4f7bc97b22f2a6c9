import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../src/model/events.js';
import { streamEvents } from '../../../src/parse/stream.js';
import { REPO } from '../../helpers/paths.js';

/**
 * The bio events of a real perf.data (ext4 on zram, Linux 6.18, `perf record -a`) decoded from the
 * file's own format descriptions are those `perf script` printed for it: same kinds, devices,
 * sectors, comms, in the same order (timestamps apart: perf script prints microseconds).
 * Skipped, with the reason printed, where the captures beside the checkout are absent.
 */
const DIR = resolve(REPO, '..', 'captures', 'stacks-perf');
const DATA = join(DIR, 'zram-libaio-randwrite.perf.data');
const TEXT = join(DIR, 'zram-libaio-randwrite.perf.txt.gz');
const present = existsSync(DATA) && existsSync(TEXT);
if (!present) console.log(`[bio-captures] skipped: ${DATA} or its perf script text not found`);

async function bios(path: string): Promise<string[]> {
  const out: string[] = [];
  await streamEvents(path, (e: TraceEvent) => {
    if (e.kind === 'other' && e.name.startsWith('block_')) out.push(`untyped ${e.name}`);
    if (e.kind !== 'block_bio_queue' && e.kind !== 'block_bio_complete' && e.kind !== 'block_bio_remap' && e.kind !== 'block_split') return;
    const { line: _l, ts: _t, flags: _f, ctx: _c, tgid: _g, ...rest } = e;
    out.push(JSON.stringify(rest));
  });
  return out;
}

describe.skipIf(!present)('bio events: perf.data = perf script', () => {
  it('zram randwrite', async () => {
    const [data, text] = await Promise.all([bios(DATA), bios(TEXT)]);
    expect(data.length).toBeGreaterThan(8000);
    expect(data.filter((s) => s.startsWith('untyped'))).toEqual([]);
    expect(data).toEqual(text);
  }, 60_000);
});
