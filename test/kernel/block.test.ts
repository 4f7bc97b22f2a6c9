import { describe, expect, it } from 'vitest';
import { rwbsDirection, rwbsKind } from '../../src/kernel/block.js';

describe('rwbs', () => {
  it('says what a request does and its direction, the same when asked again', () => {
    for (let round = 0; round < 2; round++) {
      expect([rwbsKind('WS'), rwbsDirection('WS')]).toEqual(['data', 'W']);
      expect([rwbsKind('RA'), rwbsDirection('RA')]).toEqual(['data', 'R']);
      expect([rwbsKind('FWS'), rwbsDirection('FWS')]).toEqual(['data', 'W']);
      expect([rwbsKind('FF'), rwbsDirection('FF')]).toEqual(['flush', '']);
      expect([rwbsKind('DS'), rwbsDirection('DS')]).toEqual(['discard', '']);
      expect([rwbsKind('WN'), rwbsDirection('WN')]).toEqual(['other', '']);
      expect([rwbsKind(''), rwbsDirection('')]).toEqual(['other', '']);
    }
  });

  it('stays right past its cache bound (a damaged trace with many rwbs strings)', () => {
    for (let i = 0; i < 3000; i++) expect(rwbsKind(`W${'S'.repeat(i % 50)}${i}`)).toBe('data');
    expect(rwbsKind('DS')).toBe('discard');
  });
});
