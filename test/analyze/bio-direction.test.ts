import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { FIXTURES } from '../helpers/paths.js';

/**
 * A synchronous DIO's iocb flags carry no direction (`flags DIRECT dio_flags  aio 0`); on a
 * bio-based device there is no request to read it from either: its own bio's rwbs says it.
 */

describe('direction of sync DIOs on zram (fixtures/stacks/zram-psync-randread.txt)', () => {
  it('is read from each DIO’s block_bio_queue', async () => {
    const path = join(FIXTURES, 'stacks', 'zram-psync-randread.txt');
    const text = readFileSync(path, 'utf8').split('\n');
    const syncBegins = text.filter((l) => /iomap_dio_rw_begin: .* flags DIRECT dio_flags .*aio 0/.test(l)).length;
    const readBios = text.filter((l) => /block_bio_queue: +253,0 R/.test(l)).length;
    const completes = text.filter((l) => /iomap_dio_complete: .* aio 0 error 0 ret 4096/.test(l)).length;
    expect(syncBegins).toBeGreaterThan(0);
    expect(text.some((l) => /block_rq_/.test(l))).toBe(false);
    const { analysis: a } = await analyzeTrace(path);
    // Every DIO of the excerpt queued a read bio; those that completed are reads.
    expect(readBios).toBe(syncBegins);
    expect(a.ios.byDirection.R).toBe(completes);
    expect(a.ios.byDirection.W).toBe(0);
  });
});
