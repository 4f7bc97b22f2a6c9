import { BinaryError, cstring, cursor, fail, text, u16, u32, u64, type Cursor } from '../tep/bytes.js';
import {
  emptyTracingData,
  readCmdlines,
  readEventFormats,
  readFtraceFormats,
  readHeaders,
  readKallsyms,
  readPrintk,
  type TracingData,
} from '../tep/tracing-data.js';
import { readTracingStart } from '../tep/tracing-start.js';
import type { Decompressor } from './decompress.js';
import type { ByteSource } from './source.js';

/**
 * The structure of a trace.dat (trace-cmd Documentation/trace-cmd/trace-cmd.dat.v6.5.txt and
 * .v7.5.txt): where the metadata and each buffer's per-CPU data are. v6 is one sequence
 * (tracing data, cpus, "options  " / "flyrecord" tags); v7 is a chain of options sections
 * pointing at metadata sections and at one flyrecord section per buffer (instance), which may be
 * compressed. Counts and sizes are checked against the file before use.
 *
 * (Longer than most files: both versions share the options' meaning, so they are read side by side.)
 */

export interface CpuData {
  cpu: number;
  offset: number;
  size: number;
}

export interface BufferInfo {
  /** "" for the top instance. */
  name: string;
  clock: string;
  pageSize: number;
  cpus: CpuData[];
  /** v7: per-CPU data in compressed chunks. */
  compressed: boolean;
  /** A latency (text) buffer: not ring-buffer pages. */
  latency: boolean;
}

export interface TraceDatLayout {
  version: number;
  little: boolean;
  pageSize: number;
  compression: { name: string; version: string } | null;
  td: TracingData;
  buffers: BufferInfo[];
  /** The `per_cpu/cpuN/stats` texts, by buffer name. */
  cpuStats: Map<string, string[]>;
  /** The trace clock in use (`[local] global …` → local). */
  clock: string | undefined;
  /** OFFSET options: added to every timestamp. */
  offsetNs: bigint;
  tsc2nsec: { mult: number; shift: number; offset: bigint } | undefined;
  /** Things read but not used (guest time shift, …), for an info diagnostic. */
  notes: string[];
}

const OPT = { DONE: 0, DATE: 1, CPUSTAT: 2, BUFFER: 3, TRACECLOCK: 4, UNAME: 5, HOOK: 6, OFFSET: 7, CPUCOUNT: 8, VERSION: 9, TRACEID: 11, TIME_SHIFT: 12, GUEST: 13, TSC2NSEC: 14, STRINGS: 15, HEADER_INFO: 16, FTRACE_EVENTS: 17, EVENT_FORMATS: 18, KALLSYMS: 19, PRINTK: 20, CMDLINES: 21, BUFFER_TEXT: 22 } as const;
const SEC = { OPTIONS: 0, FLYRECORD: 3, STRINGS: 15, HEADERS: 16, FTRACE: 17, EVENTS: 18, KALLSYMS: 19, PRINTK: 20, CMDLINES: 21, LATENCY: 22 } as const;

/** Metadata of a v6 file is read from a prefix of the file that grows until it holds it all. */
const V6_FIRST_WINDOW = 16 << 20;
/** Options sections chained past this count are a loop in a corrupted file. */
const MAX_OPTION_SECTIONS = 1024;

export function selectedClock(t: string): string | undefined {
  const m = /\[([^\]]+)\]/.exec(t);
  return m ? m[1] : t.trim() || undefined;
}

function nulText(b: Uint8Array): string {
  const end = b.indexOf(0);
  return Buffer.from(b.buffer, b.byteOffset, end < 0 ? b.length : end).toString('latin1');
}

export function readLayout(src: ByteSource, dz: Decompressor): TraceDatLayout {
  const head = src.read(0, Math.min(src.size, 4096), 'file header');
  const c = cursor(head, true);
  const start = readTracingStart(c);
  const version = Number(start.version);
  if (!Number.isInteger(version) || version < 6 || version > 7) fail(`trace.dat version "${start.version}" is not 6 or 7`, 10);
  const base: Omit<TraceDatLayout, 'td' | 'compression'> = {
    version,
    little: start.little,
    pageSize: start.pageSize,
    buffers: [],
    cpuStats: new Map(),
    clock: undefined,
    offsetNs: 0n,
    tsc2nsec: undefined,
    notes: [],
  };
  return version === 6 ? readV6(src, start, base) : readV7(src, start, head, c.pos, base, dz);
}

