import { describe, expect, it } from 'vitest';
import { parseAttr } from '../../../../src/parse/binary/perfdata/attr.js';
import { parseHeader } from '../../../../src/parse/binary/perfdata/header.js';
import { createRecordPump } from '../../../../src/parse/binary/perfdata/pump.js';
import { createRecordQueue } from '../../../../src/parse/binary/perfdata/rounds.js';
import { createThreadTable } from '../../../../src/parse/binary/perfdata/threads.js';

/**
 * The container's parts on made-up bytes: what the real files of this machine cannot show (a
 * big-endian recording, a record older than a round already released, records cut at every byte).
 */

function header(little: boolean): Uint8Array {
  const b = Buffer.alloc(104);
  Buffer.from(little ? 'PERFILE2' : '2ELIFREP', 'latin1').copy(b, 0);
  const w = (v: bigint, at: number): number => (little ? b.writeBigUInt64LE(v, at) : b.writeBigUInt64BE(v, at));
  w(104n, 8);
  w(144n, 16);
  w(104n, 24);
  w(144n, 32);
  w(248n, 40);
  w(1000n, 48);
  // Feature bits 1 (tracing data) and 11 (cmdline), in the first unsigned long of the bitmap.
  w((1n << 1n) | (1n << 11n), 72);
  return b;
}

function attr(little: boolean): DataView {
  const b = Buffer.alloc(128);
  const w32 = (v: number, at: number): number => (little ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  const w64 = (v: bigint, at: number): number => (little ? b.writeBigUInt64LE(v, at) : b.writeBigUInt64BE(v, at));
  w32(2, 0);
  w32(128, 4);
  w64(0x838n, 8);
  w64(0x10587n, 24);
  // Bit-fields: disabled (0), inherit (1), sample_id_all (18); big-endian machines fill them from the top bit.
  const bits = (1n << 0n) | (1n << 1n) | (1n << 18n);
  w64(little ? bits : (bits & 1n ? 1n << 63n : 0n) | (bits & 2n ? 1n << 62n : 0n) | (1n << 45n), 40);
  return new DataView(b.buffer, b.byteOffset, b.length);
}

describe('perf.data container', () => {
  it.each([true, false])('reads the header and an attribute in either endianness (little: %s)', (little) => {
    const h = parseHeader(header(little));
    expect(h).toMatchObject({ little, pipe: false, attrSize: 144, attrs: { offset: 104, size: 144 }, data: { offset: 248, size: 1000 }, features: [1, 11] });
    const a = parseAttr(attr(little), 0, 128, little, 0);
    expect(a).toMatchObject({ type: 2, config: 0x838, sampleType: 0x10587, sampleIdAll: true });
  });

  it('says "wrong endianness" when only the other byte order makes sense of the header', () => {
    const b = header(true);
    Buffer.from('2ELIFREP', 'latin1').copy(Buffer.from(b.buffer, b.byteOffset), 0);
    expect(() => parseHeader(b)).toThrow(/endianness/);
  });

  it('releases records as perf does at each FINISHED_ROUND: up to the newest time of the round before, sorted, ties in arrival order', () => {
    const out: number[] = [];
    const rec = (id: number): Uint8Array => {
      const b = new Uint8Array(16);
      new DataView(b.buffer).setUint32(8, id, true);
      return b;
    };
    const q = createRecordQueue((dv, _b, at) => out.push(dv.getUint32(at + 8, true)));
    const push = (ts: number, id: number): void => {
      const b = rec(id);
      q.push(ts, b, new DataView(b.buffer), 0, 16, false);
    };
    // Round 1: CPU 0 then CPU 1, each in order.
    push(10, 1), push(30, 2), push(20, 3), push(30, 4);
    q.round();
    expect(out).toEqual([]); // nothing is older than the (absent) round before
    push(40, 5), push(25, 6);
    q.round();
    expect(out).toEqual([1, 3, 6, 2, 4]); // up to 30, the newest of round 1: 25 arrived late but is still in time
    push(15, 7); // older than what was released: sorted into the rest, as perf does
    q.flush();
    expect(out).toEqual([1, 3, 6, 2, 4, 7, 5]);
  });

  it('cuts records the same whatever the chunking, down to one byte', () => {
    const sizes = [8, 16, 24, 104, 8, 4096 + 8, 40];
    const stream = Buffer.alloc(sizes.reduce((a, b) => a + b));
    let at = 0;
    sizes.forEach((s, i) => {
      stream.writeUInt32LE(i + 1, at);
      stream.writeUInt16LE(s, at + 6);
      at += s;
    });
    for (const step of [1, 3, 7, 64, stream.length]) {
      const seen: [number, number][] = [];
      const pump = createRecordPump(true, { onRecord: (_dv, _b, _at, type, _m, size) => (seen.push([type, size]), 0), onBlob() {}, onBadSize() {} });
      for (let i = 0; i < stream.length; i += step) pump.push(stream.subarray(i, i + step));
      expect(seen).toEqual(sizes.map((s, i) => [i + 1, s]));
      expect(pump.leftover()).toBe(0);
    }
  });

  it('names tasks as perf script does: swapper, COMM, a fork inheriting its parent\'s name, :TID when nothing named it', () => {
    const t = createThreadTable();
    expect(t.comm(0, 0)).toBe('swapper');
    expect(t.comm(-1, -1)).toBe(':-1');
    expect(t.comm(77, 78)).toBe(':78');
    t.onComm(100, 100, 'fio');
    t.onFork(101, 100, 101, 100);
    expect(t.comm(101, 101)).toBe('fio');
    t.onComm(101, 101, 'fio-worker');
    expect(t.comm(101, 101)).toBe('fio-worker');
    expect(t.comm(100, 100)).toBe('fio');
    t.onExit(101, 101);
    expect(t.comm(101, 101)).toBe('fio-worker');
    // A parent never named passes on nothing: the child keeps its own placeholder.
    t.onFork(201, 200, 201, 200);
    expect(t.comm(201, 201)).toBe(':201');
  });
});
