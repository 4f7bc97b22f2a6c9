import { describe, expect, it } from 'vitest';
import { POLICIES } from '../../src/sim/policies/index.js';
import type { IoCase } from '../../src/sim/policies/types.js';

/** Each policy's decision for each case, from the kernel notes (§1a–§1d). */

const base: IoCase = { write: true, syncKiocb: false, dsync: false, extent: 'overwrite', pageCache: false, error: false, deviceFua: true };
const CASES: Record<string, IoCase> = {
  overwrite: base,
  unwritten: { ...base, extent: 'unwritten' },
  extending: { ...base, extent: 'extending' },
  dsync: { ...base, dsync: true },
  'dsync-no-fua': { ...base, dsync: true, deviceFua: false },
  pagecache: { ...base, pageCache: true },
  read: { ...base, write: false },
  sync: { ...base, syncKiocb: true },
  'write-error': { ...base, error: true },
};

type Outcome = 'inline' | 'defer' | 'wait';
const EXPECTED: Record<string, Record<string, Outcome>> = {
  'legacy-4.18': { overwrite: 'inline', unwritten: 'defer', extending: 'wait', dsync: 'defer', 'dsync-no-fua': 'defer', pagecache: 'defer', read: 'inline', sync: 'wait', 'write-error': 'inline' },
  'iomap-5.10': { overwrite: 'defer', unwritten: 'defer', extending: 'wait', dsync: 'defer', 'dsync-no-fua': 'defer', pagecache: 'defer', read: 'inline', sync: 'wait', 'write-error': 'defer' },
  patched: { overwrite: 'inline', unwritten: 'defer', extending: 'wait', dsync: 'defer', 'dsync-no-fua': 'defer', pagecache: 'inline', read: 'inline', sync: 'wait', 'write-error': 'inline' },
  'mainline-6.19': { overwrite: 'inline', unwritten: 'defer', extending: 'wait', dsync: 'inline', 'dsync-no-fua': 'defer', pagecache: 'defer', read: 'inline', sync: 'wait', 'write-error': 'defer' },
};

describe('completion policies', () => {
  for (const [name, policy] of Object.entries(POLICIES)) {
    for (const [caseName, io] of Object.entries(CASES)) {
      it(`${name}: ${caseName} → ${EXPECTED[name]?.[caseName]}`, () => {
        const outcome: Outcome = policy.waits(io) ? 'wait' : policy.complete(io).where;
        expect(outcome).toBe(EXPECTED[name]?.[caseName]);
        expect(policy.complete(io).reason.length).toBeGreaterThan(0);
      });
    }
  }

  it('names the work function of each era', () => {
    expect(POLICIES['legacy-4.18'].workFunction).toBe('dio_aio_complete_work');
    expect(POLICIES['iomap-5.10'].workFunction).toBe('iomap_dio_complete_work');
  });

  it('uses FUA only where the kernel does', () => {
    expect(POLICIES['legacy-4.18'].fua(CASES.dsync as IoCase)).toBe(false);
    expect(POLICIES['mainline-6.19'].fua(CASES.dsync as IoCase)).toBe(true);
    expect(POLICIES['mainline-6.19'].fua(CASES['dsync-no-fua'] as IoCase)).toBe(false);
    expect(POLICIES['iomap-5.10'].dioFlags(CASES.extending as IoCase)).toBe('DIO_FORCE_WAIT');
  });
});
