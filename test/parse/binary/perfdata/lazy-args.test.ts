import { describe, expect, it } from 'vitest';
import type { OtherEvent, TraceEvent } from '../../../../src/model/events.js';
import { readPerfData } from '../../../../src/parse/binary/perfdata/read.js';
import { perfDecoderFactory } from '../../../../src/parse/binary/perfdata/tep-decoder.js';
import { dataPath } from './helpers.js';

/**
 * An event whose payload was not asked for renders its text when `args` is first read, from its
 * record's bytes; the reader reuses its read buffers once their records are released, so those
 * bytes must be the event's own: read after the whole file, `args` is what it is at delivery.
 * (perf-lost has many FINISHED_ROUNDs, so its read buffers are reused while the file is read.)
 */
describe('perf.data: args of an unselected event, read after the file', () => {
  it.each([4096, 65536])('perf-lost in %i-byte reads: the same text as read at delivery', async (chunkBytes) => {
    const makeDecoder = perfDecoderFactory({ payloads: new Set(['block_rq_issue', 'block_rq_complete']) });
    const late: OtherEvent[] = [];
    await readPerfData(dataPath('perf-lost'), (e: TraceEvent) => void (e.kind === 'other' && late.push(e)), { makeDecoder, chunkBytes });
    const atDelivery: string[] = [];
    await readPerfData(dataPath('perf-lost'), (e: TraceEvent) => void (e.kind === 'other' && atDelivery.push(e.args)), { makeDecoder, chunkBytes });
    expect(late.length).toBeGreaterThan(1000);
    expect(late.map((e) => e.args)).toEqual(atDelivery);
  });
});
