import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, expectOneLineRefusal, iopath, tempDir } from '../../cli/run.js';
import { datPath, reportPath } from './helpers.js';

/**
 * trace.dat through the built CLI: every command that reads a trace takes it with no option (the
 * format is recognised by its first bytes, on a path or on stdin), the analysis says
 * `trace.dat`, and a damaged file is refused in one line with exit 2.
 */

const dir = tempDir('binary-cli');
const DAT = datPath('libaio-randwrite-200', 'v7-zstd');

beforeAll(() => buildCli(), 180_000);

describe('commands take a trace.dat', { timeout: 180_000 }, () => {
  it('analyze --json: input.format trace.dat, the I/Os of its report text', () => {
    const bin = iopath(['analyze', '--json', DAT]);
    expect(bin.code, bin.stderr).toBe(0);
    const a = JSON.parse(bin.stdout);
    expect(a.input.format).toBe('trace.dat');
    const text = JSON.parse(iopath(['analyze', '--json', reportPath('libaio-randwrite-200', true)]).stdout);
    expect(a.ios).toEqual(text.ios);
  });

  it('on stdin, and the v6 file alike', () => {
    const piped = iopath(['analyze', '--json', '-'], { input: readFileSync(DAT) });
    expect(piped.code, piped.stderr).toBe(0);
    const v6 = iopath(['analyze', '--json', datPath('libaio-randwrite-200', 'v6-none')]);
    expect(v6.code, v6.stderr).toBe(0);
    expect(JSON.parse(piped.stdout).ios).toEqual(JSON.parse(v6.stdout).ios);
  });

  it('inspect, report, export and compare', () => {
    const ins = iopath(['inspect', '--json', DAT]);
    expect(ins.code, ins.stderr).toBe(0);
    expect(JSON.parse(ins.stdout)).toMatchObject({ format: 'trace.dat', cpusHeader: 2 });
    const html = join(dir, 'r.html');
    const rep = iopath(['report', DAT, '-o', html]);
    // stderr with the code: an exit 1 seen once under load in the full suite, not reproduced since.
    expect(rep.code, rep.stderr).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('trace.dat');
    const pf = join(dir, 'p.json');
    const exp = iopath(['export', '--perfetto', pf, DAT]);
    expect(exp.code, exp.stderr).toBe(0);
    expect(JSON.parse(readFileSync(pf, 'utf8'))).toBeTruthy();
    const cmp = iopath(['compare', DAT, reportPath('libaio-randwrite-200', true)]);
    expect(cmp.code, cmp.stderr).toBe(0);
  });
});

describe('refusals', { timeout: 180_000 }, () => {
  it('a trace.dat cut inside its header: one line, exit 2', () => {
    const cut = join(dir, 'cut.dat');
    writeFileSync(cut, readFileSync(DAT).subarray(0, 200));
    for (const cmd of [['analyze', cut], ['inspect', cut], ['report', cut, '-o', join(dir, 'x.html')]]) expectOneLineRefusal(iopath(cmd), /damaged trace\.dat/);
  });

  it('a trace.dat cut inside its CPU data: the events before the cut, the damage said', () => {
    const bytes = readFileSync(datPath('libaio-randwrite-200', 'v6-none'));
    const cut = join(dir, 'cut-data.dat');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 50_000));
    const r = iopath(['analyze', '--json', cut]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).input.diagnostics.binary_damaged).toBeGreaterThan(0);
  });

  it('a perf.data (either byte order) with a damaged header is recognised and refused', () => {
    for (const magic of ['PERFILE2', '2ELIFREP']) {
      const p = join(dir, `${magic}.data`);
      writeFileSync(p, Buffer.concat([Buffer.from(magic, 'latin1'), Buffer.alloc(200)]));
      expectOneLineRefusal(iopath(['analyze', p]), /damaged perf\.data/);
    }
  });
});
