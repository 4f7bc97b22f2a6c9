import { createReadStream, existsSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import Papa from 'papaparse';
import type { DiagnosticsCollector } from '../model/diagnostics.js';
import type { FioCrossCheck, LatencySummary } from '../model/analysis.js';
import type { IoPath } from '../model/io.js';
import { NS_PER_MS, NS_PER_S } from '../model/time.js';
import { createSketch, type QuantileSketch } from '../stats/sketch.js';
import { summarizeSketch } from './summary.js';

/**
 * fio's per-I/O latency logs (`--write_lat_log=PREFIX --log_offset=1`): `PREFIX_lat.N.log`,
 * `_clat`, `_slat`, optionally gzipped, CSV lines `time_ms, latency_ns, dir, bs, offset, prio`:
 *
 *   `1, 1536902, 1, 4096, 16187392, 0`
 *
 * They are read with papaparse, summarised, and (lat log) indexed by offset so the trace's DIOs
 * can be matched to fio's own view of the same I/O (FIFO per offset: random workloads repeat them).
 */

export const FIO_LOG_KINDS = ['lat', 'clat', 'slat'] as const;
/** Offsets indexed for matching; beyond this the cross-check keeps only percentiles. */
export const MAX_INDEXED = 2_000_000;
/** fio numbers its per-job logs `_lat.1.log`, `_lat.2.log`, …; more jobs than this are not read. */
export const MAX_LOG_FILES = 999;
const MS_PER_S = NS_PER_S / NS_PER_MS;

export interface FioLogs {
  prefix: string;
  logs: Record<string, LatencySummary & { file: string }>;
  /** lat log entries by offset, oldest first: latency in ns. */
  byOffset: Map<number, number[]>;
  /** I/Os and span of the lat (or clat) log: fio's own IOPS. */
  ios: number;
  spanMs: number;
}

function logFiles(prefix: string, kind: string): string[] {
  const out: string[] = [];
  for (let n = 1; n <= MAX_LOG_FILES; n++) {
    const f = [`${prefix}_${kind}.${n}.log`, `${prefix}_${kind}.${n}.log.gz`].find(existsSync);
    if (!f) break;
    out.push(f);
  }
  return out;
}

async function readLog(file: string, onRow: (timeMs: number, latNs: number, offset: number) => void, diagnostics: DiagnosticsCollector): Promise<void> {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  let row = 0;
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(input as unknown as File, {
      dynamicTyping: false,
      skipEmptyLines: true,
      step: (r) => {
        row++;
        const d = r.data;
        const t = Number(d[0]);
        const lat = Number(d[1]);
        const off = Number(d[4]);
        if (!Number.isFinite(t) || !Number.isFinite(lat)) {
          diagnostics.add('malformed_line', row, `${file}: not a fio latency log row`, d.join(','));
          return;
        }
        onRow(t, lat, off);
      },
      complete: () => resolve(),
      error: (err: Error) => reject(err),
    });
  });
}

export async function readFioLogs(prefix: string, diagnostics: DiagnosticsCollector): Promise<FioLogs | null> {
  const logs: FioLogs['logs'] = {};
  const byOffset = new Map<number, number[]>();
  let indexed = 0;
  let ios = 0;
  let minT = Infinity;
  let maxT = -Infinity;
  let any = false;
  for (const kind of FIO_LOG_KINDS) {
    const files = logFiles(prefix, kind);
    if (files.length === 0) continue;
    any = true;
    const sk: QuantileSketch = createSketch();
    for (const f of files) {
      await readLog(
        f,
        (t, lat, off) => {
          sk.add(lat);
          if (kind === 'lat') {
            ios++;
            if (t < minT) minT = t;
            if (t > maxT) maxT = t;
            if (indexed < MAX_INDEXED && Number.isFinite(off)) {
              indexed++;
              const q = byOffset.get(off);
              if (q) q.push(lat);
              else byOffset.set(off, [lat]);
            }
          }
        },
        diagnostics,
      );
    }
    const s = summarizeSketch(sk);
    if (s) logs[kind] = { ...s, file: files.join(', ') };
  }
  if (!any) return null;
  return { prefix, logs, byOffset, ios, spanMs: Number.isFinite(maxT) ? maxT - minT : 0 };
}

/** Matches finished DIOs to fio's lat entries by offset, in order. */
export function createFioMatcher(logs: FioLogs): { onPath(p: IoPath): void; result(traceIops: number): FioCrossCheck } {
  let matched = 0;
  const diff = createSketch();
  return {
    onPath(p) {
      if (p.offset === undefined || !p.submit || !p.completion || p.mode === 'unresolved') return;
      const q = logs.byOffset.get(p.offset);
      const fioLat = q?.shift();
      if (fioLat === undefined) return;
      if (q && q.length === 0) logs.byOffset.delete(p.offset);
      matched++;
      const traceNs = p.completion.ts - p.submit.ts;
      diff.add(Math.max(0, fioLat - traceNs));
    },
    result(traceIops) {
      const comparison: string[] = [];
      const fioIops = logs.spanMs > 0 ? (logs.ios * MS_PER_S) / logs.spanMs : 0;
      if (fioIops > 0) comparison.push(`fio's lat log holds ${logs.ios} I/Os over ${logs.spanMs} ms: ${fioIops.toFixed(0)} IOPS (trace: ${traceIops.toFixed(0)} IOPS; fio's log has 1 ms resolution)`);
      if (matched > 0) {
        const d = summarizeSketch(diff);
        comparison.push(
          `${matched} I/Os matched by offset: fio's latency exceeds the trace's submit → completion by ${d?.p50.toFixed(1)} µs at the median (p99 ${d?.p99.toFixed(1)} µs): fio starts its clock when it queues the I/O and stops it when it reaps the event, so it adds its own queueing and reaping.`,
        );
      }
      return { prefix: logs.prefix, logs: logs.logs, matchedByOffset: matched, comparison };
    },
  };
}
