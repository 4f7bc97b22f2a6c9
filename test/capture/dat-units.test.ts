import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { captureTrace, formatForOutput } from '../../src/capture/capture.js';
import { parseCaptureOptions } from '../../src/commands/capture.js';
import { usableKallsyms } from '../../src/capture/dat-capture.js';
import { datHead, type DatMeta } from '../../src/capture/dat-file.js';
import { parseHeaderPage, scanPage } from '../../src/capture/ring-page.js';
import { readDat } from './dat-reader.js';
import { datFiles, schedSwitch } from './fake-dat.js';
import { makeFakeTracefs, populate, testDeps, type FakeTracefs } from './fake-tracefs.js';
import { makePages } from './ring-pages.js';

/** The pieces of the trace.dat writer: page layout, page walk, file layout, instances. */

let fake: FakeTracefs | undefined;
afterEach(() => fake?.cleanup());

describe('ring-buffer page layout from header_page', () => {
  it('reads the long size and the sub-buffer size, so 32-bit kernels and larger sub-buffers work', () => {
    const x86 = datFiles()['events/header_page']!;
    expect(parseHeaderPage(x86)).toEqual({ pageSize: 4096, dataOffset: 16, longSize: 8 });
    // A 32-bit kernel with buffer_subbuf_size_kb=8 (Linux ≥ 6.8).
    const i386 = x86.replace('offset:8;\tsize:8;\tsigned:1;', 'offset:8;\tsize:4;\tsigned:1;').replace('offset:16;\tsize:4080;', 'offset:12;\tsize:8180;');
    expect(parseHeaderPage(i386)).toEqual({ pageSize: 8192, dataOffset: 12, longSize: 4 });
    expect(parseHeaderPage('')).toBeUndefined();
    expect(parseHeaderPage(x86.replace(/.*char data.*\n/, ''))).toBeUndefined();
  });

  it('counts events, skipping time extends and padding, and reads the lost-events flags', () => {
    const layout = { pageSize: 4096, dataOffset: 16, longSize: 8 };
    const evs = [0n, 10n, 300_000_000n, 300_000_050n].map((t, i) => ({ ...schedSwitch(t, { prev: 'a', prevPid: 1, state: 0n, next: 'b', nextPid: 2 }), ...(i === 1 ? { long: true, paddingBefore: 40 } : {}) }));
    const pages = makePages(evs, { maxPerPage: 2, lost: new Map([[1, 12]]) });
    expect(scanPage(pages, 0, layout)).toMatchObject({ events: 2, lost: false });
    expect(scanPage(pages, 4096, layout)).toEqual({ length: expect.any(Number), events: 2, lost: true, lostCount: 12 });
    // A big-endian kernel's page (s390x): type_len in the top bits of the header word.
    const be = Buffer.alloc(4096);
    const words = [(2 << 27) | 0, 0x0001_0002, 7, (30 << 27) | 5, 1, (2 << 27) | 9, 0x0001_0002, 8];
    words.forEach((w, i) => be.writeUInt32BE(w >>> 0, 16 + 4 * i));
    be.writeBigUInt64BE(BigInt(words.length * 4) | (3n << 30n), 8);
    be.writeBigUInt64BE(5n, 16 + words.length * 4);
    expect(scanPage(be, 0, layout, false)).toEqual({ length: 32, events: 2, lost: true, lostCount: 5 });
    // A corrupt length never runs past the page.
    const bad = Buffer.from(pages.subarray(0, 4096));
    bad.writeUInt32LE(0x07ffffff, 8);
    expect(scanPage(bad, 0, layout).events).toBeGreaterThanOrEqual(2);
  });
});

const META: DatMeta = {
  littleEndian: true,
  longSize: 8,
  pageSize: 4096,
  headerPage: Buffer.from('hp'),
  headerEvent: Buffer.from('he'),
  ftraceFormats: [],
  systems: [{ name: 'sched', formats: [Buffer.from('name: x\nID: 1\nformat:\n')] }],
  kallsyms: Buffer.alloc(0),
  printkFormats: Buffer.alloc(0),
  savedCmdlines: Buffer.from('1 a\n'),
  options: [],
  clock: 'local',
};

