import type { Tracefs } from './tracefs.js';

/**
 * Ring-buffer loss, from `per_cpu/cpuN/stats`. `overrun` counts events overwritten before they were
 * read (overwrite mode: the start of the trace is lost), `dropped events` those refused because
 * the buffer was full (no-overwrite mode: the end is lost), `commit overrun` those lost to nested
 * writes. The counters are read before tracing starts and after it stops, and compared.
 */

export interface CpuStats {
  overrun: number;
  commitOverrun: number;
  dropped: number;
  entries: number;
  /** Events consumed by readers of trace_pipe(_raw) since the buffer was cleared. */
  read: number;
}

export interface CpuLoss {
  cpu: number;
  overrun: number;
  commitOverrun: number;
  dropped: number;
  /** All three together. */
  lost: number;
}

function field(text: string, name: string): number {
  const m = new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** Parses one `per_cpu/cpuN/stats` file; absent fields count 0. */
export function parseCpuStats(text: string): CpuStats {
  return { overrun: field(text, 'overrun'), commitOverrun: field(text, 'commit overrun'), dropped: field(text, 'dropped events'), entries: field(text, 'entries'), read: field(text, 'read events') };
}

export function readAllStats(tfs: Tracefs): Map<number, CpuStats> {
  const out = new Map<number, CpuStats>();
  for (const cpu of tfs.cpus()) {
    const rel = `per_cpu/cpu${cpu}/stats`;
    if (tfs.exists(rel)) out.set(cpu, parseCpuStats(tfs.read(rel)));
  }
  return out;
}

/** How much a counter grew; one that went down (the buffer was reset) counts from zero. */
export function grown(after: number, before: number | undefined): number {
  return before !== undefined && after >= before ? after - before : after;
}

/** CPUs whose counters grew. */
export function lossBetween(before: Map<number, CpuStats>, after: Map<number, CpuStats>): CpuLoss[] {
  const out: CpuLoss[] = [];
  for (const [cpu, a] of after) {
    const b = before.get(cpu);
    const overrun = grown(a.overrun, b?.overrun);
    const commitOverrun = grown(a.commitOverrun, b?.commitOverrun);
    const dropped = grown(a.dropped, b?.dropped);
    const lost = overrun + commitOverrun + dropped;
    if (lost > 0) out.push({ cpu, overrun, commitOverrun, dropped, lost });
  }
  return out.sort((x, y) => x.cpu - y.cpu);
}

/** The warning printed after a capture that lost events (empty when nothing was lost). */
export function formatLossWarning(loss: readonly CpuLoss[], bufferKb: number): string[] {
  if (loss.length === 0) return [];
  const perCpu = loss.map((l) => {
    const parts = [`overrun ${l.overrun}`, `dropped ${l.dropped}`];
    if (l.commitOverrun > 0) parts.push(`commit overrun ${l.commitOverrun}`);
    return `cpu${l.cpu} lost ${l.lost} events (${parts.join(', ')})`;
  });
  return [
    `warning: the ring buffer overflowed: ${perCpu.join('; ')}.`,
    'warning: the trace has gaps; iopath will mark the I/Os in flight across them unresolved (lost_events) instead of guessing their path.',
    `warning: capture again with a larger --buffer-kb (this run: ${bufferKb} KB per CPU) or a shorter command.`,
  ];
}
