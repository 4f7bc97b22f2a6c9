import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../../src/analyze/pipeline.js';
import { FIXTURES, REPO } from '../../helpers/paths.js';

/**
 * Storage stacks: the workload is what user tasks submit at the top. Expected figures are counted
 * here from the trace text itself (fio's own submissions on the top device), never copied from a
 * run of the analyzer.
 */

const lines = (text: string, re: RegExp): number => text.split('\n').filter((l) => re.test(l)).length;

describe('xfs on loop over ext4 (fixtures/stacks/xfs-libaio-randwrite.txt)', () => {
  const path = join(FIXTURES, 'stacks', 'xfs-libaio-randwrite.txt');
  const text = readFileSync(path, 'utf8');
  it('counts fio DIOs on the top device, not the loop worker’s DIOs on the backing file', async () => {
    const { analysis: a } = await analyzeTrace(path);
    const fioBegins = lines(text, /^\s*fio-\d+ .* iomap_dio_rw_begin: dev 7:0 /);
    const workerBegins = lines(text, /^\s*kworker\/\S+ .* iomap_dio_rw_begin: dev 254:0 /);
    expect(workerBegins).toBeGreaterThan(0);
    expect(a.unit).toBe('dio');
    // I/Os begun before the excerpt are unresolved (trace_start); the rest are fio's begins.
    expect(a.ios.total - (a.ios.unresolvedReasons.trace_start ?? 0)).toBe(fioBegins);
    expect(a.submitters.map((s) => s.comm)).toEqual(['fio']);
    expect(a.layers?.map((l) => [l.device, l.role])).toEqual([
      ['7:0', 'top'],
      ['254:0', 'loop-backing'],
    ]);
    expect(a.layers?.[1]?.linkedBy).toContain('loop_rootcg_workfn');
    // xfs on loop on ext4: the backing DIO's completion work, then the loop DIO's own.
    expect(a.hops?.common).toEqual(['iomap_dio_complete_work@dio/vda', 'iomap_dio_complete_work@dio/loop0']);
    expect(a.samples.find((p) => p.mode === 'kworker-deferred')?.layers?.devices).toEqual(['7:0', '254:0']);
  });
});

