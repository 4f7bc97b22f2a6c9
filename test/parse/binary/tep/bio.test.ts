import { describe, expect, it } from 'vitest';
import { createRecordDecoder } from '../../../../src/parse/binary/tep/index.js';
import { PAYLOAD_PARSERS } from '../../../../src/parse/payload/index.js';
import { format, record, tracingData } from './records.js';

/**
 * The bio events from raw records of Linux 6.18's formats (each events/block/NAME/format file of the machine
 * the stack captures were made on): the decoder gives the same event the text parser gives for
 * the line the kernel prints for that record.
 */

const COMMON = `	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;
`;
const fmt = (name: string, id: number, body: string): string => `name: ${name}\nID: ${id}\nformat:\n${COMMON}\n${body}`;

const BIO_QUEUE = fmt('block_bio_queue', 2097, `	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:sector_t sector;	offset:16;	size:8;	signed:0;
	field:unsigned int nr_sector;	offset:24;	size:4;	signed:0;
	field:char rwbs[10];	offset:28;	size:10;	signed:0;
	field:char comm[16];	offset:38;	size:16;	signed:0;
print fmt: "%d,%d %s %llu + %u [%s]", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->rwbs, (unsigned long long)REC->sector, REC->nr_sector, REC->comm
`);
const BIO_COMPLETE = fmt('block_bio_complete', 2100, `	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:sector_t sector;	offset:16;	size:8;	signed:0;
	field:unsigned nr_sector;	offset:24;	size:4;	signed:0;
	field:int error;	offset:28;	size:4;	signed:1;
	field:char rwbs[10];	offset:32;	size:10;	signed:0;
print fmt: "%d,%d %s %llu + %u [%d]", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->rwbs, (unsigned long long)REC->sector, REC->nr_sector, REC->error
`);
const BIO_REMAP = fmt('block_bio_remap', 2091, `	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:sector_t sector;	offset:16;	size:8;	signed:0;
	field:unsigned int nr_sector;	offset:24;	size:4;	signed:0;
	field:dev_t old_dev;	offset:28;	size:4;	signed:0;
	field:sector_t old_sector;	offset:32;	size:8;	signed:0;
	field:char rwbs[10];	offset:40;	size:10;	signed:0;
print fmt: "%d,%d %s %llu + %u <- (%d,%d) %llu", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->rwbs, (unsigned long long)REC->sector, REC->nr_sector, ((unsigned int) ((REC->old_dev) >> 20)), ((unsigned int) ((REC->old_dev) & ((1U << 20) - 1))), (unsigned long long)REC->old_sector
`);
const SPLIT = fmt('block_split', 2092, `	field:dev_t dev;	offset:8;	size:4;	signed:0;
	field:sector_t sector;	offset:16;	size:8;	signed:0;
	field:sector_t new_sector;	offset:24;	size:8;	signed:0;
	field:char rwbs[10];	offset:32;	size:10;	signed:0;
	field:char comm[16];	offset:42;	size:16;	signed:0;
print fmt: "%d,%d %s %llu / %llu [%s]", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->rwbs, (unsigned long long)REC->sector, (unsigned long long)REC->new_sector, REC->comm
`);

const dev = (major: number, minor: number): number => (major << 20) | minor;
const HEAD = { line: 1, ts: 0, cpu: 0, pid: 7310, comm: 'fio' };

/** The text parser's event for `line`'s payload, with the decoder's header. */
function text(name: string, payload: string): unknown {
  const prefix = `fio-7310 [000] 0.000000: ${name}: `;
  return PAYLOAD_PARSERS.get(name)?.(prefix + payload, prefix.length, HEAD);
}

describe('bio events from raw records', () => {
  const formats = [format(BIO_QUEUE, 'block'), format(BIO_COMPLETE, 'block'), format(BIO_REMAP, 'block'), format(SPLIT, 'block')];
  const dec = createRecordDecoder(tracingData(formats), { latencyFlags: false });
  const decode = (i: number, values: Record<string, number | string | bigint>): unknown => {
    const ev = formats[i]!;
    return dec.decode(record(ev, { common_type: ev.id, common_pid: 7310, ...values }), 0, 0, 1);
  };
  const at = (e: unknown): unknown => ({ ...(e as object), comm: 'fio' });

  it('block_bio_queue and block_bio_complete', () => {
    expect(at(decode(0, { dev: dev(253, 0), sector: 1160336, nr_sector: 8, rwbs: 'WS', comm: 'fio' }))).toEqual(text('block_bio_queue', '253,0 WS 1160336 + 8 [fio]'));
    expect(at(decode(1, { dev: dev(253, 0), sector: 1160336, nr_sector: 8, error: -5, rwbs: 'WS' }))).toEqual(text('block_bio_complete', '253,0 WS 1160336 + 8 [-5]'));
  });

  it('block_bio_remap: both devices through the print fmt, both sectors', () => {
    const e = decode(2, { dev: dev(254, 0), sector: 1193104, nr_sector: 8, old_dev: dev(253, 0), old_sector: 1160336, rwbs: 'WS' });
    expect(e).toMatchObject({ kind: 'block_bio_remap', dev: { major: 254, minor: 0 }, fromDev: { major: 253, minor: 0 }, sector: 1193104, fromSector: 1160336 });
    expect(at(e)).toEqual(text('block_bio_remap', '254,0 WS 1193104 + 8 <- (253,0) 1160336'));
  });

  it('block_split', () => {
    expect(at(decode(3, { dev: dev(254, 0), sector: 1000, new_sector: 1256, rwbs: 'W', comm: 'fio' }))).toEqual(text('block_split', '254,0 W 1000 / 1256 [fio]'));
  });
});
