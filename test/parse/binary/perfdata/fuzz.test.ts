import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DamagedInputError } from '../../../../src/parse/binary/errors.js';
import { PERF_DATA_READER } from '../../../../src/parse/binary/perfdata/reader.js';
import { createDiagnostics, type DiagnosticsCollector } from '../../../../src/model/diagnostics.js';
import { buildCli, expectOneLineRefusal, iopathAll, tempDir } from '../../../cli/run.js';
import { dataPath } from './helpers.js';

/**
 * Hostile perf.data: cut at every record boundary (and inside records), record sizes, section
 * offsets and counts corrupted, the magic of the other endianness. Whatever the damage, reading
 * ends (no hang), allocates nothing the file's size does not justify, and either keeps the events
 * before the damage with one `binary_damaged` diagnostic or refuses the whole input with one
 * DamagedInputError (exit 2 from the CLI, one line) — never another exception.
 */

interface Outcome {
  kind: 'ok' | 'damaged' | 'refused';
  events: number;
  diags: DiagnosticsCollector;
  message?: string;
}

async function read(bytes: Uint8Array): Promise<Outcome> {
  const diags = createDiagnostics('fuzz');
  let events = 0;
  try {
    await PERF_DATA_READER.read({ bytes }, () => events++, { diagnostics: diags, label: 'fuzz', payloads: 'all' });
    return { kind: diags.count('binary_damaged') > 0 ? 'damaged' : 'ok', events, diags };
  } catch (err) {
    if (err instanceof DamagedInputError) return { kind: 'refused', events, diags, message: err.message };
    throw err;
  }
}

/** Offsets where records start in a file's data section (file mode) or after its 16-byte header (pipe mode). */
function recordStarts(b: Buffer): number[] {
  const pipe = b.readBigUInt64LE(8) === 16n;
  let at = pipe ? 16 : Number(b.readBigUInt64LE(40));
  const end = pipe ? b.length : at + Number(b.readBigUInt64LE(48));
  const out: number[] = [];
  while (at + 8 <= end) {
    out.push(at);
    const size = b.readUInt16LE(at + 6);
    // Pipe mode's tracing data follows its record (type 66), outside the record's size.
    at += size + (b.readUInt32LE(at) === 66 ? b.readUInt32LE(at + 8) : 0);
  }
  return out;
}

let seed = 12345;
const rand = (n: number): number => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed % n;
};

const file = readFileSync(dataPath('perf-randwrite'));
const pipe = readFileSync(dataPath('perf-randwrite-pipe'));
const zfile = readFileSync(dataPath('perf-randwrite-z'));

