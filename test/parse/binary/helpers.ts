import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zstdDecompress, initZstd } from '../../../src/parse/binary/zstd.js';
import { deflateSync } from 'node:zlib';
import type { TraceEvent } from '../../../src/model/events.js';
import { ROOT } from '../helpers.js';

export const BINARY = join(ROOT, 'fixtures', 'binary');

/** The fixture captures: each has `.v7-zstd.dat`, `.v6-none.dat`, `.report.txt.gz`, `.report-t.txt.gz`. */
export const CAPTURES = ['libaio-randwrite-200', 'lost-64k'] as const;
export const VERSIONS = ['v7-zstd', 'v6-none'] as const;

export const datPath = (name: string, version: string): string => join(BINARY, `${name}.${version}.dat`);
export const reportPath = (name: string, ns: boolean): string => join(BINARY, `${name}.${ns ? 'report-t' : 'report'}.txt.gz`);

/**
 * libtraceevent's sched plugin, which `trace-cmd report` prints sched_switch through, names the state bits
 * `S D T t Z X x W` and ignores the preempted bit (plugin_sched_switch.c `write_state`); the kernel's
 * print fmt, which the binary reader evaluates, names them `S D T t X Z P I` and adds `+`.
 */
const PLUGIN_LETTER: Record<string, string> = { S: 'S', D: 'D', T: 'T', t: 't', X: 'Z', Z: 'X', P: 'x', I: 'W' };
export function pluginState(kernel: string): string {
  return kernel
    .replace(/\+$/, '')
    .split('|')
    .map((l) => PLUGIN_LETTER[l] ?? l)
    .join('|');
}

/** trace-cmd report prints microseconds rounded to the nearest (libtraceevent print_timestamp). */
export const roundUs = (ns: number): number => Math.floor((ns + 500) / 1000) * 1000;

/**
 * A binary event as the text of `trace-cmd report` can show it. What the text cannot carry, and
 * is taken off here: the execution context (`flags`, `ctx`: printed only with -l), the system of an
 * unmodelled event (not printed), which text form a sched event was printed in (`form`), the
 * kernel's prev_state letters (the plugin prints its own), and nanoseconds (without -t).
 */
export function asText(e: TraceEvent, ns: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = { ...e };
  delete o['flags'];
  delete o['ctx'];
  delete o['system'];
  delete o['form'];
  if (e.kind === 'sched_switch') o['prevState'] = pluginState(e.prevState);
  if (!ns) o['ts'] = roundUs(e.ts);
  return o;
}

/** A text event with the fields taken off that asText takes off (form; nothing else differs). */
export function textComparable(e: TraceEvent): Record<string, unknown> {
  const o: Record<string, unknown> = { ...e };
  delete o['form'];
  return o;
}

/**
 * A v7 zstd trace.dat rewritten with zlib compression, as trace-cmd built with zlib writes it: the
 * compression name in the header (same length), every compressed section and every CPU's chunks
 * recompressed and appended at the end of the file, and the options that point at them patched.
 * The options sections must be uncompressed (trace-cmd writes them so).
 */