/** One option's effect on the layout (shared by v6 and v7; sections only in v7). */
function applyOption(L: TraceDatLayout, id: number, data: Uint8Array, v7: boolean, pending: Map<number, number>, currentBuffer: { name: string }): void {
  const oc = cursor(data, L.little);
  switch (id) {
    case OPT.BUFFER:
    case OPT.BUFFER_TEXT: {
      const offset = u64(oc, 'buffer offset');
      const name = cstring(oc, 'buffer name', 4096);
      const b: BufferInfo = { name, clock: '', pageSize: L.pageSize, cpus: [], compressed: false, latency: id === OPT.BUFFER_TEXT };
      if (v7) {
        b.clock = selectedClock(cstring(oc, 'buffer clock', 4096)) ?? '';
        if (id === OPT.BUFFER) {
          b.pageSize = u32(oc, 'buffer page size');
          const n = u32(oc, 'buffer cpu count');
          // Each CPU entry takes 20 bytes of the option: a count beyond that is corruption.
          if (n * 20 > data.length - oc.pos) fail(`buffer "${name}" claims ${n} CPUs in an option of ${data.length} bytes`, oc.pos);
          for (let i = 0; i < n; i++) b.cpus.push({ cpu: u32(oc, 'cpu id'), offset: u64(oc, 'cpu data offset'), size: u64(oc, 'cpu data size') });
        }
      }
      pending.set(L.buffers.length, offset);
      L.buffers.push(b);
      break;
    }
    case OPT.CPUSTAT: {
      const t = nulText(data);
      // v7 writes a "\nBuffer: NAME\n\n" CPUSTAT before the stats of each instance.
      const m = /^\s*Buffer:\s*(\S*)\s*$/.exec(t);
      if (m) currentBuffer.name = m[1] ?? '';
      else {
        const list = L.cpuStats.get(currentBuffer.name) ?? [];
        list.push(t);
        L.cpuStats.set(currentBuffer.name, list);
      }
      break;
    }
    case OPT.TRACECLOCK:
      L.clock = selectedClock(nulText(data));
      break;
    case OPT.OFFSET: {
      const t = nulText(data).trim();
      if (/^[-+]?(0x[0-9a-f]+|\d+)$/i.test(t)) L.offsetNs += BigInt(t.replace(/^\+/, '').replace(/^(-?)0x/i, (_m, s: string) => `${s}0x`));
      else L.notes.push(`OFFSET option "${t.slice(0, 40)}" not understood`);
      break;
    }
    case OPT.TSC2NSEC:
      if (data.length >= 16) L.tsc2nsec = { mult: u32(oc, 'tsc mult'), shift: u32(oc, 'tsc shift'), offset: oc.view.getBigUint64(8, L.little) };
      break;
    case OPT.TIME_SHIFT:
      L.notes.push('a guest trace (TIME_SHIFT option): timestamps are the guest clock, not synchronized with the host');
      break;
    case OPT.GUEST:
      L.notes.push('a host trace with guests (GUEST option): each guest file is a separate timeline');
      break;
    default:
      break;
  }
}

function readV6(src: ByteSource, start: ReturnType<typeof readTracingStart>, L0: Omit<TraceDatLayout, 'td' | 'compression'>): TraceDatLayout {
  for (let window = Math.min(src.size, V6_FIRST_WINDOW); ; window = Math.min(src.size, window * 4)) {
    try {
      return readV6Window(src.read(0, window, 'metadata'), start, L0);
    } catch (err) {
      // The metadata did not fit the window: read a larger one, up to the whole file.
      if (!(err instanceof BinaryError) || window >= src.size || !err.message.startsWith('truncated')) throw err;
    }
  }
}