describe('perf.data damaged', () => {
  it('the intact files read with no damage (the baseline the rest departs from)', async () => {
    for (const b of [file, pipe, zfile]) expect((await read(b)).kind).toBe('ok');
  });

  it('file mode cut at every record boundary and inside records: refused in one line (the sections after the data are gone)', async () => {
    const starts = recordStarts(file);
    expect(starts.length).toBeGreaterThan(2000);
    const cuts = [0, 7, 8, 16, 50, 103, 104, 200, ...starts, ...starts.map((s) => s + 5), file.length - 1];
    for (const cut of cuts) {
      const o = await read(file.subarray(0, cut));
      expect(o.kind, `cut at ${cut}`).toBe('refused');
      expect(o.message).toMatch(/perf\.data|PERFILE2/);
    }
  }, 120_000);

  it('pipe mode cut at record boundaries reads the events before the cut; inside a record, one binary_damaged diagnostic', async () => {
    const starts = recordStarts(pipe);
    const full = (await read(pipe)).events;
    // Every boundary among the header records (attrs, features, tracing data), then every 7th.
    const picked = starts.filter((s, i) => i < 40 || i % 40 === 0);
    let last = 0;
    for (const cut of picked) {
      const o = await read(pipe.subarray(0, cut));
      expect(o.kind, `cut at ${cut}`).not.toBe('damaged');
      if (o.kind === 'ok') {
        expect(o.events).toBeGreaterThanOrEqual(last);
        expect(o.events).toBeLessThanOrEqual(full);
        last = o.events;
      }
      const inside = await read(pipe.subarray(0, cut + 3));
      expect(inside.kind, `cut inside the record at ${cut}`).not.toBe('ok');
      if (inside.kind === 'damaged') expect(inside.diags.count('binary_damaged')).toBe(1);
    }
    expect(last).toBeGreaterThan(full * 0.9);
  }, 120_000);

  it('pipe-mode -z cut anywhere: events, a diagnostic or a refusal, nothing else', async () => {
    const pz = readFileSync(dataPath('perf-randwrite-pipe-z'));
    for (let i = 0; i < 30; i++) expect(['ok', 'damaged', 'refused']).toContain((await read(pz.subarray(0, rand(pz.length)))).kind);
  }, 120_000);

  it('-z file cut anywhere: refused', async () => {
    for (let i = 0; i < 40; i++) expect((await read(zfile.subarray(0, rand(zfile.length)))).kind).toBe('refused');
  });

  it('corrupted record sizes: the events before, then one diagnostic (or a refusal before any event)', async () => {
    const starts = recordStarts(file);
    for (let i = 0; i < 60; i++) {
      const b = Buffer.from(file);
      const at = starts[rand(starts.length)] as number;
      const size = b.readUInt16LE(at + 6);
      b.writeUInt16LE([0, 1, 7, 9, 0xffff, size + 8, Math.max(0, size - 8), rand(0x10000)][i % 8] as number, at + 6);
      const o = await read(b);
      if (o.kind === 'damaged') expect(o.diags.count('binary_damaged')).toBe(1);
    }
  }, 120_000);

  it('corrupted section offsets and sizes, huge counts: refused, nothing allocated for them', async () => {
    const huge = [2n ** 62n, 2n ** 53n + 1n, BigInt(file.length) + 1n, 0xffffffffn];
    const cases: [string, (b: Buffer) => void][] = [];
    for (const h of huge) {
      for (const [name, at] of [['attr size', 16], ['attrs offset', 24], ['attrs size', 32], ['data offset', 40], ['data size', 48]] as const) cases.push([`${name} = ${h}`, (b) => b.writeBigUInt64LE(h, at)]);
    }
    cases.push(['every feature bit set', (b) => b.fill(0xff, 72, 104)]);
    cases.push(['attr size 0', (b) => b.writeBigUInt64LE(0n, 16)]);
    for (const [name, corrupt] of cases) {
      const b = Buffer.from(file);
      corrupt(b);
      const before = process.memoryUsage().arrayBuffers;
      const o = await read(b);
      expect(o.kind, name).toBe('refused');
      expect(process.memoryUsage().arrayBuffers - before, name).toBeLessThan(64 << 20);
    }
  });

  it('a pipe-mode tracing-data record claiming 4 GiB: refused without allocating it', async () => {
    const starts = recordStarts(pipe);
    const td = starts.find((s) => pipe.readUInt32LE(s) === 66) as number;
    const b = Buffer.from(pipe);
    b.writeUInt32LE(0xffffffff, td + 8);
    const o = await read(b);
    expect(o.kind).toBe('refused');
  });

  it('random bytes flipped in the records: never anything but events, a diagnostic or a refusal', async () => {
    const starts = recordStarts(file);
    const from = starts[0] as number;
    const to = Number(file.readBigUInt64LE(40) + file.readBigUInt64LE(48));
    for (let i = 0; i < 80; i++) {
      const b = Buffer.from(file);
      for (let k = 0; k < 1 + (i % 5); k++) b[from + rand(to - from)] = rand(256);
      const o = await read(b);
      expect(['ok', 'damaged', 'refused']).toContain(o.kind);
    }
  }, 120_000);

  it('the magic of the other endianness: refused, saying so', async () => {
    const b = Buffer.from(file);
    Buffer.from('2ELIFREP', 'latin1').copy(b, 0);
    const o = await read(b);
    expect(o.kind).toBe('refused');
    expect(o.message).toMatch(/endian/);
  });
});

describe('perf.data damaged, through the CLI', () => {
  const dir = tempDir('perfdata-fuzz');
  const inputs: Record<string, string> = {};
  beforeAll(() => {
    buildCli();
    const put = (name: string, b: Buffer): void => {
      inputs[name] = join(dir, name);
      writeFileSync(inputs[name], b);
    };
    put('cut.data', file.subarray(0, Math.floor(file.length / 2)));
    put('header-only.data', file.subarray(0, 104));
    const swapped = Buffer.from(file);
    Buffer.from('2ELIFREP', 'latin1').copy(swapped, 0);
    put('swapped.data', swapped);
    const bad = Buffer.from(file);
    bad.writeBigUInt64LE(2n ** 62n, 48);
    put('bad-data-size.data', bad);
  }, 180_000);

  it('exit 2 with one line for each command that reads a trace', async () => {
    const names = Object.keys(inputs);
    const runs = await iopathAll(names.flatMap((n) => [['analyze', inputs[n] as string], ['inspect', inputs[n] as string]]));
    for (const r of runs) expectOneLineRefusal(r, /perf\.data/);
  }, 120_000);
});

/**
 * The directory form (`perf record --threads`): the same rule for damage in any of its files. A
 * damaged `data.N` ends the reading of that file only: the others are read to their end.
 */
