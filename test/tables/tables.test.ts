import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { quantileSorted } from 'simple-statistics';
import { afterAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../../src/model/analysis.js';
import { phasesOf, type IoPath } from '../../src/model/io.js';
import { TABLES, TABLE_NAMES, traceName } from '../../src/tables/columns.js';
import { fleetSummary } from '../../src/tables/fleet.js';
import { partPath } from '../../src/tables/parquet.js';
import { cpuChanges, hopChain, ioRow, workItemRow } from '../../src/tables/rows.js';
import { analyzeToParquet } from '../../src/tables/trace-tables.js';
import { FIXTURES, REPO } from '../helpers/paths.js';

const TRACES = ['libaio-randwrite-cpu0.ftrace.txt.gz', 'libaio-randwrite-cpu1.ftrace.txt.gz'].map((f) => join(FIXTURES, 'real', f));
const dir = mkdtempSync(join(tmpdir(), 'iopath-tables-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Both fixtures to Parquet once, keeping every I/O's total latency to check the fleet summary against. */
const runs: Promise<{ trace: string; analysis: Analysis; totals: number[] }[]> = Promise.all(
  TRACES.map(async (path) => {
    const totals: number[] = [];
    const trace = traceName(path);
    const analysis = await analyzeToParquet(path, dir, trace, { onIo: (p: IoPath) => void (phasesOf(p).total !== undefined && totals.push(phasesOf(p).total!)) });
    return { trace, analysis, totals };
  }),
);

const PARQUET_OF = { string: 'BYTE_ARRAY', int32: 'INT32', int64: 'INT64', double: 'DOUBLE' } as const;

describe('Parquet tables, read back by hyparquet (an independent reader)', () => {
  it('has one ios row per I/O, with the documented column types and no trace column in the file', async () => {
    for (const { trace, analysis } of await runs) {
      const file = await asyncBufferFromFile(partPath(dir, 'ios', trace));
      const meta = await parquetMetadataAsync(file);
      expect(Number(meta.num_rows)).toBe(analysis.ios.total);
      const cols = meta.schema.slice(1).map((s) => ({ name: s.name, type: s.type }));
      expect(cols).toEqual(TABLES.ios.map((c) => ({ name: c.name, type: PARQUET_OF[c.type] })));
      const rows = (await parquetReadObjects({ file, columns: ['mode'] })) as { mode: string }[];
      const byMode: Record<string, number> = {};
      for (const r of rows) byMode[r.mode] = (byMode[r.mode] ?? 0) + 1;
      for (const [m, n] of Object.entries(analysis.ios.byMode)) expect(byMode[m] ?? 0).toBe(n);
    }
  }, 180_000);

  it('writes every table for every trace under TABLE/trace=NAME/', async () => {
    for (const t of TABLE_NAMES) expect(readdirSync(join(dir, t)).sort()).toEqual((await runs).map((r) => `trace=${r.trace}`).sort());
    const { analysis, trace } = (await runs)[0]!;
    const cpus = await parquetReadObjects({ file: await asyncBufferFromFile(partPath(dir, 'cpus', trace)) });
    expect(cpus.length).toBe(analysis.cpus.length);
    const traces = await parquetReadObjects({ file: await asyncBufferFromFile(partPath(dir, 'traces', trace)) });
    expect(traces).toHaveLength(1);
    expect(Number(traces[0]!['ios'])).toBe(analysis.ios.total);
  }, 180_000);
});

describe('fleet summary', () => {
  it('merges the sketches: quantiles within 0.5% of the exact ones over the concatenated I/Os', async () => {
    const r = await runs;
    const fleet = fleetSummary(r);
    const all = r.flatMap((x) => x.totals).sort((a, b) => a - b);
    expect(fleet.latencyUs.total!.count).toBe(all.length);
    expect(fleet.ios).toBe(r.reduce((n, x) => n + x.analysis.ios.total, 0));
    for (const [q, got] of [[0.5, fleet.latencyUs.total!.p50], [0.9, fleet.latencyUs.total!.p90], [0.99, fleet.latencyUs.total!.p99]] as const) {
      const exact = quantileSorted(all, q) / 1000;
      expect(Math.abs(got - exact)).toBeLessThanOrEqual(0.005 * exact + 1e-9);
    }
    for (const m of ['kworker-deferred', 'task-inline'] as const) expect(fleet.byMode[m]).toBe(r[0]!.analysis.ios.byMode[m] + r[1]!.analysis.ios.byMode[m]);
  }, 180_000);
});

describe('rows', () => {
  const stage = (ts: number, cpu: number) => ({ ts, cpu, line: 1 });
  const base: IoPath = { id: 1, unit: 'dio', dir: 'W', bytes: 4096, mode: 'kworker-deferred', evidence: 'iomap_dio_complete' };
  it('counts CPU changes along the completion', () => {
    expect(cpuChanges({ ...base, deviceComplete: { ...stage(1, 1), ctx: 'hardirq' }, queueWork: stage(2, 1), executeStart: { ...stage(3, 0), pid: 9, comm: 'kworker/0:1' }, completion: { ...stage(4, 0), ctx: 'task', pid: 9, comm: 'kworker/0:1' } })).toBe(1);
    expect(cpuChanges({ ...base, deviceComplete: { ...stage(1, 1), ctx: 'hardirq' }, completion: { ...stage(2, 1), ctx: 'softirq', pid: 0, comm: 'swapper' } })).toBe(0);
  });
  it('gives the runnable wait of the kworker, and NULL for missing stages', () => {
    const r = ioRow({ ...base, kworkerWakeup: stage(10_000, 1), kworkerSwitchIn: stage(35_000, 1) });
    expect(r['run_delay_us']).toBe(25);
    expect(r['total_us']).toBeUndefined();
    expect(r['layer']).toBe('top');
    expect(ioRow(base, 'background')['layer']).toBe('background');
  });
  it('writes the completion hops as fn@workqueue in order, and the work item’s function and workqueue', () => {
    const hops = [
      { fn: 'iomap_dio_complete_work', workqueue: 'dio/vda', device: '254:0', label: 'DIO completion' },
      { fn: 'iomap_dio_complete_work', workqueue: 'dio/loop0', device: '7:0', label: 'DIO completion' },
    ];
    const p: IoPath = { ...base, layers: { devices: ['7:0', '254:0'], hops }, queueWork: stage(2, 1), work: 'w1', workFunction: 'iomap_dio_complete_work', workqueue: 'dio/loop0' };
    expect(hopChain(p)).toBe('iomap_dio_complete_work@dio/vda > iomap_dio_complete_work@dio/loop0');
    const r = ioRow(p);
    expect([r['completion_hops'], r['devices']]).toEqual([2, '7:0 > 254:0']);
    expect(ioRow(base)['completion_hops']).toBeUndefined();
    expect(workItemRow(p)).toMatchObject({ function: 'iomap_dio_complete_work', workqueue: 'dio/loop0', work: 'w1' });
  });
  it('names a trace by its file', () => {
    expect(traceName('/a/b/libaio-randwrite-cpu0.ftrace.txt.gz')).toBe('libaio-randwrite-cpu0');
    expect(traceName('x/we ird=name.txt')).toBe('we_ird_name');
  });
});

describe('docs/tables.md', () => {
  it('documents every column of every table with its type', () => {
    const doc = readFileSync(join(REPO, 'docs', 'tables.md'), 'utf8');
    for (const t of TABLE_NAMES) {
      const section = doc.split(/^## /m).find((s) => s.startsWith(`\`${t}\``));
      expect(section, `section for ${t}`).toBeDefined();
      const documented = [...section!.matchAll(/^\| `([a-z_]+)` \| (\w+) \|/gm)].map((m) => `${m[1]}:${m[2]}`);
      expect(documented).toEqual(['trace:string', ...TABLES[t].map((c) => `${c.name}:${c.type}`)]);
    }
  });
});