function readV6Window(bytes: Uint8Array, start: ReturnType<typeof readTracingStart>, L0: Omit<TraceDatLayout, 'td' | 'compression'>): TraceDatLayout {
  const c = cursor(bytes, start.little);
  readTracingStart(c);
  const td = emptyTracingData(start);
  const L: TraceDatLayout = { ...L0, buffers: [], cpuStats: new Map(), notes: [...L0.notes], td, compression: null };
  const h = readHeaders(c);
  td.headerPage = h.headerPage;
  td.headerEvent = h.headerEvent;
  if (h.headerPage) td.longSize = h.headerPage.commitSize;
  readFtraceFormats(c, td.events);
  readEventFormats(c, td.events);
  td.kallsyms = readKallsyms(c);
  td.printk = readPrintk(c);
  td.cmdlines = readCmdlines(c);
  const cpus = u32(c, 'cpu count');
  if (cpus > 1 << 16) fail(`${cpus} CPUs is not a real machine (corrupted count)`, c.pos - 4);
  const pending = new Map<number, number>();
  const top: BufferInfo = { name: '', clock: '', pageSize: L.pageSize, cpus: [], compressed: false, latency: false };
  const readTagged = (cc: Cursor, into: BufferInfo, allowOptions: boolean): void => {
    for (;;) {
      const tag = text(cc, 10, 'section tag');
      if (tag === 'options  \0' && allowOptions) {
        for (let n = 0; ; n++) {
          const id = u16(cc, 'option id');
          if (id === 0) break;
          const size = u32(cc, 'option size');
          const data = cc.bytes.subarray(cc.pos, cc.pos + size);
          if (data.length !== size) fail(`truncated: option ${id} of ${size} bytes at offset ${cc.pos}`, cc.pos);
          cc.pos += size;
          applyOption(L, id, data, false, pending, { name: '' });
        }
        continue;
      }
      if (tag === 'flyrecord\0') {
        for (let i = 0; i < cpus; i++) into.cpus.push({ cpu: i, offset: u64(cc, 'cpu data offset'), size: u64(cc, 'cpu data size') });
        return;
      }
      if (tag === 'latency  \0') {
        into.latency = true;
        return;
      }
      fail(`expected "options", "flyrecord" or "latency" at offset ${cc.pos - 10}, found ${JSON.stringify(tag)}`, cc.pos - 10);
    }
  };
  readTagged(c, top, true);
  // v6 writes the trace clock right after the top buffer's CPU table: a u64 size, then the text of
  // tracefs' trace_clock (`[local] global counter …`); trace-cmd reads it there (trace-input.c,
  // init_data_v6 → read_and_parse_trace_clock) and falls back to local when it is missing or
  // damaged, so this read never fails a file either. A TRACECLOCK option, when present, is the same.
  if (!top.latency && L.clock === undefined && c.pos + 8 <= bytes.length) {
    const size = u64(c, 'trace clock size');
    if (size > 0 && size <= 4096 && c.pos + size <= bytes.length) L.clock = selectedClock(nulText(bytes.subarray(c.pos, c.pos + size)));
  }
  L.buffers.unshift(top);
  // Each instance (BUFFER option) has its own "flyrecord" block at the offset the option gives.
  for (const [i, off] of pending) {
    const b = L.buffers[i + 1] as BufferInfo;
    if (off + 10 > bytes.length) fail(`truncated: buffer "${b.name}" at offset ${off} is outside the metadata`, off);
    readTagged(cursor(bytes, start.little, off), b, true);
  }
  return L;
}

