/**
 * A small trace.dat v6 reader for the tests, written from trace-cmd.dat.v6.5.txt and libtraceevent's
 * kbuffer-parse.c without the capture's code, so that a file it writes is checked by something that
 * did not write it. Little-endian files only (those of this machine); throws on anything unexpected.
 */

export interface FormatField {
  name: string;
  offset: number;
  size: number;
  signed: boolean;
  /** `__data_loc char[]`: a u32 of offset (low 16 bits) and length (high 16 bits). */
  dataLoc: boolean;
  array: boolean;
}

export interface EventFormat {
  system: string;
  name: string;
  id: number;
  fields: FormatField[];
}

export interface DecodedEvent {
  cpu: number;
  ts: bigint;
  id: number;
  name: string;
  pid: number;
  flags: number;
  fields: Record<string, number | bigint | string>;
}

export interface DatFile {
  version: string;
  longSize: number;
  pageSize: number;
  headerPage: string;
  headerEvent: string;
  formats: Map<number, EventFormat>;
  kallsyms: string;
  printk: string;
  cmdlines: Map<number, string>;
  cpuCount: number;
  options: { id: number; text: string }[];
  cpuData: { offset: number; size: number }[];
  clock: string;
  events: DecodedEvent[];
  /** One entry per page flagged with lost events: the CPU, the page's time, the stored count if any. */
  lost: { cpu: number; ts: bigint; count?: number }[];
}

export function parseFormat(system: string, text: string): EventFormat {
  const name = /^name: (\S+)/m.exec(text)?.[1] ?? '';
  const id = Number(/^ID: (\d+)/m.exec(text)?.[1] ?? -1);
  const fields: FormatField[] = [];
  for (const m of text.matchAll(/field:([^;]*);\s*offset:(\d+);\s*size:(\d+);\s*signed:(\d);/g)) {
    const decl = m[1]!.trim();
    const fieldName = /([A-Za-z_]\w*)\s*(\[[^\]]*\])?$/.exec(decl)?.[1] ?? decl;
    fields.push({ name: fieldName, offset: Number(m[2]), size: Number(m[3]), signed: m[4] === '1', dataLoc: decl.startsWith('__data_loc'), array: /\[/.test(decl) });
  }
  return { system, name, id, fields };
}

