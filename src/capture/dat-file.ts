/**
 * The trace.dat layout `capture --format dat` writes: version 6, uncompressed, as trace-cmd's
 * `Documentation/trace-cmd/trace-cmd.dat.v6.5.txt` and `lib/trace-cmd/trace-output.c` describe it.
 *
 * Why v6 and not v7: every trace.dat reader reads v6 (trace-cmd 2.x and 3.x, KernelShark, Trace
 * Compass, gpuvis), while v7 is read by trace-cmd ≥ 3.0 only; v7's gains are compression (zstd,
 * which Node 20 cannot write) and several buffers in one file, neither of which a capture of the
 * top buffer needs. Uncompressed, the per-CPU data is the kernel's pages as they were read,
 * page-aligned, so a reader can map it and decode each CPU on its own.
 *
 * Layout: magic, "6", endianness, user-space long size, page size; header_page and header_event;
 * the ftrace formats; the event formats by system; kallsyms; printk formats; saved cmdlines; the CPU
 * count; "options  " and the options (u16 id, u32 size, data; id 0 ends them); "flyrecord" and one
 * {u64 offset, u64 size} per CPU; then, because a TRACECLOCK option is present, a u64 size and the
 * clock as "[local]" (trace-input.c reads it in init_data_v6); then each CPU's pages, each CPU's
 * data starting on a page boundary.
 */

/** Option ids (trace-cmd.dat.v7.5.txt lists them; v6 files use the same numbers). */
export const OPTION_CPUSTAT = 2;
export const OPTION_TRACECLOCK = 4;
export const OPTION_UNAME = 5;

export interface DatOption {
  id: number;
  data: Buffer;
}

export interface DatMeta {
  littleEndian: boolean;
  /** sizeof(long) of user space, 8 on 64-bit machines (the kernel's long comes from header_page). */
  longSize: number;
  /** The ring buffer's sub-buffer size: CPU data is read in pages of this size. */
  pageSize: number;
  headerPage: Buffer;
  headerEvent: Buffer;
  /** events/ftrace/<event>/format files. */
  ftraceFormats: Buffer[];
  /** events/<system>/<event>/format files, by system. */
  systems: { name: string; formats: Buffer[] }[];
  kallsyms: Buffer;
  printkFormats: Buffer;
  savedCmdlines: Buffer;
  options: DatOption[];
  /** The selected trace clock (`local`), stored after the CPU table; needs a TRACECLOCK option. */
  clock: string;
}

/** Bytes in the file's endianness. */
function encoder(littleEndian: boolean) {
  const parts: Buffer[] = [];
  let length = 0;
  const push = (b: Buffer): void => {
    parts.push(b);
    length += b.length;
  };
  const num = (bytes: 2 | 4 | 8, v: number): void => {
    const b = Buffer.alloc(bytes);
    if (bytes === 2) littleEndian ? b.writeUInt16LE(v) : b.writeUInt16BE(v);
    else if (bytes === 4) littleEndian ? b.writeUInt32LE(v) : b.writeUInt32BE(v);
    else littleEndian ? b.writeBigUInt64LE(BigInt(v)) : b.writeBigUInt64BE(BigInt(v));
    push(b);
  };
  return {
    bytes: push,
    u16: (v: number) => num(2, v),
    u32: (v: number) => num(4, v),
    u64: (v: number) => num(8, v),
    /** A string with its NUL. */
    cstr: (s: string) => push(Buffer.from(`${s}\0`, 'latin1')),
    get length() {
      return length;
    },
    done: () => Buffer.concat(parts, length),
  };
}

export function alignUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

export interface DatHead {
  /** Everything before the first CPU's data (padding to the page boundary included). */
  head: Buffer;
  /** Where each CPU's data starts in the file. */
  offsets: number[];
}

/**
 * The file up to the CPU data, for CPUs 0..n-1 holding `cpuSizes[i]` bytes of pages each (0 for a
 * CPU without data: v6 numbers CPUs by their position in the table).
 */
export function datHead(meta: DatMeta, cpuSizes: readonly number[]): DatHead {
  const e = encoder(meta.littleEndian);
  e.bytes(Buffer.from([0x17, 0x08, 0x44]));
  e.bytes(Buffer.from('tracing', 'latin1'));
  e.cstr('6');
  e.bytes(Buffer.from([meta.littleEndian ? 0 : 1, meta.longSize]));
  e.u32(meta.pageSize);

  e.cstr('header_page');
  e.u64(meta.headerPage.length);
  e.bytes(meta.headerPage);
  e.cstr('header_event');
  e.u64(meta.headerEvent.length);
  e.bytes(meta.headerEvent);

  e.u32(meta.ftraceFormats.length);
  for (const f of meta.ftraceFormats) e.u64(f.length), e.bytes(f);
  e.u32(meta.systems.length);
  for (const s of meta.systems) {
    e.cstr(s.name);
    e.u32(s.formats.length);
    for (const f of s.formats) e.u64(f.length), e.bytes(f);
  }

  e.u32(meta.kallsyms.length);
  e.bytes(meta.kallsyms);
  e.u32(meta.printkFormats.length);
  e.bytes(meta.printkFormats);
  e.u64(meta.savedCmdlines.length);
  e.bytes(meta.savedCmdlines);

  e.u32(cpuSizes.length);
  e.bytes(Buffer.from('options  \0', 'latin1'));
  for (const o of meta.options) e.u16(o.id), e.u32(o.data.length), e.bytes(o.data);
  e.u16(0);

  e.bytes(Buffer.from('flyrecord\0', 'latin1'));
  const clock = Buffer.from(`[${meta.clock}]`, 'latin1');
  const tableEnd = e.length + 16 * cpuSizes.length + 8 + clock.length;
  const offsets: number[] = [];
  let at = alignUp(tableEnd, meta.pageSize);
  for (const size of cpuSizes) {
    offsets.push(at);
    at = alignUp(at + size, meta.pageSize);
  }
  cpuSizes.forEach((size, i) => (e.u64(offsets[i] ?? 0), e.u64(size)));
  e.u64(clock.length);
  e.bytes(clock);
  e.bytes(Buffer.alloc((offsets[0] ?? e.length) - e.length));
  return { head: e.done(), offsets };
}

/** A NUL-terminated text option (CPUSTAT, TRACECLOCK, UNAME). */
export function textOption(id: number, text: string): DatOption {
  return { id, data: Buffer.from(`${text}\0`, 'latin1') };
}
