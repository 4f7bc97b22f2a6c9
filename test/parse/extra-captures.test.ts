import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELLED_EVENTS } from '../../src/model/events.js';
import { streamEvents } from '../../src/parse/stream.js';
import { EXTRA_CAPTURES, hasExtraCaptures } from './helpers.js';

/**
 * The whole extra captures the excerpts were cut from (format variants, lost-event runs, other fio
 * jobs; ../captures beside the repository when present): every line parses, every modelled event
 * gets its typed form, and every loss marker `grep` finds (and an overrun the tracefs header
 * counts) becomes a data-loss diagnostic.
 * Skipped, with the reason printed, where those captures are not present.
 */


const modelled = new Set<string>(MODELLED_EVENTS);
const files = hasExtraCaptures
  ? ['variants', 'lost', 'jobs'].flatMap((d) => (existsSync(join(EXTRA_CAPTURES, d)) ? readdirSync(join(EXTRA_CAPTURES, d)).filter((f) => f.endsWith('.txt.gz')).map((f) => join(d, f)) : []))
  : [];
if (files.length === 0) console.warn(`[extra-captures] skipped: no variants/, lost/ or jobs/ captures in ${EXTRA_CAPTURES}`);

const MARKERS = String.raw`^CPU:[0-9]+ \[(LOST|[0-9]* ?EVENTS DROPPED)|^##### CPU [0-9]+ buffer started|PERF_RECORD_LOST`;

describe.skipIf(files.length === 0)('extra captures', () => {
  it.each(files)('%s', async (rel) => {
    const path = join(EXTRA_CAPTURES, rel);
    let untyped = 0;
    const res = await streamEvents(path, (e) => {
      if (e.kind === 'other' && modelled.has(e.name)) untyped++;
    });
    const d = res.diagnostics.counts();
    expect(res.format).not.toBeNull();
    expect(d.malformed_line ?? 0).toBe(0);
    expect(d.malformed_payload ?? 0).toBe(0);
    expect(untyped).toBe(0);
    const markers = Number(execFileSync('sh', ['-c', `zcat "$1" | grep -cE "$2" || true`, 'sh', path, MARKERS], { encoding: 'utf8' }).trim());
    // A tracefs header that counts more events written than kept is one more loss report.
    const header = /entries-written: (\d+)\/(\d+)/.exec(execFileSync('sh', ['-c', 'zcat "$1" | head -5', 'sh', path], { encoding: 'utf8' }));
    const overran = header !== null && Number(header[2]) > Number(header[1]) ? 1 : 0;
    expect((d.lost_events ?? 0) + (d.buffer_started ?? 0)).toBe(markers + overran);
  }, 60_000);
});
