import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../../src/model/events.js';
import { REC } from '../../../../src/parse/binary/perfdata/constants.js';
import { parseHeader } from '../../../../src/parse/binary/perfdata/header.js';
import { REORDER_WINDOW_NS } from '../../../../src/parse/reorder.js';
import { comparable, dataPath, readAll } from './helpers.js';

/**
 * Records perf writes after a round newer than them (a CPU's buffer drained late): perf script
 * prints them after newer events, and the reader, as for that text, puts them back in their place
 * within the reorder window. None of the recorded files has one, so here some samples of
 * perf-lost (many FINISHED_ROUNDs, LOST records, read buffers reused while the file is read) are
 * moved two rounds later in the data section. From the first late one on, the window holds samples
 * as their records, in the read buffers, and decodes each when it releases it (deliver.ts).
 */

const dir = mkdtempSync(join(tmpdir(), 'iopath-late-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** perf-lost with every `every`-th sample from the middle on moved after the second FINISHED_ROUND that follows it. */
function withLateSamples(every: number): string {
  const file = readFileSync(dataPath('perf-lost'));
  const h = parseHeader(file);
  const data = file.subarray(h.data.offset, h.data.offset + h.data.size);
  const recs: { at: number; size: number; type: number }[] = [];
  for (let at = 0; at < data.length; ) {
    const size = data.readUInt16LE(at + 6);
    recs.push({ at, size, type: data.readUInt32LE(at) });
    at += size;
  }
  const moved = new Map<number, number[]>();
  let samples = 0;
  const order: number[] = [];
  recs.forEach((r, i) => {
    if (r.type === REC.SAMPLE && i > recs.length / 2 && samples++ % every === 0) {
      let rounds = 0;
      let j = i + 1;
      for (; j < recs.length && rounds < 2; j++) if ((recs[j] as { type: number }).type === REC.FINISHED_ROUND) rounds++;
      if (rounds === 2) {
        moved.set(j - 1, [...(moved.get(j - 1) ?? []), i]);
        return;
      }
    }
    order.push(i);
    for (const k of moved.get(i) ?? []) order.push(k);
  });
  const out = Buffer.from(file);
  let p = h.data.offset;
  for (const i of order) {
    const r = recs[i] as { at: number; size: number };
    data.copy(out, p, r.at, r.at + r.size);
    p += r.size;
  }
  expect(p).toBe(h.data.offset + h.data.size);
  const path = join(dir, `late-${every}.data`);
  writeFileSync(path, out);
  return path;
}

/**
 * The order the delivery gives, made the plain way: events in perf's order (their lines), and from
 * the first one earlier than the event before it (not a CPU going back), all held sorted by
 * (time, arrival) and released once the newest time is a window past them.
 */
function reference(events: TraceEvent[]): number[] {
  const perfOrder = [...events].sort((a, b) => a.line - b.line);
  const out: number[] = [];
  const held: TraceEvent[] = [];
  let on = false;
  let prevTs = -Infinity;
  let newest = -Infinity;
  const lastByCpu = new Map<number, number>();
  for (const e of perfOrder) {
    if (e.kind !== 'lost') {
      const prev = lastByCpu.get(e.cpu);
      if (!(prev !== undefined && e.ts < prev) && e.ts < prevTs) on = true;
      lastByCpu.set(e.cpu, e.ts);
      prevTs = e.ts;
    }
    if (!on) {
      out.push(e.line);
      continue;
    }
    let at = held.length;
    while (at > 0 && (held[at - 1] as TraceEvent).ts > e.ts) at--;
    held.splice(at, 0, e);
    newest = Math.max(newest, e.ts);
    while (held.length > 0 && (held[0] as TraceEvent).ts <= newest - REORDER_WINDOW_NS) out.push((held.shift() as TraceEvent).line);
  }
  for (const e of held) out.push(e.line);
  return out;
}

/** An event without its line (moving records renumbers the events after them), as a sortable key. */
const content = (e: TraceEvent): string => {
  const o = comparable(e);
  delete o.line;
  if (e.kind === 'other') o.args = e.args;
  return JSON.stringify(o);
};

describe('perf.data: samples perf releases after newer ones', () => {
  it.each([
    [7, 4096],
    [7, 1 << 20],
    [50, 4096],
  ])('every %i-th sample of the second half two rounds late, %i-byte reads: put in place, decoded from bytes still valid', async (every, chunkBytes) => {
    const path = withLateSamples(every);
    // Unselected events render `args` from their bytes when first read: read after the whole file,
    // they show whether the held records' read buffers were reused too early.
    const dec = { payloads: new Set(['block_rq_issue', 'block_rq_complete', 'block_bio_queue']) };
    const late = await readAll(path, dec, { chunkBytes });
    const original = await readAll(dataPath('perf-lost'), dec, { chunkBytes });
    expect(late.result.diagnostics.count('out_of_order')).toBeGreaterThan(0);
    expect(late.events.length).toBe(original.events.length);
    expect(late.events.map((e) => e.line)).toEqual(reference(late.events));
    expect(late.events.map(content).sort()).toEqual(original.events.map(content).sort());
  });
});
