import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatTable, runQuery } from '../../src/commands/sql.js';
import { analyze } from '../../src/index.js';
import { materialize, uniqueNames } from '../../src/tables/inputs.js';
import { FIXTURES, HAS_SHARED, SHARED_TRACES, SKIP_SHARED_REASON } from '../helpers/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'iopath-sql-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The workload's rows (layer top): on a stack, the layers beneath have rows too, never counted in ios.byMode. */
const BY_MODE = "select trace, mode, count(*) as n from ios where layer = 'top' group by trace, mode order by trace, mode";

/** `sql` over the inputs must count, per trace and mode, what `analyze` puts in ios.byMode. */
async function checkByMode(paths: string[], into: string): Promise<void> {
  const roots = await materialize(paths, into);
  const r = await runQuery(BY_MODE, roots);
  const names = uniqueNames(paths);
  for (const [i, p] of paths.entries()) {
    const a = await analyze(p);
    const got = Object.fromEntries(r.rows.filter((x) => x['trace'] === names[i]).map((x) => [x['mode'], Number(x['n'])]));
    const want = Object.fromEntries(Object.entries(a.ios.byMode).filter(([, n]) => n > 0));
    expect(got, p).toEqual(want);
  }
}

describe('iopath sql', () => {
  it('counts each fixture trace by mode as analyze does', async () => {
    await checkByMode(['libaio-randwrite-cpu0.ftrace.txt.gz', 'libaio-randwrite-cpu1.ftrace.txt.gz'].map((f) => join(FIXTURES, 'real', f)), join(scratch, 'fx'));
  }, 180_000);

  it('reads a Parquet directory as it is, and gives empty typed tables where no input has rows', async () => {
    const roots = await materialize([join(FIXTURES, 'excerpts', 'ftrace-libaio-randread-cpu1.txt')], join(scratch, 'one'));
    const again = await runQuery('select count(*) as n, min(typeof(total_us)) as t from ios', roots);
    expect(Number(again.rows[0]!['n'])).toBe((await analyze(join(FIXTURES, 'excerpts', 'ftrace-libaio-randread-cpu1.txt'))).ios.total);
    expect(again.rows[0]!['t']).toBe('DOUBLE');
    expect(readdirSync(roots[0]!)).toContain('ios');
    const empty = await runQuery('select count(*) as n from work_items', roots);
    expect(Number(empty.rows[0]!['n'])).toBe(0);
  }, 180_000);

  it('refuses a bad query as a usage error', async () => {
    await expect(runQuery('select nope from ios', [join(scratch, 'one')])).rejects.toThrow(/sql: /);
  }, 180_000);

  it('prints a table with a header rule and a row count', () => {
    const t = formatTable({ columns: ['mode', 'n'], rows: [{ mode: 'irq-inline', n: 12 }, { mode: 'task-inline', n: 3 }] });
    expect(t.split('\n')).toEqual(['mode          n', '-----------  --', 'irq-inline   12', 'task-inline   3', '(2 rows)', '']);
  });

  // One shared capture per text format (trace-cmd, perf; tracefs with the reads' softirq mode, the
  // bundled fixtures above being tracefs writes): each is analysed twice here, once into Parquet
  // and once for the reference counts, and the other three are tracefs writes like the fixtures.
  it.skipIf(!HAS_SHARED)(`counts shared captures of each format by mode as analyze does${HAS_SHARED ? '' : ` (${SKIP_SHARED_REASON})`}`, async () => {
    const all = readdirSync(SHARED_TRACES).filter((f) => /^(libaio-randread-cpu1\.raw|libaio-randwrite-cpu1-tcmd\.tcmd|libaio-randwrite-cpu1-perf\.perf)\.txt\.gz$/.test(f)).map((f) => join(SHARED_TRACES, f));
    expect(all).toHaveLength(3);
    await checkByMode(all, join(scratch, 'shared'));
  }, 900_000);
});
