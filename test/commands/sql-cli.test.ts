import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, REPO } from '../helpers/paths.js';
import { buildCli, iopathAsync, tempDir } from '../cli/run.js';

/** The built CLI: several traces on all cores (child processes) with --parquet, then `sql` over the directory. */

const A = join(FIXTURES, 'real', 'libaio-randwrite-cpu0.ftrace.txt.gz');
const B = join(FIXTURES, 'real', 'libaio-randwrite-cpu1.ftrace.txt.gz');

beforeAll(() => buildCli(), 180_000);

describe('analyze A B --parquet DIR, then sql DIR', () => {
  it('writes the tables of both traces and a fleet summary that sql agrees with', async () => {
    const dir = join(tempDir('iopath-fleet-'), 'pq');
    const [fleetRun, one, two] = await Promise.all([iopathAsync(['analyze', A, B, '--parquet', dir, '--json']), iopathAsync(['analyze', A, '--json']), iopathAsync(['analyze', B, '--json'])]);
    expect(fleetRun.code, fleetRun.stderr).toBe(0);
    const fleet = JSON.parse(fleetRun.stdout);
    const singles = [JSON.parse(one.stdout), JSON.parse(two.stdout)];
    expect(fleet.schema).toBe('iopath.fleet/1');
    expect(fleet.traces.map((t: { ios: number }) => t.ios)).toEqual(singles.map((a) => a.ios.total));
    expect(fleet.traces.map((t: { iops: number }) => t.iops)).toEqual(singles.map((a) => a.iops));
    const q = await iopathAsync(['sql', 'select trace, count(*) as n from ios group by trace order by trace', dir, '--json']);
    expect(q.code, q.stderr).toBe(0);
    expect(JSON.parse(q.stdout).map((r: { n: number | string }) => Number(r.n))).toEqual(singles.map((a) => a.ios.total));
    const csv = await iopathAsync(['sql', "select 'x' as a, 1 as b", dir, '--csv']);
    expect(csv.stdout).toBe('a,b\r\nx,1\n');
  }, 300_000);

  it('refuses --csv with several traces, and a query that does not parse, in one line', async () => {
    const r = await iopathAsync(['analyze', A, B, '--csv', join(tempDir('iopath-fleet-'), 'x.csv')]);
    expect(r.code).toBe(2);
    // package.json goes to the child process (this process takes the first trace): its error comes back with its kind.
    const [broken, alone] = await Promise.all([iopathAsync(['analyze', A, join(REPO, 'package.json')]), iopathAsync(['analyze', join(REPO, 'package.json')])]);
    expect(broken.stderr).toMatch(/package\.json: nothing to analyze/);
    expect(broken.code).toBe(alone.code);
    expect(broken.code).not.toBe(0);
    const bad = await iopathAsync(['sql', 'selec nothing', A]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^iopath: sql: /);
  }, 300_000);
});
