import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../../src/analyze/pipeline.js';
import { calibrateTrace } from '../../../src/calibrate/index.js';
import { compareAnalyses } from '../../../src/compare/compare.js';
import { FIXTURES } from '../../helpers/paths.js';

/** The other commands on a stack: compare says the stacks differ, calibrate refuses one. */

const XFS_LOOP = join(FIXTURES, 'stacks', 'xfs-libaio-randwrite.txt');
const SINGLE = join(FIXTURES, 'excerpts', 'ftrace-numjobs2-randwrite.txt');

describe('commands on a storage stack', () => {
  it('calibrate refuses a workload over a loop device, naming the stack', async () => {
    await expect(calibrateTrace(XFS_LOOP)).rejects.toThrow(/storage stack \(loop0 top > vda loop-backing\)/);
  });
  it('compare warns only when the two sides ran on different stacks', async () => {
    const stacked = (await analyzeTrace(XFS_LOOP)).analysis;
    const single = (await analyzeTrace(SINGLE)).analysis;
    const differ = compareAnalyses([stacked], [single]);
    expect(differ.warnings.some((w) => w.includes('different storage stacks (before: top > loop-backing; after: top)'))).toBe(true);
    const same = compareAnalyses([single], [single]);
    expect(same.warnings.some((w) => w.includes('storage stacks'))).toBe(false);
  }, 120_000);
});
