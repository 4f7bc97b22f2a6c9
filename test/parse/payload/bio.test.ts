import { describe, expect, it } from 'vitest';
import { parseBioPayload, type BioEventName } from '../../../src/parse/payload/bio.js';
import { PAYLOAD_PARSERS } from '../../../src/parse/payload/index.js';
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

/** The typed events every text path makes of them (tracefs, trace-cmd and perf print the same payload). */
describe('block_bio events', () => {
  const HEAD = { line: 3, ts: 5, cpu: 1, pid: 7310, comm: 'dmcrypt_write/2' };
  const parse = (name: string, payload: string): unknown => {
    const prefix = `dmcrypt_write/2-7310 [000] 0.000016: ${name}: `;
    const e = PAYLOAD_PARSERS.get(name)?.(prefix + payload, prefix.length, HEAD);
    if (!e) return e;
    const { line, ts, cpu, pid, comm, ...rest } = e;
    expect({ line, ts, cpu, pid, comm }).toEqual(HEAD);
    return rest;
  };
  const d = (major: number, minor: number) => ({ major, minor });

  it('queue, merges and getrq, complete, remap, split in the printed form', () => {
    expect(parse('block_bio_queue', '254,0 WS 1193104 + 8 [dmcrypt_write/2]')).toEqual({ kind: 'block_bio_queue', dev: d(254, 0), rwbs: 'WS', sector: 1193104, nrSector: 8, issuer: 'dmcrypt_write/2' });
    expect(parse('block_bio_backmerge', '254,0 W 46699400 + 8 [kworker/u8:3]')).toMatchObject({ kind: 'block_bio_backmerge', issuer: 'kworker/u8:3' });
    expect(parse('block_getrq', '254,0 R 8 + 8 [my [task]]')).toMatchObject({ kind: 'block_getrq', issuer: 'my [task]' });
    expect(parse('block_bio_complete', '253,0 R 8 + 8 [-5]')).toEqual({ kind: 'block_bio_complete', dev: d(253, 0), rwbs: 'R', sector: 8, nrSector: 8, error: -5 });
    expect(parse('block_bio_remap', '254,0 WS 1193104 + 8 <- (253,0) 1160336')).toEqual({ kind: 'block_bio_remap', dev: d(254, 0), rwbs: 'WS', sector: 1193104, nrSector: 8, fromDev: d(253, 0), fromSector: 1160336 });
    expect(parse('block_split', '254,0 W 1000 / 1256 [fio]')).toEqual({ kind: 'block_split', dev: d(254, 0), rwbs: 'W', sector: 1000, newSector: 1256, issuer: 'fio' });
  });

  it('trace-cmd -R raw fields: dev_t numbers become major,minor', () => {
    expect(parse('block_bio_queue', 'dev=266338304 sector=37968080 nr_sector=16 rwbs=RA comm=fio')).toEqual({ kind: 'block_bio_queue', dev: d(254, 0), rwbs: 'RA', sector: 37968080, nrSector: 16, issuer: 'fio' });
    expect(parse('block_bio_complete', 'dev=265289728 sector=8 nr_sector=8 error=0 rwbs=WS')).toMatchObject({ dev: d(253, 0), error: 0 });
    expect(parse('block_bio_remap', 'dev=266338304 sector=1193104 nr_sector=8 old_dev=265289728 old_sector=1160336 rwbs=WS')).toMatchObject({ dev: d(254, 0), fromDev: d(253, 0), fromSector: 1160336 });
    expect(parse('block_split', 'dev=266338304 sector=1000 new_sector=1256 rwbs=W comm=fio')).toMatchObject({ sector: 1000, newSector: 1256, issuer: 'fio' });
  });

  it('null (a malformed payload) on anything else', () => {
    for (const [name, text] of [
      ['block_bio_queue', '254,0 WS 1193104 + 8'],
      ['block_bio_complete', '253,0 WS 1 + 8 [x]'],
      ['block_bio_remap', '254,0 WS 1 + 8 <- 253,0 1'],
      ['block_bio_remap', 'dev=266338304 sector=1 nr_sector=8 rwbs=WS'],
      ['block_split', '254,0 W 1000 + 8 [fio]'],
    ] as const) expect(parse(name, text)).toBeNull();
  });
});