describe('btrfs on loop (fixtures/stacks/btrfs-libaio-randwrite.txt): no DIO events of its own', () => {
  const path = join(FIXTURES, 'stacks', 'btrfs-libaio-randwrite.txt');
  const text = readFileSync(path, 'utf8');
  it('takes the workload from the requests fio put on the top device, direction from rwbs', async () => {
    const { analysis: a } = await analyzeTrace(path);
    const fioWrites = lines(text, /^\s*fio-\d+ .* block_rq_issue: 7,2 W[^M]* /);
    expect(a.unit).toBe('request');
    expect(a.ios.total).toBe(fioWrites);
    expect(a.ios.byDirection.W).toBe(fioWrites);
    expect(a.submitters.map((s) => s.comm)).toEqual(['fio']);
    expect(a.layers?.map((l) => [l.device, l.role])).toEqual([
      ['7:2', 'top'],
      ['254:0', 'loop-backing'],
    ]);
    // Its completion is deferred through btrfs's end-io workers, whatever their names.
    expect(a.ios.byMode['irq-inline']).toBe(0);
    expect(a.hops?.common).toContain('btrfs_work_helper@btrfs-endio-write');
  });

  it('says why its unit is block requests: the iomap events are the loop worker\'s, nothing was forced', async () => {
    const { analysis: a } = await analyzeTrace(path);
    const why = a.limitations[0] as string;
    expect(why).toMatch(/^The workload's I\/Os have no iomap_dio_rw_begin\/iomap_dio_complete events of their own/);
    expect(a.limitations.join(' ')).not.toContain('forced');
    const { analysis: f } = await analyzeTrace(path, { unit: 'request' });
    expect(f.limitations[0]).toMatch(/^I\/Os counted as block requests \(forced with --unit request\)/);
  });
});

describe('a workload on the disk that also backs a loop device (fixtures/stacks/root-beside-loop-libaio-randwrite.txt)', () => {
  const path = join(FIXTURES, 'stacks', 'root-beside-loop-libaio-randwrite.txt');
  const text = readFileSync(path, 'utf8');
  it('counts fio’s I/O on the backing disk as the workload when nothing above has any', async () => {
    const { analysis: a } = await analyzeTrace(path);
    // The link: jbd2's commit on loop1 serviced by the loop worker's DIO on 254:0.
    expect(lines(text, /loop_rootcg_workfn workqueue=loop1/)).toBeGreaterThan(0);
    expect(lines(text, /^\s*kworker\/\S+ .* iomap_dio_rw_begin: dev 254:0 .*flags DIRECT dio_flags/)).toBeGreaterThan(0);
    // The link is proved before fio's first DIO, so the unit stays request: fio's writes on 254:0.
    const fioWrites = lines(text, /^\s*fio-\d+ .* block_rq_issue: 254,0 WS /);
    expect(lines(text, /^\s*fio-\d+ .* iomap_dio_rw_begin: dev 254:0 .*AIO_RW/)).toBe(fioWrites);
    expect(fioWrites).toBeGreaterThan(0);
    expect(a.ios.total).toBe(fioWrites);
    expect(a.ios.byDirection.W).toBe(fioWrites);
    expect(a.submitters.map((s) => s.comm)).toEqual(['fio']);
    const vda = a.layers?.find((l) => l.device === '254:0');
    expect(vda?.role).toBe('top');
    expect(vda?.above).toEqual(['7:1']);
    expect(vda?.background.submitters.map((s) => s.comm)).not.toContain('fio');
    expect(a.hops?.common).toEqual(['iomap_dio_complete_work@dio/vda']);
  });
  it('gives those I/Os to the per-I/O consumers (CSV) as the workload, not as background', async () => {
    const top: number[] = [];
    const other: string[] = [];
    const { analysis: a } = await analyzeTrace(path, { onPath: (p) => top.push(p.id), onOtherPath: (p, layer) => other.push(`${p.submitterComm}:${layer}`) });
    expect(top.length).toBe(a.ios.total);
    expect(other.filter((o) => o.startsWith('fio:'))).toEqual([]);
  });
});

/** Whole captures made beside the checkout (`../captures/stacks`), with fio's own JSON. */
const CAPTURES = resolve(REPO, '..', 'captures');
const captures = existsSync(join(CAPTURES, 'stacks'))
  ? [
      ...readdirSync(join(CAPTURES, 'stacks')).filter((f) => f.endsWith('.raw.txt.gz')).map((f) => join('stacks', f)),
      ...(existsSync(join(CAPTURES, 'stacks-perf')) ? readdirSync(join(CAPTURES, 'stacks-perf')).filter((f) => f.endsWith('.perf.txt.gz')).map((f) => join('stacks-perf', f)) : []),
    ].sort()
  : [];
if (captures.length === 0) console.log(`storage-stack captures not found at ${CAPTURES}: whole-capture checks skipped`);

describe.skipIf(captures.length === 0)('whole captures of loop and zram stacks against fio', () => {
  it.each(captures.length ? captures : ['(none)'])('%s', async (f) => {
    const fioJson = JSON.parse(readFileSync(join(CAPTURES, f.replace(/\.(raw|perf)\.txt\.gz$/, '.fio.json')), 'utf8')) as { jobs: { read: { total_ios: number; iops: number }; write: { total_ios: number; iops: number } }[] };
    const job = fioJson.jobs[0]!;
    const fio = job.write.total_ios > 0 ? job.write : job.read;
    const { analysis: a } = await analyzeTrace(join(CAPTURES, f));
    expect(a.ios.total).toBe(fio.total_ios);
    expect(Math.abs(a.iops - fio.iops) / fio.iops).toBeLessThan(0.02);
    expect(a.submitters.every((s) => s.comm === 'fio' || s.comm.startsWith('iou-wrk-'))).toBe(true);
    expect(a.layers?.[0]?.role).toBe('top');
    // Independent count: where the top device's DIO completions ran, read off the trace text.
    const text = gunzipSync(readFileSync(join(CAPTURES, f))).toString('utf8');
    const top = a.layers?.[0]?.device ?? '';
    if (a.unit === 'dio' && f.includes('.raw.')) {
      let irq = 0;
      let kw = 0;
      let n = 0;
      for (const l of text.split('\n')) {
        if (!l.includes(`iomap_dio_complete: dev ${top} `)) continue;
        n++;
        const m = /\[\d+\]\s+(\S{5})\s/.exec(l);
        if (m && /[hHs]/.test(m[1]!.slice(2, 3))) irq++;
        else if (/^\s*kworker\//.test(l)) kw++;
      }
      expect(Math.abs((100 * a.ios.byMode['irq-inline']) / a.ios.total - (100 * irq) / n)).toBeLessThan(0.5);
      expect(Math.abs((100 * a.ios.byMode['kworker-deferred']) / a.ios.total - (100 * kw) / n)).toBeLessThan(0.5);
    }
  }, 120_000);
});

describe('btrfs writeback fan-out (fixtures/stacks/btrfs-buffered-fanout.perf.txt)', () => {
  const path = join(FIXTURES, 'stacks', 'btrfs-buffered-fanout.perf.txt');
  const text = readFileSync(path, 'utf8');
  it('counts a work function queued once per bio as one hop, not one per bio', async () => {
    // One request of fio, completed once, queuing the same end_io work for each of its bios.
    expect(lines(text, /^\s*fio .*block_rq_issue: 7,2 WS /)).toBe(1);
    expect(lines(text, /block_rq_complete: 7,2 WS /)).toBe(1);
    const perBio = lines(text, /workqueue_queue_work: .* function=simple_end_io_work workqueue=btrfs-endio /);
    expect(perBio).toBeGreaterThan(1);
    const { analysis: a } = await analyzeTrace(path);
    expect(a.ios.total).toBe(1);
    // The loop's DIO completion, btrfs' end_io, btrfs' ordered-extent work: one hop each.
    expect(a.hops?.histogram).toEqual({ '3': 1 });
    expect(a.hops?.common).toEqual(['iomap_dio_complete_work@dio/vda', 'simple_end_io_work@btrfs-endio', 'btrfs_work_helper@btrfs-endio-write']);
  });
});