describe('perf.data directory damaged', () => {
  const THREADS = join(dataPath('perf-randwrite-threads').replace(/\.data$/, ''));
  const data = readFileSync(join(THREADS, 'data'));
  const data0 = readFileSync(join(THREADS, 'data.0'));
  const data1 = readFileSync(join(THREADS, 'data.1'));
  const root = tempDir('perfdir-fuzz');
  let n = 0;

  /** A directory of these files (a file given as null is left out). */
  function dir(files: Record<string, Uint8Array | null>): string {
    const d = join(root, `d${n++}`);
    mkdirSync(d);
    for (const [name, b] of Object.entries({ data, 'data.0': data0, 'data.1': data1, ...files })) if (b !== null) writeFileSync(join(d, name), b);
    return d;
  }

  async function readDir(path: string): Promise<Outcome> {
    const diags = createDiagnostics('fuzz');
    let events = 0;
    try {
      await PERF_DATA_READER.read({ path }, () => events++, { diagnostics: diags, label: 'fuzz', payloads: 'all' });
      return { kind: diags.count('binary_damaged') > 0 ? 'damaged' : 'ok', events, diags };
    } catch (err) {
      if (err instanceof DamagedInputError) return { kind: 'refused', events, diags, message: err.message };
      throw err;
    }
  }

  /** Record starts of a headerless data.N. */
  const starts = (b: Buffer): number[] => {
    const out: number[] = [];
    for (let at = 0; at + 8 <= b.length; at += b.readUInt16LE(at + 6)) out.push(at);
    return out;
  };

  it('intact: every event; a data.N of no bytes is no reader (as perf skips it)', async () => {
    const full = await readDir(dir({}));
    expect(full.kind).toBe('ok');
    expect(full.events).toBe(2094);
    const empty = await readDir(dir({ 'data.0': new Uint8Array(0) }));
    expect(empty.kind).toBe('ok');
    expect(empty.events).toBeLessThan(full.events);
  });

  it('data.1 cut at record boundaries: the events of what is left; inside a record, one binary_damaged naming the file', async () => {
    const s = starts(data1);
    expect(s.length).toBeGreaterThan(1500);
    let last = -1;
    for (const cut of s.filter((_, i) => i % 97 === 0)) {
      const o = await readDir(dir({ 'data.1': data1.subarray(0, cut) }));
      expect(o.kind, `cut at ${cut}`).toBe('ok');
      expect(o.events).toBeGreaterThanOrEqual(last);
      last = o.events;
      const inside = await readDir(dir({ 'data.1': data1.subarray(0, cut + 5) }));
      expect(inside.kind, `cut inside the record at ${cut}`).toBe('damaged');
      expect(inside.diags.count('binary_damaged')).toBe(1);
      expect(JSON.stringify(inside.diags.summaries())).toMatch(/data\.1/);
      // data.0 is read to its end all the same.
      expect(inside.events).toBeGreaterThanOrEqual(o.events);
    }
  }, 120_000);

  it('corrupted sizes and flipped bytes in data.0 and data.1: events, diagnostics or a refusal, nothing else', async () => {
    for (let i = 0; i < 60; i++) {
      const name = i % 2 === 0 ? 'data.1' : 'data.0';
      const b = Buffer.from(name === 'data.1' ? data1 : data0);
      if (i % 3 === 0) {
        const s = starts(b);
        b.writeUInt16LE([0, 1, 7, 9, 0xffff, rand(0x10000)][i % 6] as number, (s[rand(s.length)] as number) + 6);
      } else for (let k = 0; k < 1 + (i % 5); k++) b[rand(b.length)] = rand(256);
      const o = await readDir(dir({ [name]: b }));
      expect(['ok', 'damaged', 'refused']).toContain(o.kind);
      if (o.kind === 'damaged') expect(o.diags.count('binary_damaged')).toBeLessThanOrEqual(2);
    }
  }, 120_000);

  it('data cut anywhere in its header, attrs or features: refused', async () => {
    for (const cut of [0, 50, 104, Math.floor(data.length / 2), data.length - 1]) expect((await readDir(dir({ data: data.subarray(0, cut) }))).kind, `cut at ${cut}`).toBe('refused');
  });

  it('through the CLI: a directory that is no perf.data, and one with a damaged data, exit 2 in one line', async () => {
    buildCli();
    const none = join(root, 'none');
    mkdirSync(none);
    writeFileSync(join(none, 'data.0'), data0);
    const text = join(root, 'text');
    mkdirSync(text);
    writeFileSync(join(text, 'data'), 'not a trace\n');
    const cut = dir({ data: data.subarray(0, 200) });
    const runs = await iopathAll([
      ['analyze', none],
      ['inspect', text],
      ['analyze', cut],
    ]);
    expectOneLineRefusal(runs[0]!, /is a directory, not a trace file/);
    expectOneLineRefusal(runs[1]!, /is a directory whose data is not a perf\.data, not a trace file/);
    expectOneLineRefusal(runs[2]!, /perf\.data/);
  }, 180_000);
});
