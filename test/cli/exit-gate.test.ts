import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, expectNoStack, iopath, iopathAll, tempDir } from './run.js';

/**
 * Exit 1 when `compare --fail-on-regression` trips, 0 when the change is not a regression, through
 * the built CLI. The two sides are simulated (fio away from the interrupt's CPU, ~58k IOPS, and on
 * it, ~28k IOPS), long enough (0.25 s, 25 windows) for an interval, and analyzed once to JSON.
 */

const dir = tempDir('gate');
const fast = join(dir, 'fast.json');
const slow = join(dir, 'slow.json');

beforeAll(async () => {
  buildCli();
  const sides = [
    ['vm-cpu0', '2', fast],
    ['vm-cpu1', '3', slow],
  ] as const;
  const traces = sides.map(([preset]) => join(dir, `${preset}.txt`));
  const simulated = await iopathAll(sides.map(([preset, seed], i) => ['simulate', '--preset', preset, '--duration', '0.25', '--seed', seed, '-o', traces[i]!]));
  for (const r of simulated) expect(r.code, r.stderr).toBe(0);
  const analyzed = await iopathAll(traces.map((t) => ['analyze', '--json', t]));
  analyzed.forEach((r, i) => {
    expect(r.code, r.stderr).toBe(0);
    writeFileSync(sides[i]![2], r.stdout);
  });
}, 180_000);

describe('compare --fail-on-regression', () => {
  it('IOPS halved: exit 1, REGRESSION on stderr', () => {
    const r = iopath(['compare', fast, slow, '--fail-on-regression', 'iops']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^iopath: REGRESSION: iops: IOPS -\d+\.\d% \(95% CI/m);
    expectNoStack(r);
    expect(r.stdout).toMatch(/IOPS vs before/);
  });

  it('the other way round: exit 0, ok', () => {
    const r = iopath(['compare', slow, fast, '--fail-on-regression', 'iops']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^iopath: ok: iops:/m);
  });

  it('a drop smaller than the threshold does not trip it', () => {
    const r = iopath(['compare', fast, slow, '--fail-on-regression', 'iops:90']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('one tripped gate among several is enough; --json still prints the comparison', () => {
    const r = iopath(['compare', fast, slow, '--json', '--fail-on-regression', 'iops:90', '--fail-on-regression', 'iops']);
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ schema: 'iopath.compare/1' });
  });

  it('a saved analysis that is not one: exit 2, one line', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schema": "something/else"}');
    const r = iopath(['compare', bad, slow]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    writeFileSync(bad, '{"schema": "iopath.analysis/1", ');
    expect(iopath(['compare', bad, slow]).code).toBe(2);
  });
});
