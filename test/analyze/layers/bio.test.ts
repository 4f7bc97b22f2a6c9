import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FOLLOWED_BIO_EVENTS } from '../../../src/analyze/layers/bio.js';
import { analyzeTrace, type AnalyzeResult } from '../../../src/analyze/pipeline.js';
import { EVENT_SETS } from '../../../src/capture/events.js';
import { streamEvents } from '../../../src/parse/stream.js';
import { FIXTURES, ft, textSource } from '../../helpers/paths.js';

/**
 * Bio-based devices: zram (no requests at all), dm (bios remapped to the disk beneath) and
 * partitions (a remap onto the whole disk that is not a layer). Expected figures are counted from
 * the trace text, never copied from a run of the analyzer.
 */

const lines = (text: string, re: RegExp): number => text.split('\n').filter((l) => re.test(l)).length;

describe('ext4 on zram (fixtures/stacks/zram-libaio-randread.txt): DIOs without any block request', () => {
  const path = join(FIXTURES, 'stacks', 'zram-libaio-randread.txt');
  const text = readFileSync(path, 'utf8');
  let r: AnalyzeResult;
  let untypedBlock = 0;
  beforeAll(async () => {
    r = await analyzeTrace(path);
    await streamEvents(path, (e) => {
      if (e.kind === 'other' && e.name.startsWith('block_')) untypedBlock++;
    });
  });

  it('every bio event is typed; the workload is fio’s DIOs on 253:0, completed in fio itself', () => {
    const a = r.analysis;
    expect(lines(text, /block_rq_/)).toBe(0);
    expect(lines(text, / block_bio_queue: 253,0 /)).toBeGreaterThan(400);
    expect(untypedBlock).toBe(0);
    expect(a.unit).toBe('dio');
    const begins = lines(text, /^\s*fio-\d+ .* iomap_dio_rw_begin: dev 253:0 /);
    const inFio = lines(text, /^\s*fio-\d+ .* iomap_dio_complete: dev 253:0 /);
    const trStart = a.ios.unresolvedReasons.trace_start ?? 0;
    expect(a.ios.total - trStart).toBe(begins);
    expect(a.ios.byMode['task-inline']).toBe(inFio - trStart);
    expect(a.layers?.map((l) => [l.device, l.role, l.unit])).toEqual([['253:0', 'top', 'dio']]);
    expect(a.hops?.histogram).toEqual({ '0': a.ios.byMode['task-inline'] });
  });
});

/**
 * One 4 KiB write through a bio-based device, in the kernel's order (block/blk-core.c,
 * drivers/md/dm.c): DIO on the upper device, its bio, remaps, the request on the disk, and the
 * completions in the disk's interrupt. `remaps` are the block_bio_remap payloads in order.
 */
function oneWrite(top: string, queuedOn: string | null, remaps: string[], disk: { dev: string; sector: number }): string {
  const [maj, min] = top.split(':');
  const dio = `dev ${top} ino 0xc size 0x8000000`;
  const out = [
    '# tracer: nop',
    ft('fio', 100, 1, '.....', 10_000_001, 'iomap_dio_rw_begin', `${dio} offset 0x1000 length 0x1000 done_before 0x0 flags DIRECT|WRITE|AIO_RW dio_flags  aio 1`),
  ];
  if (queuedOn) out.push(ft('fio', 100, 1, '.....', 10_000_002, 'block_bio_queue', `${queuedOn} WS 1000 + 8 [fio]`));
  for (const r of remaps) out.push(ft('fio', 100, 1, '.....', 10_000_002, 'block_bio_remap', r));
  out.push(
    ft('fio', 100, 1, '.....', 10_000_003, 'block_bio_queue', `${disk.dev} WS ${disk.sector} + 8 [fio]`),
    ft('fio', 100, 1, '.....', 10_000_003, 'block_rq_issue', `${disk.dev} WS 4096 () ${disk.sector} + 8 be,0,4 [fio]`),
    ft('fio', 100, 1, '.....', 10_000_004, 'iomap_dio_rw_queued', `${dio} offset 0x2000 length 0x0`),
    ft('<idle>', 0, 1, 'd.h1.', 10_000_050, 'irq_handler_entry', 'irq=30 name=ahci[0000:00:1f.2]'),
    ft('<idle>', 0, 1, 'd.h1.', 10_000_051, 'block_rq_complete', `${disk.dev} WS () ${disk.sector} + 8 be,0,4 [0]`),
  );
  if (queuedOn) out.push(ft('<idle>', 0, 1, 'd.h1.', 10_000_051, 'block_bio_complete', `${maj},${min} WS 1000 + 8 [0]`));
  out.push(
    ft('<idle>', 0, 1, 'd.h1.', 10_000_052, 'iomap_dio_complete', `${dio} offset 0x2000 flags DIRECT|WRITE|AIO_RW aio 1 error 0 ret 4096`),
    ft('<idle>', 0, 1, 'd.h1.', 10_000_053, 'irq_handler_exit', 'irq=30 ret=handled'),
    '',
  );
  return out.join('\n');
}

describe('remaps', () => {
  it('dm-linear on a disk: the disk is a dm-target layer beneath dm-0, its request services the DIO', async () => {
    const { analysis: a } = await analyzeTrace(textSource(oneWrite('253:0', '253,0', ['8,0 WS 3048 + 8 <- (253,0) 1000'], { dev: '8,0', sector: 3048 })));
    expect(a.ios.total).toBe(1);
    expect(a.layers?.map((l) => [l.device, l.role, l.unit, l.servicing])).toEqual([
      ['253:0', 'top', 'dio', 0],
      ['8:0', 'dm-target', 'request', 1],
    ]);
    expect(a.layers?.[1]?.linkedBy).toContain('block_bio_remap');
    expect(a.layers?.[1]?.byMode['irq-inline']).toBe(1);
    expect(a.samples[0]?.layers?.devices).toEqual(['253:0', '8:0']);
    // The request the remapped bio became is the DIO's: its device time is known.
    expect(a.samples[0]?.issue?.ts).toBe(10_000_003_000);
  });

  it('a partition (8,1 on 8,0) is not a layer: its remap only carries the bio to the whole disk', async () => {
    const { analysis: a } = await analyzeTrace(textSource(oneWrite('8:1', null, ['8,0 WS 2099208 + 8 <- (8,1) 1000'], { dev: '8,0', sector: 2099208 })));
    expect(a.ios.total).toBe(1);
    expect(a.layers?.map((l) => [l.device, l.role])).toEqual([['8:1', 'top']]);
    expect(a.samples[0]?.layers?.devices).toEqual(['8:1']);
  });

  it('dm on a partition: one dm-target layer (the disk), none for the partition', async () => {
    // dm prints the clone's whole disk and the sector in the partition; the partition remap follows.
    const { analysis: a } = await analyzeTrace(textSource(oneWrite('253:0', '253,0', ['8,0 WS 3048 + 8 <- (253,0) 1000', '8,0 WS 5146 + 8 <- (8,1) 3048'], { dev: '8,0', sector: 5146 })));
    expect(a.layers?.map((l) => [l.device, l.role, l.servicing])).toEqual([
      ['253:0', 'top', 0],
      ['8:0', 'dm-target', 1],
    ]);
  });
});

it('capture --events stack records every bio event the analysis follows', () => {
  for (const name of FOLLOWED_BIO_EVENTS) expect(EVENT_SETS.stack).toContain(`block:${name}`);
});