export function readDat(file: Buffer): DatFile {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let p = 0;
  const u16 = (): number => ((p += 2), dv.getUint16(p - 2, true));
  const u32 = (): number => ((p += 4), dv.getUint32(p - 4, true));
  const u64 = (): number => ((p += 8), Number(dv.getBigUint64(p - 8, true)));
  const bytes = (n: number): string => ((p += n), file.toString('latin1', p - n, p));
  const cstr = (): string => {
    const end = file.indexOf(0, p);
    const s = file.toString('latin1', p, end);
    p = end + 1;
    return s;
  };
  const expect = (s: string): void => {
    const got = bytes(s.length);
    if (got !== s) throw new Error(`expected ${JSON.stringify(s)} at ${p - s.length}, got ${JSON.stringify(got)}`);
  };

  expect('\x17\x08\x44tracing');
  const version = cstr();
  if (file[p++] !== 0) throw new Error('big-endian file');
  const longSize = file[p++]!;
  const pageSize = u32();
  expect('header_page\0');
  const headerPage = bytes(u64());
  expect('header_event\0');
  const headerEvent = bytes(u64());
  const formats = new Map<number, EventFormat>();
  for (let n = u32(); n > 0; n--) {
    const f = parseFormat('ftrace', bytes(u64()));
    formats.set(f.id, f);
  }
  for (let systems = u32(); systems > 0; systems--) {
    const system = cstr();
    for (let n = u32(); n > 0; n--) {
      const f = parseFormat(system, bytes(u64()));
      formats.set(f.id, f);
    }
  }
  const kallsyms = bytes(u32());
  const printk = bytes(u32());
  const cmdlines = new Map<number, string>();
  for (const line of bytes(u64()).split('\n')) {
    const m = /^(\d+) (.*)$/.exec(line);
    if (m) cmdlines.set(Number(m[1]), m[2]!);
  }
  const cpuCount = u32();
  const options: { id: number; text: string }[] = [];
  let tag = bytes(10);
  if (tag === 'options  \0') {
    for (let id = u16(); id !== 0; id = u16()) options.push({ id, text: bytes(u32()).replace(/\0$/, '') });
    tag = bytes(10);
  }
  if (tag !== 'flyrecord\0') throw new Error(`expected flyrecord, got ${JSON.stringify(tag)}`);
  const cpuData = Array.from({ length: cpuCount }, () => ({ offset: u64(), size: u64() }));
  const clock = options.some((o) => o.id === 4) ? bytes(u64()) : '';

  const events: DecodedEvent[] = [];
  const lost: DatFile['lost'] = [];
  const headerLong = Number(/field: local_t commit;\s*offset:\d+;\s*size:(\d+);/.exec(headerPage)?.[1] ?? 8);
  cpuData.forEach(({ offset, size }, cpu) => {
    for (let page = offset; page < offset + size; page += pageSize) {
      let ts = dv.getBigUint64(page, true);
      const commit = dv.getUint32(page + 8, true);
      const length = commit & 0x7ffffff;
      let q = page + 8 + headerLong;
      const end = q + length;
      if (commit & 0x80000000) lost.push({ cpu, ts, ...(commit & 0x40000000 ? { count: Number(dv.getBigUint64(end, true)) } : {}) });
      while (q < end) {
        const w = dv.getUint32(q, true);
        const typeLen = w & 0x1f;
        const delta = BigInt(w >>> 5);
        if (typeLen === 29) {
          if (delta === 0n) break;
          q += 4 + dv.getUint32(q + 4, true);
          continue;
        }
        if (typeLen === 30 || typeLen === 31) {
          const t = (BigInt(dv.getUint32(q + 4, true)) << 27n) + delta;
          ts = typeLen === 30 ? ts + t : (ts & ~((1n << 59n) - 1n)) | t;
          q += 8;
          continue;
        }
        ts += delta;
        let len: number;
        let data: number;
        if (typeLen === 0) {
          len = dv.getUint32(q + 4, true) - 4;
          data = q + 8;
        } else {
          len = typeLen * 4;
          data = q + 4;
        }
        events.push(decode(file, dv, data, len, cpu, ts, formats));
        q = data + ((len + 3) & ~3);
      }
    }
  });
  return { version, longSize, pageSize, headerPage, headerEvent, formats, kallsyms, printk, cmdlines, cpuCount, options, cpuData, clock, events, lost };
}

function decode(file: Buffer, dv: DataView, at: number, len: number, cpu: number, ts: bigint, formats: Map<number, EventFormat>): DecodedEvent {
  const id = dv.getUint16(at, true);
  const f = formats.get(id);
  const ev: DecodedEvent = { cpu, ts, id, name: f?.name ?? `unknown-${id}`, pid: dv.getInt32(at + 4, true), flags: dv.getUint8(at + 2), fields: {} };
  for (const field of f?.fields ?? []) {
    if (field.name.startsWith('common_')) continue;
    const o = at + field.offset;
    if (field.dataLoc) {
      const loc = dv.getUint32(o, true);
      ev.fields[field.name] = file.toString('latin1', at + (loc & 0xffff), at + (loc & 0xffff) + (loc >>> 16)).replace(/\0.*$/s, '');
    } else if (field.array) {
      ev.fields[field.name] = file.toString('latin1', o, o + Math.min(field.size, len - field.offset)).replace(/\0.*$/s, '');
    } else if (field.size === 8) {
      ev.fields[field.name] = field.signed ? dv.getBigInt64(o, true) : dv.getBigUint64(o, true);
    } else if (field.size === 4) {
      ev.fields[field.name] = field.signed ? dv.getInt32(o, true) : dv.getUint32(o, true);
    } else if (field.size === 2) {
      ev.fields[field.name] = field.signed ? dv.getInt16(o, true) : dv.getUint16(o, true);
    } else if (field.size === 1) {
      ev.fields[field.name] = field.signed ? dv.getInt8(o) : dv.getUint8(o);
    }
  }
  return ev;
}
