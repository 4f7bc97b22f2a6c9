import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare } from '../../src/index.js';
import { FIXTURES } from '../helpers/paths.js';

/**
 * A side recorded only in part (a sampled perf.data: fixtures/binary/perf-f1000.data, `perf record
 * -F 1000`) is said first in the verdict, before any change it seems to show; full sides say nothing.
 */
const BIN = join(FIXTURES, 'binary');

describe('compare with a side that recorded only part of its workload', () => {
  it('leads the verdict with it, and keeps it among the warnings', async () => {
    const r = await compare(join(BIN, 'perf-f1000.data'), join(BIN, 'perf-randwrite.data'));
    expect(r.verdict).toMatch(/^before is a sampled perf\.data .*: what is compared for it is not its whole workload/);
    expect(r.warnings.some((w) => w.startsWith('before is a sampled perf.data'))).toBe(true);
    expect(r.warnings.some((w) => w.startsWith('after '))).toBe(false);
  });

  it('says nothing of the kind for two full recordings', async () => {
    const r = await compare(join(BIN, 'perf-randwrite.data'), join(BIN, 'perf-randread.data'));
    expect(r.verdict).not.toContain('not its whole workload');
  });
});
