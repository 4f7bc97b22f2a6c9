import { describe, expect, it } from 'vitest';
import { devColon, devComma, devKey } from '../../src/analyze/dev-names.js';

describe('device names', () => {
  it('names a device as iomap and as block events print it, the same string each time', () => {
    expect(devColon({ major: 254, minor: 0 })).toBe('254:0');
    expect(devComma({ major: 254, minor: 0 })).toBe('254,0');
    expect(devColon({ major: 7, minor: 2 })).toBe('7:2');
    expect(devColon({ major: 259, minor: 1048575 })).toBe('259:1048575');
    // major × 2^20 + minor keys: (1, 0) and (0, 2^20) would collide if minor were not bounded by the kernel.
    expect(devColon({ major: 1, minor: 0 })).toBe('1:0');
    expect(devKey('254,0')).toBe('254:0');
    expect(devKey('254:0')).toBe('254:0');
    expect(devKey(undefined)).toBe('?');
  });

  it('names numbers no dev_t holds (a damaged line) as printed, never as another device', () => {
    // 2 × 2^20 + 0 and 1 × 2^20 + 2^20 would share a table key.
    expect(devColon({ major: 2, minor: 0 })).toBe('2:0');
    expect(devColon({ major: 1, minor: 1 << 20 })).toBe(`1:${1 << 20}`);
    expect(devComma({ major: 2, minor: 0 })).toBe('2,0');
    expect(devComma({ major: 1, minor: 1 << 20 })).toBe(`1,${1 << 20}`);
    expect(devColon({ major: -1, minor: 3 })).toBe('-1:3');
    expect(devColon({ major: 5000, minor: 0 })).toBe('5000:0');
  });

  it('stays right past its bound (a damaged trace naming thousands of devices)', () => {
    for (let minor = 0; minor < 10_000; minor++) {
      expect(devComma({ major: 8, minor })).toBe(`8,${minor}`);
      expect(devKey(`8,${minor}`)).toBe(`8:${minor}`);
    }
    expect(devColon({ major: 8, minor: 3 })).toBe('8:3');
  });
});
