import { describe, expect, it } from 'vitest';
import { parseBioPayload, type BioEventName } from '../../../src/parse/payload/bio.js';
import { bioArgs } from '../../../src/sim/emit/bio.js';

/** block_bio payloads: real 6.18 lines parse, and the simulator's text is their exact inverse. */
describe('block_bio payloads', () => {
  // From a 6.18 capture of xfs on a loop device (tracefs), and dm's remap/complete forms.
  const real: [BioEventName, string][] = [
    ['block_bio_queue', '7,0 WS 278144 + 8 [fio]'],
    ['block_bio_queue', '254,0 RA 46391296 + 32 [bash]'],
    ['block_bio_queue', '254,0 WS 47005312 + 8 [kworker/u8:3]'],
    ['block_bio_remap', '254,0 WS 1193104 + 8 <- (253,0) 1160336'],
    ['block_bio_complete', '253,0 WS 1160336 + 8 [0]'],
    ['block_bio_complete', '253,0 R 8 + 8 [-5]'],
  ];
  it('parses real lines and writes them back byte for byte', () => {
    for (const [name, text] of real) {
      const b = parseBioPayload(name, text);
      expect(b).not.toBeNull();
      expect(bioArgs(name, b as NonNullable<typeof b>)).toBe(text);
    }
    expect(parseBioPayload('block_bio_remap', real[3]?.[1] as string)).toEqual({ dev: { major: 254, minor: 0 }, rwbs: 'WS', sector: 1193104, nrSector: 8, from: { dev: { major: 253, minor: 0 }, sector: 1160336 } });
    expect(parseBioPayload('block_bio_queue', '7,0 WS 278144 + 8 [npm ci]')?.comm).toBe('npm ci');
  });
  it('returns null on what it does not know, never throws', () => {
    for (const [name, text] of [
      ['block_bio_queue', '7,0 WS 278144 8 [fio]'],
      ['block_bio_remap', '254,0 WS 1 + 8 [fio]'],
      ['block_bio_complete', '253,0 WS 1 + 8 [x]'],
      ['block_rq_issue', '7,0 WS 278144 + 8 [fio]'],
      ['block_bio_queue', ''],
    ] as const) expect(parseBioPayload(name, text)).toBeNull();
  });
});
