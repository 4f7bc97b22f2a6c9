import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../../../src/analyze/pipeline.js';
import type { Analysis } from '../../../../src/model/analysis.js';
import type { TraceEvent } from '../../../../src/model/events.js';
import { binaryReaderOfPath } from '../../../../src/parse/binary/dispatch.js';
import { readLanes, TURN_BYTES, type Lane } from '../../../../src/parse/binary/perfdata/directory.js';
import { perfDirectory } from '../../../../src/input/perf-directory.js';
import { createRecordPump } from '../../../../src/parse/binary/perfdata/pump.js';
import { memorySource } from '../../../../src/parse/binary/perfdata/source.js';
import { parseKallsyms } from '../../../../src/parse/binary/tep/kallsyms.js';
import { streamEvents, type StreamResult } from '../../../../src/parse/stream.js';
import { REPO } from '../../../helpers/paths.js';
import { textSource } from '../../../helpers/paths.js';
import { buildCli, iopathAll, tempDir } from '../../../cli/run.js';
import { BIN, comparable, comparableAnalysis, dataPath, readAll, scriptText, textEvents } from './helpers.js';

/**
 * `perf record --threads` output, a directory (directory.ts): the real fixture's events are the
 * ones `perf script --ns --show-lost-events` printed from it, line for line, and its analysis is
 * the analysis of that text. The turns perf takes through the files (2 MiB each, in whole
 * records) are checked on synthetic files, where the order of records of equal time shows them.
 */

const NAME = 'perf-randwrite-threads';
const DIR = join(BIN, NAME);
/** The /proc/kallsyms lines of the recording's boot for its work functions (perf named them from it). */
const kallsyms = parseKallsyms(readFileSync(join(BIN, `${NAME}.kallsyms`), 'latin1'));


function sameEvents(a: TraceEvent[], b: TraceEvent[]): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const x = comparable(a[i] as TraceEvent);
    const y = comparable(b[i] as TraceEvent);
    if (JSON.stringify(x) !== JSON.stringify(y)) expect(x, `event ${i + 1}`).toEqual(y);
  }
}


describe('a perf.data directory equals its own perf script text', () => {
  it('the fixture is a real --threads directory: data plus a data.N per CPU', () => {
    const d = perfDirectory(DIR);
    expect(d.files.map((f) => f.name).sort()).toEqual(['data.0', 'data.1']);
    expect(binaryReaderOfPath(DIR)?.format).toBe('perf.data');
  });

  it('the same events, line for line, whatever the read size', async () => {
    const text = await textEvents(scriptText(NAME));
    expect(text.length).toBeGreaterThan(2000);
    for (const chunkBytes of [undefined, 4093, 64]) {
      const { events, result } = await readAll(DIR, { kallsyms }, { chunkBytes });
      sameEvents(events, text);
      expect(result.mode).toBe('file');
      expect(result.bytes).toBe(perfDirectory(DIR).files.reduce((n, f) => n + f.size, readFileSync(join(DIR, 'data')).length));
      expect(result.diagnostics.count('binary_damaged')).toBe(0);
    }
  });

  it('the same analysis as the text: 200 I/Os, completed in a kworker', async () => {
    const [bin, txt] = await Promise.all([analyzeTrace(DIR), analyzeTrace(textSource(scriptText(NAME)))]);
    expect(bin.analysis.input.format).toBe('perf.data');
    expect(bin.analysis.ios.total).toBe(200);
    expect(bin.analysis.ios.byMode['kworker-deferred']).toBe(200);
    expect(comparableAnalysis(bin.analysis)).toEqual(comparableAnalysis(txt.analysis));
  });

  it('without its data.N files the directory gives only the records of data (no samples)', async () => {
    const dir = join(tempDir('perfdir-alone'), 'x.data');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(DIR, 'data'), join(dir, 'data'));
    const { events } = await readAll(dir);
    expect(events.length).toBe(0);
  });

  it('its data file given alone is refused in one line that says to give the directory', async () => {
    await expect(readAll(join(DIR, 'data'))).rejects.toThrow(/the data file of a perf\.data directory \(perf record --threads\).*give the directory$/);
  });

  it('a data.N that cannot be stat()ed (a symlink loop) is skipped, as perf skips it', async () => {
    const dir = join(tempDir('perfdir-loop'), 'x.data');
    mkdirSync(dir, { recursive: true });
    for (const f of ['data', 'data.0', 'data.1']) copyFileSync(join(DIR, f), join(dir, f));
    symlinkSync('data.7', join(dir, 'data.7'));
    const [a, b] = await Promise.all([readAll(dir), readAll(DIR)]);
    expect(a.events).toEqual(b.events);
  });

  it('a directory whose data has no HEADER_DIR_FORMAT is that one file (perf record --kcore writes such)', async () => {
    const dir = join(tempDir('perfdir-single'), 'x.data');
    mkdirSync(dir, { recursive: true });
    copyFileSync(dataPath('perf-randwrite'), join(dir, 'data'));
    // A stray data.N is not read: perf reads only `data` then.
    copyFileSync(join(DIR, 'data.1'), join(dir, 'data.1'));
    const [a, b] = await Promise.all([readAll(dir), readAll(dataPath('perf-randwrite'))]);
    expect(a.events).toEqual(b.events);
  });

  it('a directory version other than 1 is refused, naming it', async () => {
    const dir = join(tempDir('perfdir-version'), 'x.data');
    mkdirSync(dir, { recursive: true });
    const data = Buffer.from(readFileSync(join(DIR, 'data')));
    // The DIR_FORMAT section: the feature table after the data section, one {offset, size} per set bit.
    const tableAt = Number(data.readBigUInt64LE(40) + data.readBigUInt64LE(48));
    const bits: number[] = [];
    for (let bit = 0; bit < 256; bit++) if ((data[72 + (bit >> 3)] as number) & (1 << (bit & 7))) bits.push(bit);
    const at = Number(data.readBigUInt64LE(tableAt + bits.indexOf(24) * 16));
    expect(data.readBigUInt64LE(at)).toBe(1n);
    data.writeBigUInt64LE(2n, at);
    writeFileSync(join(dir, 'data'), data);
    await expect(readAll(dir)).rejects.toThrow(/version 2/);
  });
});

