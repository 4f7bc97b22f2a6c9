import type { DiagnosticSummary } from '../../src/model/diagnostics.js';
import type { TraceEvent } from '../../src/model/events.js';
import { NS_PER_S } from '../../src/model/time.js';

/**
 * A compact, reviewable text rendering of parsed events, one per line, used for the goldens next
 * to the fixtures:
 *
 *   `  14 505.577138000 [1] "bash" 7881 ..s..:softirq  softirq_entry vec=9 action="RCU"`
 *
 * i.e. input line, timestamp (s, 9 decimals), [cpu], "comm", pid, (tgid), flags:ctx, then the
 * event and every payload field in the parser's order. Strings are JSON-quoted so spaces, empty
 * strings and odd characters are visible; a device prints as major,minor.
 */

const HEADER_KEYS = new Set(['kind', 'line', 'ts', 'cpu', 'pid', 'comm', 'tgid', 'flags', 'ctx']);

function value(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v !== null && typeof v === 'object' && 'major' in v && 'minor' in v) return `${(v as { major: number }).major},${(v as { minor: number }).minor}`;
  return JSON.stringify(v);
}

/** `505.577138000`: seconds with all nine decimals. */
function seconds(ns: number): string {
  const sec = Math.floor(ns / NS_PER_S);
  return `${sec}.${String(ns - sec * NS_PER_S).padStart(9, '0')}`;
}

export function renderEvent(e: TraceEvent): string {
  const parts: string[] = [String(e.line).padStart(5), seconds(e.ts), `[${e.cpu}]`, JSON.stringify(e.comm), String(e.pid)];
  if (e.tgid !== undefined) parts.push(`(${e.tgid})`);
  if (e.flags !== undefined || e.ctx !== undefined) parts.push(`${e.flags ?? ''}:${e.ctx ?? ''}`);
  parts.push(` ${e.kind}`);
  for (const [k, v] of Object.entries(e)) {
    if (HEADER_KEYS.has(k) || v === undefined) continue;
    parts.push(`${k}=${value(v)}`);
  }
  return parts.join(' ');
}

export function renderDiagnostics(ds: readonly DiagnosticSummary[]): string[] {
  const out: string[] = [];
  for (const d of ds) {
    out.push(`# ${d.code} (${d.severity}) x ${d.count}`);
    for (const ex of d.examples) out.push(`#   line ${ex.line}: ${ex.message}`);
  }
  return out;
}
