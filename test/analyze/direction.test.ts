import { join } from 'node:path';
import { createReadStream } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { dioDirection } from '../../src/analyze/handlers/iomap.js';
import type { IoPath } from '../../src/model/io.js';
import { FIXTURES, textSource } from '../helpers/paths.js';

/**
 * Direction is what the trace proves: a synchronous DIO write on 6.x prints `flags DIRECT` with no
 * WRITE (init_sync_kiocb sets no IOCB_WRITE), so the linked requests' rwbs decide; a missing flag
 * never makes a read. Lines are from the psync/sync captures of this project (ext4 on vda, 6.18).
 */

async function paths(text: string) {
  const out: IoPath[] = [];
  const r = await analyzeTrace(textSource(text), { onPath: (p) => out.push(p) });
  return { a: r.analysis, out };
}

const SYNC_WRITE = `             fio-4392    [001] .....   256.515732: iomap_dio_rw_begin: dev 254:0 ino 0x51270f size 0x10000000 offset 0xe86000 length 0x1000 done_before 0x0 flags DIRECT dio_flags  aio 0
             fio-4392    [001] .....   256.515736: block_rq_issue: 254,0 WS 4096 () 46697520 + 8 be,0,4 [fio]
          <idle>-0       [001] ..s1.   256.515763: block_rq_complete: 254,0 WS () 46697520 + 8 be,0,4 [0]
             fio-4392    [001] .....   256.515772: iomap_dio_complete: dev 254:0 ino 0x51270f size 0x10000000 offset 0xe87000 flags DIRECT aio 0 error 0 ret 4096
`;

describe('DIO direction', () => {
  it('a sync DIO without WRITE in its flags is a write when its request says WS', async () => {
    const { out } = await paths(SYNC_WRITE);
    expect(out).toHaveLength(1);
    expect(out[0]?.dir).toBe('W');
  });

  it('the same DIO with a read request is a read, and with no request at all unknown (never a read by default)', async () => {
    const read = SYNC_WRITE.replaceAll(' WS ', ' R ');
    expect((await paths(read)).out[0]?.dir).toBe('R');
    const noRequest = SYNC_WRITE.split('\n').filter((l) => !l.includes('block_rq_')).join('\n');
    expect((await paths(noRequest)).out[0]?.dir).toBe('');
  });

  it('an AIO_RW iocb without WRITE is a read even with no request (aio and io_uring set IOCB_WRITE on writes)', async () => {
    const noRequest = SYNC_WRITE.split('\n').filter((l) => !l.includes('block_rq_')).join('\n');
    expect((await paths(noRequest.replaceAll('flags DIRECT ', 'flags DIRECT|AIO_RW '))).out[0]?.dir).toBe('R');
  });

  it('WRITE in the iocb flags is a write by itself (aio)', async () => {
    const aio = SYNC_WRITE.replaceAll('flags DIRECT ', 'flags DIRECT|WRITE|AIO_RW ').replace(/ WS /g, ' N ');
    expect((await paths(aio)).out[0]?.dir).toBe('W');
  });

  it('the psync randwrite fixture says writes', async () => {
    const r = await analyzeTrace(createReadStream(join(FIXTURES, 'excerpts', 'ftrace-psync-randwrite.txt')), {});
    expect(r.analysis.ios.byDirection.R).toBe(0);
    // Every followed DIO is a write; only the one cut at the trace's start (no rw_begin, no request) is unknown.
    expect(r.analysis.ios.byDirection.W).toBe(r.analysis.ios.total - (r.analysis.ios.unresolvedReasons.trace_start ?? 0));
    expect(r.analysis.ios.byDirection.W).toBeGreaterThan(0);
    expect(r.analysis.explanation).toMatch(/of writes/);
  });
});

describe('dioDirection (iocb flags alone)', () => {
  it('WRITE is a write; AIO_RW without WRITE a read; neither proves nothing — asked again, the same answer', () => {
    for (let round = 0; round < 2; round++) {
      expect(dioDirection('DIRECT|WRITE|AIO_RW')).toBe('W');
      expect(dioDirection('DIRECT|AIO_RW')).toBe('R');
      expect(dioDirection('DIRECT')).toBe('');
      expect(dioDirection('DIRECT|NOWAIT|WRITE')).toBe('W');
      // A flag that merely contains the word is not it.
      expect(dioDirection('DIRECT|WRITEBACK')).toBe('');
    }
  });
});