describe('trace.dat layout', () => {
  it('puts each CPU on a page boundary, an empty CPU included', () => {
    const { head, offsets } = datHead(META, [8192, 0, 4096]);
    expect(head.length).toBe(4096);
    expect(offsets).toEqual([4096, 12288, 12288]);
    const file = Buffer.concat([head, Buffer.alloc(8192 + 4096)]);
    expect(readDat(file).cpuData).toEqual([
      { offset: 4096, size: 8192 },
      { offset: 12288, size: 0 },
      { offset: 12288, size: 4096 },
    ]);
  });

  it('writes numbers in the endianness it is given', () => {
    const le = datHead(META, [4096]).head;
    const be = datHead({ ...META, littleEndian: false }, [4096]).head;
    const at = le.indexOf('6\0') + 4;
    expect(le[at - 2]).toBe(0);
    expect(be[at - 2]).toBe(1);
    expect(le.readUInt32LE(at)).toBe(4096);
    expect(be.readUInt32BE(at)).toBe(4096);
  });
});

describe('capture --format dat into a tracefs instance', () => {
  it('takes saved_cmdlines and printk_formats from the top directory, which instances lack', async () => {
    fake = makeFakeTracefs({ files: { saved_cmdlines: '7888 fio\n', printk_formats: '0x1 : "x"\n' } });
    const inst = join(fake.root, 'instances', 'iopath');
    mkdirSync(inst, { recursive: true });
    const files = datFiles();
    delete files.saved_cmdlines;
    delete files.printk_formats;
    populate(inst, { files });
    writeFileSync(join(inst, 'per_cpu/cpu1/trace_pipe_raw'), makePages([schedSwitch(5n, { prev: 'fio', prevPid: 7888, state: 1n, next: 'x', nextPid: 3 })]));
    const out = join(fake.dir, 't.dat');
    const r = await captureTrace({ topLevel: true, root: inst, output: out, command: ['true'], format: 'dat', bufferKb: 1024 }, testDeps());
    expect(r.error).toBeUndefined();
    const dat = readDat(readFileSync(out));
    expect(dat.cmdlines.get(7888)).toBe('fio');
    expect(dat.printk).toBe('0x1 : "x"\n');
    expect(dat.events).toHaveLength(1);
  });
});

describe('the default format', () => {
  it('is text for a name that says text, a trace.dat otherwise; --format wins', () => {
    expect(['t.txt', 't.txt.gz', 'T.TXT', 'trace.gz'].map(formatForOutput)).toEqual(['ftrace', 'ftrace', 'ftrace', 'ftrace']);
    expect(['t.dat', 'trace', 'run.1', 't.txt.dat'].map(formatForOutput)).toEqual(['dat', 'dat', 'dat', 'dat']);
    expect(parseCaptureOptions({ output: 't.dat' }).format).toBe('dat');
    expect(parseCaptureOptions({ output: 't.txt' }).format).toBe('ftrace');
    expect(parseCaptureOptions({ output: 't.txt', format: 'dat' }).format).toBe('dat');
    expect(parseCaptureOptions({ output: 't.dat', format: 'ftrace' }).format).toBe('ftrace');
  });
});

describe('kallsyms', () => {
  it('is left out, with a warning, when the kernel hides its addresses', () => {
    const real = Buffer.from('ffffffff81000000 T _stext\nffffffff8155d0a0 t iomap_dio_complete_work\n');
    expect(usableKallsyms(real)).toEqual({ kallsyms: real });
    const hidden = usableKallsyms(Buffer.from('0000000000000000 T _stext\n0000000000000000 t iomap_dio_complete_work\n'));
    expect(hidden.kallsyms.length).toBe(0);
    expect(hidden.warning).toMatch(/kptr_restrict/);
    expect(usableKallsyms(Buffer.alloc(0)).warning).toMatch(/no \/proc\/kallsyms/);
  });
});
