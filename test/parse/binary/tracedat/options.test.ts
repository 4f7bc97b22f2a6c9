import { describe, expect, it } from 'vitest';
import { readTraceDat } from '../../../../src/parse/binary/tracedat/read.js';
import { memorySource } from '../../../../src/parse/binary/tracedat/source.js';
import { createDiagnostics } from '../../../../src/model/diagnostics.js';
import type { TraceEvent } from '../../../../src/model/events.js';
import { appendOptions, fixtureBytes } from '../helpers.js';
import { layoutOffsets } from './offsets.js';

/**
 * Options a capture of this machine does not write, added to the real v7 fixture: a second buffer
 * (an instance: a separate timeline, never merged with the first), a time OFFSET, and a TSC to
 * nanoseconds conversion.
 */

const FILE = fixtureBytes('libaio-randwrite-200', 'v7-zstd');

async function read(bytes: Uint8Array, buffer?: string) {
  const events: TraceEvent[] = [];
  const diagnostics = createDiagnostics('x');
  const r = await readTraceDat(memorySource(bytes), (e) => events.push(e), { diagnostics, buffer });
  return { events, diagnostics, r };
}

function cstr(s: string): Buffer {
  return Buffer.from(`${s}\0`, 'latin1');
}

/** A BUFFER option naming `name` over the fixture's own flyrecord section, with only CPU 1's data. */
function secondBuffer(name: string): Buffer {
  const fields = layoutOffsets(FILE).fields;
  const section = fields.find((f) => f.what === 'buffer section offset')!.value;
  const offsets = fields.filter((f) => f.what === 'cpu offset').map((f) => f.value);
  const sizes = fields.filter((f) => f.what === 'cpu size').map((f) => f.value);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(section));
  const nums = Buffer.alloc(8 + 20);
  nums.writeUInt32LE(4096, 0);
  nums.writeUInt32LE(1, 4);
  nums.writeUInt32LE(1, 8);
  nums.writeBigUInt64LE(BigInt(offsets[1]!), 12);
  nums.writeBigUInt64LE(BigInt(sizes[1]!), 20);
  return Buffer.concat([head, cstr(name), cstr('local'), nums]);
}

describe('several buffers', () => {
  it('the top buffer is read, the other named; asked for, the other is read alone', async () => {
    const bytes = appendOptions(FILE, [{ id: 3, data: secondBuffer('inst') }]);
    const plain = await read(FILE);
    const top = await read(bytes);
    expect(top.events).toEqual(plain.events);
    expect(top.r.buffer).toBe('');
    expect(top.diagnostics.summaries().find((d) => d.code === 'other_buffers')?.examples[0]?.message).toMatch(/"inst"/);
    const inst = await read(bytes, 'inst');
    expect(inst.r.buffer).toBe('inst');
    const cpu1 = plain.events.filter((e) => e.cpu === 1 && e.kind !== 'lost');
    expect(inst.events.map((e) => [e.ts, e.cpu, e.kind])).toEqual(cpu1.map((e) => [e.ts, e.cpu, e.kind]));
    await expect(read(bytes, 'nope')).rejects.toThrow(/no buffer named "nope"/);
  });
});

describe('time options', () => {
  it('OFFSET shifts every timestamp by its nanoseconds', async () => {
    const plain = await read(FILE);
    const shifted = await read(appendOptions(FILE, [{ id: 7, data: cstr('1000000007') }]));
    expect(shifted.events.map((e) => e.ts)).toEqual(plain.events.map((e) => e.ts + 1_000_000_007));
  });

  it('a clock past 2^53 ns (uptime of months): whole seconds rebased as the text parsers do, nanoseconds exact', async () => {
    const plain = await read(FILE);
    // 9 000 000 s ≈ 104 days: beyond 2^53 ns.
    const offset = 9_000_000_000_000_123n;
    const far = await read(appendOptions(FILE, [{ id: 7, data: cstr(offset.toString()) }]));
    const first = BigInt(plain.events[0]!.ts) + offset;
    expect(far.r.baseSec).toBe(Number(first / 1_000_000_000n));
    const base = BigInt(far.r.baseSec) * 1_000_000_000n;
    expect(far.events.map((e) => e.ts)).toEqual(plain.events.map((e) => Number(BigInt(e.ts) + offset - base)));
  });

  it('TSC2NSEC converts counts to nanoseconds (ts × mult >> shift), OFFSET added after', async () => {
    const plain = await read(FILE);
    const data = Buffer.alloc(16);
    data.writeUInt32LE(3, 0);
    data.writeUInt32LE(1, 4);
    const conv = await read(appendOptions(FILE, [{ id: 14, data }, { id: 7, data: cstr('5') }]));
    expect(conv.events.map((e) => e.ts)).toEqual(plain.events.map((e) => (e.kind === 'lost' ? e.ts : Number((BigInt(e.ts) * 3n) >> 1n) + 5)));
  });
});
