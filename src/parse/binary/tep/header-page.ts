import { parseField } from './format.js';

/**
 * The ring buffer's page and event headers, as `events/header_page` and `events/header_event`
 * describe them (both stored in trace.dat and in perf's tracing data):
 *
 *   field: u64 timestamp;	offset:0;	size:8;	signed:0;
 *   field: local_t commit;	offset:8;	size:8;	signed:1;
 *   field: int overwrite;	offset:8;	size:1;	signed:1;
 *   field: char data;	offset:16;	size:4080;	signed:0;
 *
 *   # compressed entry header
 *   	type_len    :    5 bits
 *   	time_delta  :   27 bits
 *   	array       :   32 bits
 *   	padding     : type == 29
 *   	time_extend : type == 30
 *   	time_stamp : type == 31
 *   	data max type_len  == 28
 *
 * `commit`'s size is the kernel's long size, `data`'s offset where events start and its size the
 * page's data capacity (page size minus the header).
 */

export interface PageHeader {
  timestampOffset: number;
  timestampSize: number;
  commitOffset: number;
  /** The kernel's long size (4 or 8). */
  commitSize: number;
  dataOffset: number;
  dataSize: number;
}

export interface EventHeaderLayout {
  typeLenBits: number;
  timeDeltaBits: number;
  padding: number;
  timeExtend: number;
  timeStamp: number;
  dataMaxTypeLen: number;
}

export const DEFAULT_EVENT_HEADER: EventHeaderLayout = { typeLenBits: 5, timeDeltaBits: 27, padding: 29, timeExtend: 30, timeStamp: 31, dataMaxTypeLen: 28 };

/** Parses header_page; null when its fields are missing or inconsistent. */
export function parseHeaderPage(text: string): PageHeader | null {
  const fields = new Map<string, { offset: number; size: number }>();
  for (const line of text.split('\n')) {
    const f = parseField(line.replace(/field:\s+/, 'field:'));
    if (f && !fields.has(f.name)) fields.set(f.name, { offset: f.offset, size: f.size });
  }
  const ts = fields.get('timestamp');
  const commit = fields.get('commit');
  const data = fields.get('data');
  if (!ts || !commit || !data) return null;
  if (ts.size !== 8 || (commit.size !== 4 && commit.size !== 8) || data.offset < commit.offset + commit.size) return null;
  return { timestampOffset: ts.offset, timestampSize: ts.size, commitOffset: commit.offset, commitSize: commit.size, dataOffset: data.offset, dataSize: data.size };
}

/** Parses header_event; the kernel's fixed layout when the text says nothing else. */
export function parseHeaderEvent(text: string): EventHeaderLayout {
  const num = (re: RegExp, dflt: number): number => {
    const m = re.exec(text);
    const n = m ? Number(m[1]) : NaN;
    return Number.isInteger(n) ? n : dflt;
  };
  const d = DEFAULT_EVENT_HEADER;
  return {
    typeLenBits: num(/type_len\s*:\s*(\d+)\s*bits/, d.typeLenBits),
    timeDeltaBits: num(/time_delta\s*:\s*(\d+)\s*bits/, d.timeDeltaBits),
    padding: num(/padding\s*:\s*type\s*==\s*(\d+)/, d.padding),
    timeExtend: num(/time_extend\s*:\s*type\s*==\s*(\d+)/, d.timeExtend),
    timeStamp: num(/time_stamp\s*:\s*type\s*==\s*(\d+)/, d.timeStamp),
    dataMaxTypeLen: num(/data max type_len\s*==\s*(\d+)/, d.dataMaxTypeLen),
  };
}
