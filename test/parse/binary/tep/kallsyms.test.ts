import { describe, expect, it } from 'vitest';
import { parseKallsyms } from '../../../../src/parse/binary/tep/kallsyms.js';

const TEXT = [
  '0000000000000000 A fixed_percpu_data',
  'ffffffff81000000 T _stext',
  'ffffffff81000000 T startup_64',
  'ffffffff81000040 t $a',
  'ffffffff814a6b30 T iomap_dio_complete_work',
  'ffffffff814a6c00 t  ',
  'ffffffff814a6d00 T next_one',
  'ffffffffc0a01000 t virtblk_done\t[virtio_blk]',
  'ffffffffc0a02000 t crlf_name\r',
  'ffffffffc0a03000 T last_symbol',
].join('\n');

const name = (text: string, addr: bigint): string | undefined => parseKallsyms(text).find(addr)?.name;

describe('kallsyms lookups', () => {
  it('names the function containing an address: first alias, module and CR cut off, A and $ symbols skipped', () => {
    expect(name(TEXT, 0xffffffff81000000n)).toBe('_stext');
    // `$a` is skipped: 0x…40 is still inside _stext (its first alias).
    expect(name(TEXT, 0xffffffff81000041n)).toBe('_stext');
    expect(name(TEXT, 0xffffffff814a6b30n)).toBe('iomap_dio_complete_work');
    // A line with an empty name is no symbol: the one before it goes on.
    expect(name(TEXT, 0xffffffff814a6c10n)).toBe('iomap_dio_complete_work');
    expect(name(TEXT, 0xffffffffc0a01234n)).toBe('virtblk_done');
    expect(name(TEXT, 0xffffffffc0a02001n)).toBe('crlf_name');
    expect(parseKallsyms(TEXT).find(0xffffffffc0a01234n)?.start).toBe(0xffffffffc0a01000n);
  });

  it('past the last symbol only its own address; below the first, nothing', () => {
    expect(name(TEXT, 0xffffffffc0a03000n)).toBe('last_symbol');
    expect(name(TEXT, 0xffffffffc0a03001n)).toBeUndefined();
    expect(name(TEXT, 0xffffffff80000000n)).toBeUndefined();
  });

  it('reads an unsorted text (modules listed in any order) the same as a sorted one', () => {
    const lines = TEXT.split('\n');
    const shuffled = [lines[7], lines[4], lines[9], lines[1], lines[2], lines[0], lines[8], lines[6], lines[3], lines[5]].join('\n');
    for (const a of [0xffffffff81000000n, 0xffffffff81000041n, 0xffffffff814a6c10n, 0xffffffffc0a01234n, 0xffffffffc0a03000n]) expect(name(shuffled, a)).toBe(name(TEXT, a));
    // Aliases keep their order in the file: listed first, named.
    expect(name(shuffled, 0xffffffff81000000n)).toBe('_stext');
  });
});
