import { mkdtempSync, writeFileSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { createFioMatcher, readFioLogs } from '../../src/analyze/fio-logs.js';
import { createDiagnostics } from '../../src/model/diagnostics.js';
import { oracleCount } from '../helpers/oracle.js';
import { HAS_SHARED, SHARED_TRACES, SKIP_SHARED_REASON } from '../helpers/paths.js';

/** Whole real captures (../shared/real-traces): checked only where they exist. */

const CAPTURES = [
  'libaio-randwrite-cpu1-raw.raw.txt.gz',
  'libaio-randwrite-cpu1-tcmd.tcmd.txt.gz',
  'libaio-randwrite-cpu1-perf.perf.txt.gz',
  'libaio-randwrite-cpu0.raw.txt.gz',
  'libaio-randread-cpu1.raw.txt.gz',
  'iouring-randwrite-cpu1.raw.txt.gz',
];

if (!HAS_SHARED) console.warn(SKIP_SHARED_REASON);

const IOMAP_EVENT = / (iomap:)?iomap_dio_[a-z_]+: /;

async function withoutIomap(file: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'iopath-'));
  const out = join(dir, 'no-iomap.txt');
  const lines: string[] = [];
  const rl = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  // Drops the iomap tracepoints themselves (`grep -vE ' (iomap:)?iomap_dio_[a-z_]+: '`), not the
  // workqueue events that merely name iomap_dio_complete_work as their function: those are what a
  // kernel before 6.4 (no iomap tracepoints) still records.
  for await (const l of rl) if (!IOMAP_EVENT.test(l)) lines.push(l);
  writeFileSync(out, `${lines.join('\n')}\n`);
  return out;
}

/** Each capture analysed once for the whole file: the checks below only read the analysis. */
const analyses = new Map<string, ReturnType<typeof analyzeTrace>>();
function analysisOf(name: string): ReturnType<typeof analyzeTrace> {
  let a = analyses.get(name);
  if (!a) analyses.set(name, (a = analyzeTrace(join(SHARED_TRACES, name))));
  return a;
}

describe.skipIf(!HAS_SHARED)('whole shared captures', { timeout: 120_000 }, () => {
  for (const name of CAPTURES) {
    const file = join(SHARED_TRACES, name);
    it(`${name}: every I/O of the job is found and the modes equal an independent count of where iomap_dio_complete ran`, async () => {
      const [{ analysis: a }, oracle] = await Promise.all([analysisOf(name), oracleCount(file)]);
      expect(a.unit).toBe('dio');
      expect(oracle.begins).toBe(20000);
      expect(a.ios.total).toBe(20000);
      expect(a.ios.byMode.unresolved).toBe(0);
      expect(a.input.diagnostics.malformed_line ?? 0).toBe(0);
      const o = oracle.byContext;
      expect(a.ios.irqContext).toEqual({ hardirq: o.hardirq, softirq: o.softirq });
      expect(a.ios.byMode['kworker-deferred']).toBe(o.kworker);
      expect(a.ios.byMode['task-inline']).toBe(o.task);
    });
  }

  for (const name of ['libaio-randwrite-cpu1-raw.raw.txt.gz', 'libaio-randwrite-cpu1-tcmd.tcmd.txt.gz', 'libaio-randwrite-cpu0.raw.txt.gz', 'iouring-randwrite-cpu1.raw.txt.gz']) {
    it(`${name}: with iomap events removed the kworker-deferred share stays within 1 point`, async () => {
      const file = join(SHARED_TRACES, name);
      const { analysis: dio } = await analysisOf(name);
      const { analysis: req } = await analyzeTrace(await withoutIomap(file));
      expect(req.unit).toBe('request');
      const share = (x: typeof dio) => (100 * x.ios.byMode['kworker-deferred']) / x.ios.total;
      expect(Math.abs(share(req) - share(dio))).toBeLessThanOrEqual(1);
      // Every DIO is one request here; a few other requests (journal, metadata) may join them.
      expect(req.ios.total).toBeGreaterThanOrEqual(20000);
      expect(req.ios.total).toBeLessThanOrEqual(20010);
    });
  }

  it("fio's latency log matches every DIO by offset and agrees on IOPS", async () => {
    const prefix = join(SHARED_TRACES, 'libaio-randwrite-cpu1-raw');
    const logs = await readFioLogs(prefix, createDiagnostics(prefix));
    expect(logs?.ios).toBe(20000);
    const matcher = createFioMatcher(logs!);
    const { analysis } = await analyzeTrace(join(SHARED_TRACES, 'libaio-randwrite-cpu1-raw.raw.txt.gz'), { onPath: matcher.onPath });
    const fio = matcher.result(analysis.iops);
    expect(fio.matchedByOffset).toBe(20000);
    const fioIops = (logs!.ios * 1000) / logs!.spanMs;
    expect(Math.abs(analysis.iops - fioIops) / fioIops).toBeLessThan(0.02);
    expect(Object.keys(fio.logs).sort()).toEqual(['clat', 'lat', 'slat']);
  });
});
