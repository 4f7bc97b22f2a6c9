import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import { isGzip } from '../input/lines.js';
import { NS_PER_S } from '../model/time.js';
import { benchTask, type TaskResult } from './registry.js';

/**
 * Floors: the least work any JavaScript parser of this text must do, timed against the same
 * newline count as the real tasks. They parse nothing iopath uses; they say how far the real
 * tasks are from what the language allows on one core, so a target can be judged reachable or not
 * from figures measured in the same run.
 *
 * - `floor-bytes`: visit every byte of every line once (sum them). A parser that reads every
 *   character once costs at least this.
 * - `floor-header`: per line, find `[cpu]`, read the CPU and the timestamp as integers and hash
 *   the event name, straight from the bytes: no strings, no objects, no validation. The least a
 *   parser must do to know when, where and what each event is (the ftrace / trace-cmd layout).
 * - `floor-event`: `floor-header` plus one small object per line handed to a consumer, the least
 *   a parser that delivers events (rather than counts) adds, before reading any payload field.
 * - `floor-parse`: `floor-event` plus one pass over the payload reading every run of digits as a
 *   number (no keywords checked, no strings cut): the least a parser that delivers the payload's
 *   fields does. iopath's `parse` does this and checks what it reads.
 */

const CHUNK = 1 << 20;

type LineFn = (b: Buffer, start: number, end: number) => void;

/**
 * Lines as [start, end) byte ranges of one reused buffer: 1 MiB reads (or gunzip) appended after
 * the carried partial line, as a hand-written reader would do it.
 */
async function forEachLine(path: string, fn: LineFn, range?: { start: number; end: number }): Promise<TaskResult> {
  let bytes = 0;
  let lines = 0;
  let buf = Buffer.allocUnsafe(2 * CHUNK);
  let carry = 0;
  const scan = (end: number): void => {
    let s = 0;
    for (let nl = buf.indexOf(10, 0); nl >= 0 && nl < end; nl = buf.indexOf(10, s)) {
      fn(buf, s, nl);
      lines++;
      s = nl + 1;
    }
    carry = end - s;
    buf.copy(buf, 0, s, end);
  };
  const room = (n: number): void => {
    if (carry + n <= buf.length) return;
    const bigger = Buffer.allocUnsafe(2 * (carry + n));
    buf.copy(bigger, 0, 0, carry);
    buf = bigger;
  };
  const fh = await open(path, 'r');
  const head = Buffer.alloc(2);
  await fh.read(head, 0, 2, 0);
  if (isGzip(head)) {
    if (range) {
      await fh.close();
      throw new Error('a gzip stream cannot be read from the middle: give a plain file');
    }
    await fh.close();
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK }).pipe(createGunzip({ chunkSize: CHUNK }))) {
      const c = chunk as Buffer;
      bytes += c.length;
      room(c.length);
      c.copy(buf, carry);
      scan(carry + c.length);
    }
  } else {
    let pos = range?.start ?? 0;
    const stop = range?.end ?? Infinity;
    try {
      for (;;) {
        room(CHUNK);
        const { bytesRead } = await fh.read(buf, carry, Math.min(CHUNK, stop - pos), pos);
        if (bytesRead === 0) break;
        pos += bytesRead;
        bytes += bytesRead;
        scan(carry + bytesRead);
      }
    } finally {
      await fh.close();
    }
  }
  if (carry > 0) {
    fn(buf, 0, carry);
    lines++;
  }
  return { bytes, lines };
}

const LBRACK = 91;
const RBRACK = 93;
const SP = 32;
const DOT = 46;
const COLON = 58;

/** What `floor-header` reads from one line; -1 fields when the line is not laid out as expected. */
interface Head {
  cpu: number;
  sec: number;
  frac: number;
  name: number;
  /** Index just past the event name's `:` (where the payload begins). */
  payload: number;
}

/**
 * `          <idle>-0       [001] d..2.   500.000000: sched_switch: prev_comm=…`: the first `[`
 * opens the CPU column (good enough for a floor: real task names rarely hold one), flags are
 * skipped, the timestamp runs to `:` and the event name to the next `:`.
 */
function readHead(b: Buffer, s: number, e: number, out: Head): boolean {
  let i = s;
  while (i < e && b[i] !== LBRACK) i++;
  if (i === e) return false;
  let cpu = 0;
  let c = b[++i] as number;
  while (c >= 48 && c <= 57) {
    cpu = cpu * 10 + c - 48;
    c = b[++i] as number;
  }
  if (c !== RBRACK) return false;
  i += 2;
  // Flags column, unless the token already is the timestamp (trace-cmd's default layout).
  while (i < e && b[i] === SP) i++;
  let j = i;
  while (j < e && b[j] !== SP) j++;
  if (b[j - 1] !== COLON) {
    i = j;
    while (i < e && b[i] === SP) i++;
  }
  let sec = 0;
  c = b[i] as number;
  while (c >= 48 && c <= 57) {
    sec = sec * 10 + c - 48;
    c = b[++i] as number;
  }
  if (c !== DOT) return false;
  let frac = 0;
  c = b[++i] as number;
  while (c >= 48 && c <= 57) {
    frac = frac * 10 + c - 48;
    c = b[++i] as number;
  }
  if (c !== COLON) return false;
  i += 2;
  let h = 0;
  while (i < e && (c = b[i] as number) !== COLON) {
    h = (h * 31 + c) | 0;
    i++;
  }
  out.cpu = cpu;
  out.sec = sec;
  out.frac = frac;
  out.name = h;
  out.payload = i + 1;
  return true;
}