describe('every command that reads a trace reads a perf.data directory (built CLI)', () => {
  it('analyze, inspect, compare, report, export, calibrate', async () => {
    buildCli();
    const out = tempDir('perfdir-cli');
    const runs = await iopathAll([
      ['analyze', DIR, '--json'],
      ['inspect', DIR],
      ['compare', DIR, dataPath('perf-randwrite')],
      ['report', DIR, '-o', join(out, 'r.html')],
      ['export', DIR, '--perfetto', join(out, 'e.json')],
      ['calibrate', DIR],
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(runs[0]!.stdout) as Analysis).ios.total).toBe(200);
    expect(runs[1]!.stdout).toMatch(/format\s+perf\.data/);
  }, 180_000);
});

const DIST = join(REPO, 'dist');
describe.skipIf(!existsSync(join(DIST, 'parse', 'stream-worker.js')))('a perf.data directory on the parsing thread (built)', { timeout: 120_000 }, () => {
  it('gives the events and result read in place give', async () => {
    const { streamEventsParallel } = (await import(join(DIST, 'parse', 'stream-parallel.js'))) as typeof import('../../../../src/parse/stream-parallel.js');
    const a: TraceEvent[] = [];
    const b: TraceEvent[] = [];
    const ra = await streamEvents(DIR, (e) => a.push(e), { payloads: 'all', label: 'x' });
    const rb = await streamEventsParallel(DIR, (e) => b.push(e), { payloads: 'all', label: 'x' });
    for (const e of [...a, ...b]) if (e.kind === 'other') void e.args;
    expect(a.length).toBeGreaterThan(2000);
    expect(b).toEqual(a);
    const strip = (r: StreamResult): object => ({ ...r, diagnostics: r.diagnostics.summaries() });
    expect(strip(rb)).toStrictEqual(strip(ra));
  });
});

/**
 * Synthetic lanes: records of type 9 (as samples) whose 8-byte body is their time and a tag, read
 * with a stable sort on release, as the record queue does; `size` pads a lane's records.
 */
