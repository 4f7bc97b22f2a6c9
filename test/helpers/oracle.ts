import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

/**
 * An independent, deliberately naive count of where each iomap_dio_complete ran, used as the
 * oracle for the analyzer: regular expressions over the raw lines, no shared code with src/.
 * Context: the flags column's third character (h/H hardirq, s softirq) when printed; otherwise a
 * kworker comm means a deferred completion and anything else a task (valid for the write
 * captures, whose completions never run inline).
 */
export interface OracleCount {
  begins: number;
  completes: number;
  /** Completions whose begin is in the trace, by context. */
  byContext: { hardirq: number; softirq: number; kworker: number; task: number };
}

const EVENT = /^\s*(.+?)[- ](-?\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[(\d+)\]\s+(?:(\S{4,8})\s+)?[\d.]+:\s+(?:iomap:)?(iomap_dio_rw_begin|iomap_dio_complete):\s+dev \S+ ino (\S+) size \S+ offset (0x[0-9a-f]+)(?: length (0x[0-9a-f]+))?.*?(?: ret (-?\d+))?\s*$/;

export async function oracleCount(file: string, filter?: (line: string) => boolean): Promise<OracleCount> {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const rl = createInterface({ input, crlfDelay: Infinity });
  const open = new Map<string, number>();
  const out: OracleCount = { begins: 0, completes: 0, byContext: { hardirq: 0, softirq: 0, kworker: 0, task: 0 } };
  for await (const line of rl) {
    if (filter && !filter(line)) continue;
    const m = EVENT.exec(line);
    if (!m) continue;
    const [, comm, , , flags, ev, ino, off, len, ret] = m;
    if (ev === 'iomap_dio_rw_begin') {
      out.begins++;
      const key = `${ino}:${BigInt(off as string) + BigInt(len as string)}`;
      open.set(key, (open.get(key) ?? 0) + 1);
      continue;
    }
    out.completes++;
    const key = `${ino}:${BigInt(off as string) + (BigInt(ret ?? '0') > 0n ? 0n : 0n)}`;
    const n = open.get(key) ?? 0;
    if (n === 0) continue;
    open.set(key, n - 1);
    const c = flags?.[2];
    if (c === 'h' || c === 'H') out.byContext.hardirq++;
    else if (c === 's') out.byContext.softirq++;
    else if ((comm ?? '').trim().startsWith('kworker/')) out.byContext.kworker++;
    else out.byContext.task++;
  }
  return out;
}