function readV7(src: ByteSource, start: ReturnType<typeof readTracingStart>, head: Uint8Array, pos: number, L0: Omit<TraceDatLayout, 'td' | 'compression'>, dz: Decompressor): TraceDatLayout {
  const c = cursor(head, start.little, pos);
  const name = cstring(c, 'compression name', 64);
  const ver = cstring(c, 'compression version', 64);
  const firstOptions = u64(c, 'first options offset');
  const compression = name === 'none' || name === '' ? null : { name, version: ver };
  if (compression && !dz.supports(name)) fail(`trace.dat compressed with "${name}", which this reader does not decompress (zstd, zlib)`, 10);
  const td = emptyTracingData(start);
  const L: TraceDatLayout = { ...L0, td, compression };

  /** A section's content (decompressed when flagged): a cursor over it. */
  const section = (offset: number, expect: number, what: string): Cursor => {
    const hdr = cursor(src.read(offset, 16, `${what} section header`), start.little, 0, offset);
    const id = u16(hdr, 'section id');
    const flags = u16(hdr, 'section flags');
    u32(hdr, 'section string id');
    const size = u64(hdr, 'section size');
    if (id !== expect) fail(`the ${what} section at offset ${offset} has id ${id}, not ${expect}`, offset);
    if (flags & 1) {
      if (!compression) fail(`the ${what} section is compressed but the file names no compression`, offset);
      const ch = cursor(src.read(offset + 16, 8, `${what} compression header`), start.little, 0, offset + 16);
      const csize = u32(ch, 'compressed size');
      const usize = u32(ch, 'uncompressed size');
      const data = src.read(offset + 24, csize, `${what} compressed data`);
      return cursor(dz.decompress(compression.name, data, usize, src.size, what), start.little, 0, 0);
    }
    return cursor(src.read(offset + 16, size, `${what} section`), start.little, 0, offset + 16);
  };

  const pending = new Map<number, number>();
  const sections = new Map<number, number>();
  const currentBuffer = { name: '' };
  let next = firstOptions;
  const seen = new Set<number>();
  for (let n = 0; next !== 0; n++) {
    if (n > MAX_OPTION_SECTIONS || seen.has(next)) fail(`options sections loop back to offset ${next}`, next);
    seen.add(next);
    const at = next;
    const oc = section(next, SEC.OPTIONS, 'options');
    next = 0;
    let done = false;
    while (oc.pos < oc.bytes.length) {
      const id = u16(oc, 'option id');
      const size = u32(oc, 'option size');
      const at = oc.pos;
      if (size > oc.bytes.length - at) fail(`truncated: option ${id} of ${size} bytes at offset ${oc.base + at}`, oc.base + at);
      const data = oc.bytes.subarray(at, at + size);
      oc.pos = at + size;
      if (id === OPT.DONE) {
        next = size >= 8 ? u64(cursor(data, start.little), 'next options offset') : 0;
        done = true;
        break;
      }
      if (id >= OPT.HEADER_INFO && id <= OPT.CMDLINES) sections.set(id, u64(cursor(data, start.little), 'section offset'));
      else applyOption(L, id, data, true, pending, currentBuffer);
    }
    // Every options section ends with DONE (which links the next): without it, options were lost.
    if (!done) fail(`the options section at offset ${at} ends without its DONE option (corrupted size)`, at);
  }
  const at = (id: number, what: string): Cursor | null => {
    const off = sections.get(id);
    return off === undefined ? null : section(off, id, what);
  };
  const hc = at(OPT.HEADER_INFO, 'headers');
  if (hc) {
    const h = readHeaders(hc);
    td.headerPage = h.headerPage;
    td.headerEvent = h.headerEvent;
    if (h.headerPage) td.longSize = h.headerPage.commitSize;
  }
  const fc = at(OPT.FTRACE_EVENTS, 'ftrace formats');
  if (fc) readFtraceFormats(fc, td.events);
  const ec = at(OPT.EVENT_FORMATS, 'event formats');
  if (ec) readEventFormats(ec, td.events);
  const kc = at(OPT.KALLSYMS, 'kallsyms');
  if (kc) td.kallsyms = readKallsyms(kc);
  const pc = at(OPT.PRINTK, 'printk formats');
  if (pc) td.printk = readPrintk(pc);
  const cc = at(OPT.CMDLINES, 'cmdlines');
  if (cc) td.cmdlines = readCmdlines(cc);
  // A buffer's flyrecord section header says whether its per-CPU data is compressed.
  for (const [i, off] of pending) {
    const b = L.buffers[i] as BufferInfo;
    const hdr = cursor(src.read(off, 16, `buffer "${b.name}" section header`), start.little, 0, off);
    const id = u16(hdr, 'section id');
    const flags = u16(hdr, 'section flags');
    if (id !== (b.latency ? SEC.LATENCY : SEC.FLYRECORD)) fail(`buffer "${b.name}": the section at offset ${off} has id ${id}`, off);
    b.compressed = (flags & 1) !== 0;
  }
  // The top instance first, as trace-cmd lists it.
  L.buffers.sort((a, b) => (a.name === '' ? -1 : b.name === '' ? 1 : 0));
  return L;
}
