import { cstring, cursor, fail, text, u32, u64, u8, type Cursor } from './bytes.js';
import { parseCmdlines } from './cmdlines.js';
import { parseEventFormat, type EventFormat } from './format.js';
import { DEFAULT_EVENT_HEADER, parseHeaderEvent, parseHeaderPage, type EventHeaderLayout, type PageHeader } from './header-page.js';
import { parseKallsyms, type Kallsyms } from './kallsyms.js';
import { parsePrintk } from './printk.js';
import { readTracingStart } from './tracing-start.js';


/**
 * Everything needed to decode raw tracepoint records: the page and event headers, the event
 * formats by id, kallsyms, printk formats and saved cmdlines. trace.dat v6 and perf.data's
 * HEADER_TRACING_DATA store it as one block (the "tracing data"); trace.dat v7 stores the same
 * parts in sections. The part readers below serve both.
 *
 * Block layout (trace-cmd Documentation/trace-cmd/trace-cmd.dat.v6.5.txt; perf's
 * util/trace-event-info.c writes the same up to the cmdlines):
 *   17 08 44 "tracing" version\0  endian:u8 long:u8 page:u32
 *   "header_page\0" u64 size + text   "header_event\0" u64 size + text
 *   u32 n × (u64 size + ftrace format)   u32 systems × (name\0 u32 n × (u64 size + format))
 *   u32 size + kallsyms   u32 size + printk formats   [u64 size + saved cmdlines]
 */

export interface TracingData {
  version: string;
  little: boolean;
  /** User-space long size of the recording tool (1 byte in the header). */
  userLongSize: number;
  /** The kernel's long size, from header_page's `commit` (what %p and longs are). */
  longSize: number;
  pageSize: number;
  headerPage: PageHeader | null;
  headerEvent: EventHeaderLayout;
  events: Map<number, EventFormat>;
  kallsyms: Kallsyms;
  printk: Map<bigint, string>;
  cmdlines: Map<number, string>;
}

/** Refuses a size that cannot be real before anything is allocated for it. */
function sized(c: Cursor, n: number, what: string): number {
  if (!Number.isFinite(n) || n > c.bytes.length - c.pos) fail(`${what}: size ${n} is larger than the ${c.bytes.length - c.pos} bytes left at offset ${c.base + c.pos}`, c.base + c.pos);
  return n;
}

function expectTag(c: Cursor, tag: string): void {
  const at = c.pos;
  const s = cstring(c, tag, 64);
  if (s !== tag) fail(`expected "${tag}" at offset ${c.base + at}, found ${JSON.stringify(s.slice(0, 20))}`, c.base + at);
}

export interface Headers {
  headerPage: PageHeader | null;
  headerEvent: EventHeaderLayout;
}

/** `"header_page\0" u64 size + text "header_event\0" u64 size + text` */
export function readHeaders(c: Cursor): Headers {
  expectTag(c, 'header_page');
  const hp = text(c, sized(c, u64(c, 'header_page size'), 'header_page'), 'header_page');
  expectTag(c, 'header_event');
  const he = text(c, sized(c, u64(c, 'header_event size'), 'header_event'), 'header_event');
  return { headerPage: parseHeaderPage(hp), headerEvent: he.length > 0 ? parseHeaderEvent(he) : DEFAULT_EVENT_HEADER };
}

/** `u32 n × (u64 size + format)`: the ftrace system's formats. */
export function readFtraceFormats(c: Cursor, into: Map<number, EventFormat>): void {
  const n = u32(c, 'ftrace format count');
  for (let i = 0; i < n; i++) {
    const t = text(c, sized(c, u64(c, 'ftrace format size'), 'ftrace format'), 'ftrace format');
    const ev = parseEventFormat(t, 'ftrace');
    if (ev) into.set(ev.id, ev);
  }
}

/** `u32 systems × (name\0 u32 n × (u64 size + format))` */
export function readEventFormats(c: Cursor, into: Map<number, EventFormat>): void {
  const systems = u32(c, 'event system count');
  for (let s = 0; s < systems; s++) {
    const name = cstring(c, 'event system name', 4096);
    const n = u32(c, `event count of system ${name}`);
    for (let i = 0; i < n; i++) {
      const t = text(c, sized(c, u64(c, `${name} event format size`), `${name} event format`), `${name} event format`);
      const ev = parseEventFormat(t, name);
      if (ev) into.set(ev.id, ev);
    }
  }
}

/** `u32 size + kallsyms text` */
export function readKallsyms(c: Cursor): Kallsyms {
  return parseKallsyms(text(c, sized(c, u32(c, 'kallsyms size'), 'kallsyms'), 'kallsyms'));
}

/** `u32 size + printk formats text` */
export function readPrintk(c: Cursor): Map<bigint, string> {
  return parsePrintk(text(c, sized(c, u32(c, 'printk formats size'), 'printk formats'), 'printk formats'));
}

/** `u64 size + saved cmdlines text` */
export function readCmdlines(c: Cursor): Map<number, string> {
  return parseCmdlines(text(c, sized(c, u64(c, 'cmdlines size'), 'saved cmdlines'), 'saved cmdlines'));
}


export function emptyTracingData(start: { version: string; little: boolean; userLongSize: number; pageSize: number }): TracingData {
  return {
    ...start,
    longSize: start.userLongSize === 4 ? 4 : 8,
    headerPage: null,
    headerEvent: DEFAULT_EVENT_HEADER,
    events: new Map(),
    kallsyms: parseKallsyms(''),
    printk: new Map(),
    cmdlines: new Map(),
  };
}

/**
 * Parses a tracing-data block starting at its magic. `end` is where the block ends (perf gives its
 * size); trace.dat v6 goes on after it, so the cursor is left after the last part read.
 * Cmdlines are read when the version has them (6 and later) and bytes remain.
 */
export function readTracingData(c: Cursor, end = c.bytes.length): TracingData {
  const start = readTracingStart(c);
  // Re-wrap in the file's byte order now that it is known.
  const fc = cursor(c.bytes.subarray(0, end), start.little, c.pos, c.base);
  const td = emptyTracingData(start);
  const h = readHeaders(fc);
  td.headerPage = h.headerPage;
  td.headerEvent = h.headerEvent;
  if (h.headerPage) td.longSize = h.headerPage.commitSize;
  readFtraceFormats(fc, td.events);
  readEventFormats(fc, td.events);
  td.kallsyms = readKallsyms(fc);
  td.printk = readPrintk(fc);
  const v = parseFloat(start.version);
  if ((v >= 6 || (v > 0 && v < 1 && v >= 0.6)) && fc.pos + 8 <= end) td.cmdlines = readCmdlines(fc);
  c.pos = fc.pos;
  return td;
}