benchTask('floor-bytes', 'floor: a JavaScript loop visiting every byte of every line once', async (src) => {
  if (typeof src !== 'string' || src === '-') throw new Error('the benchmark needs a file path');
  let sum = 0;
  const r = await forEachLine(src, (b, s, e) => {
    let x = 0;
    for (let i = s; i < e; i++) x += b[i] as number;
    sum += x;
  });
  return { ...r, note: sum < 0 ? '!' : '' };
});

benchTask('floor-header', 'floor: CPU, timestamp and event-name hash read from the bytes, no strings or objects', async (src) => {
  if (typeof src !== 'string' || src === '-') throw new Error('the benchmark needs a file path');
  const h: Head = { cpu: 0, sec: 0, frac: 0, name: 0, payload: 0 };
  let events = 0;
  let acc = 0;
  const r = await forEachLine(src, (b, s, e) => {
    if (!readHead(b, s, e, h)) return;
    events++;
    acc = (acc + h.cpu + h.frac + h.name) | 0;
  });
  return { ...r, events, note: acc === 0.5 ? '!' : '' };
});

benchTask('floor-event', 'floor: floor-header plus one small event object per line handed to a consumer', async (src) => {
  if (typeof src !== 'string' || src === '-') throw new Error('the benchmark needs a file path');
  const h: Head = { cpu: 0, sec: 0, frac: 0, name: 0, payload: 0 };
  let events = 0;
  let acc = 0;
  let line = 0;
  const consume = (ev: { line: number; ts: number; cpu: number; name: number }): void => {
    acc = (acc + ev.cpu + ev.name) | 0;
  };
  const r = await forEachLine(src, (b, s, e) => {
    line++;
    if (!readHead(b, s, e, h)) return;
    events++;
    consume({ line, ts: h.sec * NS_PER_S + h.frac, cpu: h.cpu, name: h.name });
  });
  return { ...r, events, note: acc === 0.5 ? '!' : '' };
});

async function floorParse(src: string, range?: { start: number; end: number }): Promise<TaskResult> {
  const h: Head = { cpu: 0, sec: 0, frac: 0, name: 0, payload: 0 };
  let events = 0;
  let acc = 0;
  let line = 0;
  const consume = (ev: { line: number; ts: number; cpu: number; name: number; fields: number }): void => {
    acc = (acc + ev.cpu + ev.name + ev.fields) | 0;
  };
  const r = await forEachLine(src, (b, s, e) => {
    line++;
    if (!readHead(b, s, e, h)) return;
    events++;
    let fields = 0;
    let v = 0;
    for (let i = h.payload; i < e; i++) {
      const c = b[i] as number;
      if (c >= 48 && c <= 57) v = v * 10 + c - 48;
      else if (v !== 0) {
        fields = (fields + v) | 0;
        v = 0;
      }
    }
    consume({ line, ts: h.sec * NS_PER_S + h.frac, cpu: h.cpu, name: h.name, fields: (fields + v) | 0 });
  }, range);
  return { ...r, events, note: acc === 0.5 ? '!' : '' };
}

benchTask('floor-parse', 'floor: floor-event plus every run of digits in the payload read as a number', async (src) => {
  if (typeof src !== 'string' || src === '-') throw new Error('the benchmark needs a file path');
  return floorParse(src);
});

/**
 * `floor-parse` split over two worker threads, each reading one half of the file (cut at a
 * newline), with nothing sent back but counts: what this machine's two cores allow at best, before
 * the events are moved to the one thread that must consume them in order.
 */
benchTask('floor-parse-x2', 'floor: floor-parse on two worker threads, one half of the file each, results not merged', async (src) => {
  if (typeof src !== 'string' || src === '-') throw new Error('the benchmark needs a file path');
  const fh = await open(src, 'r');
  let cut: number;
  try {
    const { size } = await fh.stat();
    const probe = Buffer.alloc(1 << 20);
    const { bytesRead } = await fh.read(probe, 0, probe.length, Math.floor(size / 2));
    const nl = probe.subarray(0, bytesRead).indexOf(10);
    cut = nl < 0 ? size : Math.floor(size / 2) + nl + 1;
    const halves = [
      { start: 0, end: cut },
      { start: cut, end: size },
    ];
    const results = await Promise.all(
      halves.map(
        (range) =>
          new Promise<TaskResult>((resolve, reject) => {
            const w = new Worker(new URL(import.meta.url), { workerData: { path: src, range } });
            w.once('message', (m) => resolve(m as TaskResult));
            w.once('error', reject);
          }),
      ),
    );
    return results.reduce((a, b) => ({ bytes: a.bytes + b.bytes, lines: a.lines + b.lines, events: (a.events ?? 0) + (b.events ?? 0) }));
  } finally {
    await fh.close();
  }
});

if (!isMainThread && parentPort && (workerData as { range?: unknown } | null)?.range) {
  const { path, range } = workerData as { path: string; range: { start: number; end: number } };
  const port = parentPort;
  void floorParse(path, range).then((r) => port.postMessage(r));
}
