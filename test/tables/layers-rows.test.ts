import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../../src/model/analysis.js';
import { createCsvWriter } from '../../src/report/csv.js';
import { analyze } from '../../src/index.js';
import { partPath } from '../../src/tables/parquet.js';
import { analyzeToParquet } from '../../src/tables/trace-tables.js';
import { FIXTURES, ft } from '../helpers/paths.js';

/**
 * The per-I/O rows against the analysis: the workload's rows (layer top) are what ios.byMode
 * counts, lower layers' and background rows are flagged apart, each work item names its function
 * and workqueue, and an auto unit's early request rows leave neither the Parquet nor the CSV.
 */

const dir = mkdtempSync(join(tmpdir(), 'iopath-layer-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type IoRow = { layer: string; mode: string; unit: string; dev: string; completion_hops: number | null; hop_chain: string | null; devices: string | null };
type WorkRow = { io_id: bigint; function: string | null; workqueue: string | null };

const read = async <T>(table: 'ios' | 'work_items', trace: string): Promise<T[]> =>
  (await parquetReadObjects({ file: await asyncBufferFromFile(partPath(dir, table, trace)) })) as T[];

const count = <T>(rows: T[], key: (r: T) => string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + 1;
  return out;
};

describe('a loop stack (xfs on loop0 over a file on vda)', () => {
  let a: Analysis;
  let ios: IoRow[];
  let items: WorkRow[];
  beforeAll(async () => {
    a = await analyzeToParquet(join(FIXTURES, 'stacks', 'xfs-libaio-randwrite.txt'), dir, 'xfs');
    ios = await read<IoRow>('ios', 'xfs');
    items = await read<WorkRow>('work_items', 'xfs');
  }, 120_000);

  it('counts the top rows by mode as ios.byMode, and flags the loop worker’s DIOs as servicing', () => {
    const top = ios.filter((r) => r.layer === 'top');
    expect(top.length).toBe(a.ios.total);
    const want = Object.fromEntries(Object.entries(a.ios.byMode).filter(([, n]) => n > 0));
    expect(count(top, (r) => r.mode)).toEqual(want);
    const lower = a.layers!.find((l) => l.role !== 'top')!;
    const servicing = ios.filter((r) => r.layer === 'servicing');
    expect(servicing.length).toBe(lower.servicing);
    expect(servicing.length).toBeGreaterThan(0);
    expect(new Set(servicing.map((r) => r.dev.replace(',', ':')))).toEqual(new Set([lower.device]));
  });

  it('gives each top row its devices and completion hops as the analysis counts them', () => {
    const top = ios.filter((r) => r.layer === 'top' && r.mode !== 'unresolved');
    expect(count(top, (r) => String(r.completion_hops))).toEqual(a.hops!.histogram);
    const common = a.hops!.common.join(' > ');
    expect(top.filter((r) => r.hop_chain === common).length).toBeGreaterThan(top.length / 2);
    expect(top[0]!.devices).toBe(a.layers!.map((l) => l.device).join(' > '));
  });

  it('names the function and workqueue of every work item that completed an I/O', () => {
    expect(items.length).toBeGreaterThan(0);
    expect(items.filter((r) => r.function === null)).toEqual([]);
    // The top DIOs complete on dio/loop0, the loop worker's on dio/vda.
    expect(new Set(items.map((r) => `${r.function}@${r.workqueue}`))).toEqual(new Set(['iomap_dio_complete_work@dio/loop0', 'iomap_dio_complete_work@dio/vda']));
  });
});

describe('an auto unit that switches to DIOs after many block requests', () => {
  // 4200 requests of a task before the first iomap event (more than the analysis holds back),
  // then a real excerpt with DIOs: the requests are not in the analysis, nor may they be in a file.
  const excerpt = readFileSync(join(FIXTURES, 'excerpts', 'ftrace-libaio-randread-cpu1.txt'), 'utf8').split('\n');
  const requests = Array.from({ length: 4200 }, (_, i) => [
    ft('fio', 3952, 1, '.....', 100e6 + i * 20, 'block_rq_issue', `254,0 RS 4096 () ${1_000_000 + i * 8} + 8 be,0,4 [fio]`),
    ft('fio', 3952, 1, '..s..', 100e6 + i * 20 + 10, 'block_rq_complete', `254,0 RS () ${1_000_000 + i * 8} + 8 be,0,4 [0]`),
  ]).flat();
  const trace = join(dir, 'early.txt');
  let a: Analysis;
  beforeAll(async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(trace, [...excerpt.filter((l) => l.startsWith('#')), ...requests, ...excerpt.filter((l) => l && !l.startsWith('#'))].join('\n') + '\n');
    a = await analyzeToParquet(trace, dir, 'early');
  }, 120_000);

  it('writes one Parquet ios row per I/O of the analysis', async () => {
    expect(a.unit).toBe('dio');
    const rows = await read<IoRow>('ios', 'early');
    expect(rows.length).toBe(a.ios.total);
    expect(new Set(rows.map((r) => r.unit))).toEqual(new Set(['dio']));
  });

  it('writes one CSV row per I/O of the analysis', async () => {
    const file = join(dir, 'early.csv');
    const csv = createCsvWriter(file);
    const again = await analyze(trace, { onIo: (p) => csv.write(p) });
    await csv.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id,unit,/);
    expect(lines.length - 1).toBe(again.ios.total);
    expect(lines.slice(1).every((l) => l.split(',')[1] === 'dio')).toBe(true);
  });
});
