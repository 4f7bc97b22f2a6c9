/**
 * A walk of a little-endian trace.dat's structure, written apart from the reader (from the format
 * documents), for the fuzz tests: where each section, option, CPU data block, chunk and page
 * starts and ends, and where each size, offset and count field is.
 */

export interface Field {
  at: number;
  size: 4 | 8;
  value: number;
  what: string;
}

export interface Offsets {
  /** Section and option starts and ends (cut at each, and one byte either side). */
  boundaries: number[];
  /** Chunk and page starts inside the CPU data (cut at each). */
  pieces: number[];
  fields: Field[];
}

export function layoutOffsets(b: Buffer): Offsets {
  const boundaries = new Set<number>();
  const pieces = new Set<number>();
  const fields: Field[] = [];
  const u32 = (at: number, what: string): number => {
    const v = b.readUInt32LE(at);
    fields.push({ at, size: 4, value: v, what });
    return v;
  };
  const u64 = (at: number, what: string): number => {
    const v = Number(b.readBigUInt64LE(at));
    fields.push({ at, size: 8, value: v, what });
    return v;
  };
  const cstr = (at: number): number => b.indexOf(0, at) + 1;
  const version = b.toString('latin1', 10, b.indexOf(0, 10));
  const pageSize = b.readUInt32LE(b.indexOf(0, 10) + 3);
  let p = b.indexOf(0, 10) + 7;
  boundaries.add(p);

  const cpuData = (offset: number, size: number, compressed: boolean): void => {
    boundaries.add(offset);
    if (compressed) {
      const n = u32(offset, 'chunk count');
      let q = offset + 4;
      for (let i = 0; i < n; i++) {
        pieces.add(q);
        const cs = u32(q, 'chunk compressed size');
        u32(q + 4, 'chunk size');
        q += 8 + cs;
      }
      boundaries.add(q);
    } else {
      for (let q = offset; q < offset + size; q += pageSize) pieces.add(q);
      boundaries.add(offset + size);
    }
  };

  if (version === '6') {
    const sized64 = (what: string): void => {
      boundaries.add(p);
      const n = u64(p, what);
      p += 8 + n;
    };
    const sized32 = (what: string): void => {
      boundaries.add(p);
      const n = u32(p, what);
      p += 4 + n;
    };
    p = cstr(p);
    sized64('header_page size');
    p = cstr(p);
    sized64('header_event size');
    const nf = u32(p, 'ftrace format count');
    p += 4;
    for (let i = 0; i < nf; i++) sized64('ftrace format size');
    const ns = u32(p, 'system count');
    p += 4;
    for (let s = 0; s < ns; s++) {
      p = cstr(p);
      const n = u32(p, 'event count');
      p += 4;
      for (let i = 0; i < n; i++) sized64('event format size');
    }
    sized32('kallsyms size');
    sized32('printk size');
    sized64('cmdlines size');
    const cpus = u32(p, 'cpu count');
    p += 4;
    for (;;) {
      boundaries.add(p);
      const tag = b.toString('latin1', p, p + 10);
      p += 10;
      if (tag === 'options  \0') {
        for (;;) {
          boundaries.add(p);
          const id = b.readUInt16LE(p);
          p += 2;
          if (id === 0) break;
          const size = u32(p, 'option size');
          p += 4 + size;
        }
        continue;
      }
      if (tag === 'flyrecord\0') {
        for (let i = 0; i < cpus; i++, p += 16) cpuData(u64(p, 'cpu offset'), u64(p + 8, 'cpu size'), false);
      }
      break;
    }
  } else {
    p = cstr(cstr(p));
    const compressed = b.toString('latin1', b.indexOf(0, 10) + 7, b.indexOf(0, b.indexOf(0, 10) + 7)) !== 'none';
    let next = u64(p, 'first options offset');
    const section = (at: number, what: string): { data: number; end: number } => {
      boundaries.add(at);
      const flags = b.readUInt16LE(at + 2);
      const size = u64(at + 8, `${what} section size`);
      if (flags & 1) {
        const cs = u32(at + 16, `${what} compressed size`);
        u32(at + 20, `${what} uncompressed size`);
        boundaries.add(at + 24 + cs);
        return { data: at + 24, end: at + 24 + cs };
      }
      boundaries.add(at + 16 + size);
      return { data: at + 16, end: at + 16 + size };
    };
    while (next !== 0) {
      const { data, end } = section(next, 'options');
      next = 0;
      let q = data;
      while (q < end) {
        boundaries.add(q);
        const id = b.readUInt16LE(q);
        const size = u32(q + 2, 'option size');
        const d = q + 6;
        if (id === 0) {
          next = u64(d, 'next options offset');
          break;
        }
        if (id >= 16 && id <= 21) section(u64(d, 'section offset'), `section ${id}`);
        if (id === 3) {
          const sec = u64(d, 'buffer section offset');
          section(sec, 'flyrecord');
          let r = cstr(cstr(d + 8));
          r += 4;
          const cpus = u32(r, 'buffer cpu count');
          r += 4;
          for (let i = 0; i < cpus; i++, r += 20) cpuData(u64(r + 4, 'cpu offset'), u64(r + 12, 'cpu size'), compressed);
        }
        q = d + size;
      }
    }
  }
  return { boundaries: [...boundaries].filter((x) => x > 0 && x < b.length).sort((x, y) => x - y), pieces: [...pieces].sort((x, y) => x - y), fields };
}