export async function toZlib(src: Uint8Array): Promise<Buffer> {
  await initZstd();
  const buf = Buffer.from(src);
  const nameAt = buf.indexOf('zstd\0', 10, 'latin1');
  if (nameAt < 0 || nameAt > 64) throw new Error('not a zstd trace.dat');
  buf.write('zlib', nameAt, 'latin1');
  const verEnd = buf.indexOf(0, nameAt + 5);
  let firstOptions = Number(buf.readBigUInt64LE(verEnd + 1));
  const tail: Buffer[] = [];
  let end = buf.length;
  const append = (b: Buffer): number => {
    const at = end;
    tail.push(b);
    end += b.length;
    return at;
  };
  const recompressChunk = (data: Uint8Array, size: number): Buffer => deflateSync(zstdDecompress(data, size));
  while (firstOptions !== 0) {
    const at = firstOptions;
    if (buf.readUInt16LE(at) !== 0 || (buf.readUInt16LE(at + 2) & 1) !== 0) throw new Error('options section compressed or not options');
    const size = Number(buf.readBigUInt64LE(at + 8));
    let p = at + 16;
    firstOptions = 0;
    while (p < at + 16 + size) {
      const id = buf.readUInt16LE(p);
      const osize = buf.readUInt32LE(p + 2);
      const data = p + 6;
      if (id === 0) {
        firstOptions = Number(buf.readBigUInt64LE(data));
        break;
      }
      if (id >= 16 && id <= 21) {
        // A metadata section: {u16 id, u16 flags, u32 string, u64 size} + {u32 csize, u32 usize} + data.
        const sec = Number(buf.readBigUInt64LE(data));
        if (buf.readUInt16LE(sec + 2) & 1) {
          const csize = buf.readUInt32LE(sec + 16);
          const usize = buf.readUInt32LE(sec + 20);
          const z = recompressChunk(buf.subarray(sec + 24, sec + 24 + csize), usize);
          const head = Buffer.alloc(24);
          buf.copy(head, 0, sec, sec + 8);
          head.writeBigUInt64LE(BigInt(z.length + 8), 8);
          head.writeUInt32LE(z.length, 16);
          head.writeUInt32LE(usize, 20);
          buf.writeBigUInt64LE(BigInt(append(Buffer.concat([head, z]))), data);
        }
      }
      if (id === 3) {
        // BUFFER: u64 offset, name\0, clock\0, u32 page size, u32 cpus, cpus × {u32 cpu, u64 offset, u64 size}
        let q = buf.indexOf(0, data + 8) + 1;
        q = buf.indexOf(0, q) + 1;
        const cpus = buf.readUInt32LE(q + 4);
        q += 8;
        for (let i = 0; i < cpus; i++, q += 20) {
          const off = Number(buf.readBigUInt64LE(q + 4));
          const n = buf.readUInt32LE(off);
          let r = off + 4;
          const parts: Buffer[] = [Buffer.alloc(4)];
          parts[0]!.writeUInt32LE(n, 0);
          for (let k = 0; k < n; k++) {
            const csize = buf.readUInt32LE(r);
            const usize = buf.readUInt32LE(r + 4);
            const z = recompressChunk(buf.subarray(r + 8, r + 8 + csize), usize);
            const h = Buffer.alloc(8);
            h.writeUInt32LE(z.length, 0);
            h.writeUInt32LE(usize, 4);
            parts.push(h, z);
            r += 8 + csize;
          }
          const stream = Buffer.concat(parts);
          buf.writeBigUInt64LE(BigInt(append(stream)), q + 4);
          // The CPU's size leaves out the chunk count.
          buf.writeBigUInt64LE(BigInt(stream.length - 4), q + 12);
        }
      }
      p = data + osize;
    }
  }
  return Buffer.concat([buf, ...tail]);
}

export function fixtureBytes(name: string, version: string): Buffer {
  return readFileSync(datPath(name, version));
}

/** An option to add to a v7 file: id and data (little-endian, as the fixtures are). */
export interface AddedOption {
  id: number;
  data: Buffer;
}

/**
 * A v7 trace.dat with options added in a new options section at the end of the file, linked from
 * the DONE option of the last section of the chain (how trace-cmd itself chains them).
 */
export function appendOptions(src: Uint8Array, options: AddedOption[]): Buffer {
  const buf = Buffer.from(src);
  // magic, version\0, endian, long size, u32 page size, compression name\0 version\0, u64 options offset
  const nameStart = buf.indexOf(0, 10) + 7;
  const firstAt = buf.indexOf(0, buf.indexOf(0, nameStart) + 1) + 1;
  let at = Number(buf.readBigUInt64LE(firstAt));
  let lastDone = -1;
  while (at !== 0) {
    const end = at + 16 + Number(buf.readBigUInt64LE(at + 8));
    let next = 0;
    for (let q = at + 16; q < end; ) {
      const id = buf.readUInt16LE(q);
      const size = buf.readUInt32LE(q + 2);
      if (id === 0) {
        lastDone = q + 6;
        next = Number(buf.readBigUInt64LE(q + 6));
        break;
      }
      q += 6 + size;
    }
    at = next;
  }
  if (lastDone < 0) throw new Error('no DONE option found');
  const parts: Buffer[] = [];
  for (const o of options) {
    const h = Buffer.alloc(6);
    h.writeUInt16LE(o.id, 0);
    h.writeUInt32LE(o.data.length, 2);
    parts.push(h, o.data);
  }
  // DONE: id 0, size 8, no next section.
  parts.push(Buffer.from([0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(16);
  head.writeBigUInt64LE(BigInt(body.length), 8);
  buf.writeBigUInt64LE(BigInt(buf.length), lastDone);
  return Buffer.concat([buf, head, body]);
}