async function turns(lanes: { times: number[]; size: number }[]): Promise<{ order: string[]; fed: string[]; released: number[] }> {
  const fed: string[] = [];
  const order: string[] = [];
  const released: number[] = [];
  let held: { ts: number; tag: string }[] = [];
  let oldest = Infinity;
  let cur = 0;
  const srcs: Lane[] = lanes.map((l, i) => {
    const b = Buffer.alloc(l.times.length * l.size);
    l.times.forEach((t, k) => {
      b.writeUInt32LE(9, k * l.size);
      b.writeUInt16LE(l.size, k * l.size + 6);
      b.writeUInt32LE(t, k * l.size + 8);
      b.writeUInt32LE(k, k * l.size + 12);
    });
    return { name: `data.${i}`, src: memorySource(b), start: 0, end: b.length };
  });
  await readLanes(
    srcs,
    {
      pump: (i) =>
        createRecordPump(true, {
          onRecord(dv, _bytes, at) {
            const ts = dv.getUint32(at + 8, true);
            const tag = `${i}:${dv.getUint32(at + 12, true)}`;
            fed.push(tag);
            held.push({ ts, tag });
            if (ts < oldest) oldest = ts;
            return 0;
          },
          onBlob() {},
          onBadSize() {
            throw new Error('bad size');
          },
        }),
      enter(i) {
        cur = i;
      },
      finish(i) {
        expect(i).toBe(cur);
      },
      feed: (pump, bytes) => pump.push(bytes.slice()),
      takeOldest() {
        const o = oldest;
        oldest = Infinity;
        return o;
      },
      release(limit) {
        released.push(limit);
        const out = held.filter((h) => h.ts <= limit).sort((a, b) => a.ts - b.ts);
        held = held.filter((h) => h.ts > limit);
        order.push(...out.map((h) => h.tag));
      },
      damaged(_lane, err) {
        throw err;
      },
    },
    100_000,
    true,
  );
  order.push(...held.sort((a, b) => a.ts - b.ts).map((h) => h.tag));
  return { order, fed, released };
}

describe('perf turns through the files', () => {
  it('2 MiB of whole records from each file in turn; the record that reaches 2 MiB is the turn\'s last', async () => {
    // 1000-byte records: the 2098th ends past 2 MiB (2,097,152), so a turn is 2098 records.
    const n = 5000;
    const per = Math.ceil(TURN_BYTES / 1000);
    expect(per).toBe(2098);
    const { fed } = await turns([{ times: Array.from({ length: n }, (_, k) => k), size: 1000 }, { times: Array.from({ length: n }, (_, k) => k), size: 1000 }]);
    const firstOfLane1 = fed.indexOf('1:0');
    expect(firstOfLane1).toBe(per);
    expect(fed[per * 2]).toBe(`0:${per}`);
    expect(fed.length).toBe(2 * n);
  });

  it('records of equal time come in the order perf queued them (turn, then file); all in time order', async () => {
    // Both files hold the same times: at each time, lane 0's record was queued first unless it
    // sits in a later turn than lane 1's.
    const n = 6000;
    const a = Array.from({ length: n }, (_, k) => k);
    const { order } = await turns([{ times: a, size: 2000 }, { times: a, size: 1000 }]);
    expect(order.length).toBe(2 * n);
    // Lane 0 (2000-byte records) turns every 1049 records, lane 1 every 2098: where lane 0 is a
    // turn further, lane 1's record of a time was queued before lane 0's.
    const turnOf = (lane: number, k: number): number => Math.floor(k / (lane === 0 ? 1049 : 2098));
    for (let t = 0; t < n; t++) {
      const first = turnOf(1, t) < turnOf(0, t) ? `1:${t}` : `0:${t}`;
      expect(order[2 * t], `time ${t}`).toBe(first);
    }
  });

  it('releases only what no file can still undercut: a sparse file does not let a busy one run ahead', async () => {
    const busy = Array.from({ length: 20_000 }, (_, k) => k);
    const sparse = Array.from({ length: 3000 }, (_, k) => k * 7);
    const { order, released } = await turns([{ times: busy, size: 1000 }, { times: sparse, size: 1000 }]);
    expect(released.length).toBeGreaterThan(2);
    const ts = order.map((tag) => {
      const [lane, k] = tag.split(':').map(Number) as [number, number];
      return lane === 0 ? (busy[k] as number) : (sparse[k] as number);
    });
    for (let i = 1; i < ts.length; i++) expect(ts[i] as number, `position ${i}`).toBeGreaterThanOrEqual(ts[i - 1] as number);
  });
});
