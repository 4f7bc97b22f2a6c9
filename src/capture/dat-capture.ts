import { readDatMeta } from './dat-meta.js';
import { saveDat, type CpuWritten } from './dat-save.js';
import { grown, type CpuStats } from './overruns.js';
import { startRawRecorder, type RawRecorder } from './raw-recorder.js';
import type { PageLayout } from './ring-page.js';
import type { SaveOptions, SaveResult } from './save.js';
import type { Tracefs } from './tracefs.js';

/**
 * `capture --format dat` from start to file: the recorder starts before tracing does, stops after
 * it (draining the rest), and the trace.dat is written from its pages and the metadata read then.
 * The pages wait in temporary files beside the output (the user chose that disk for the trace;
 * /tmp may be memory), one per CPU, removed whatever happens.
 */

export interface DatRecording {
  recorder: RawRecorder;
  layout: PageLayout;
}

export function datTempPath(output: string, cpu: number): string {
  return `${output}.cpu${cpu}.partial-${process.pid}`;
}

export function startDatRecording(tfs: Tracefs, cpus: readonly number[], layout: PageLayout, output: string, bufferKb: number): DatRecording {
  const recorder = startRawRecorder(tfs, cpus, { layout, bufferKb, tempPath: (cpu) => datTempPath(output, cpu) });
  return { recorder, layout };
}

export interface DatSaved extends SaveResult {
  cpus: CpuWritten[];
  /** Why kallsyms was left out, when it was. */
  kallsymsWarning?: string;
}

/**
 * kallsyms as stored: left out when the kernel hides its addresses (kptr_restrict=2, or a reader
 * without CAP_SYSLOG sees `0000000000000000 T _stext`), since every `%ps` would then resolve to
 * whatever symbol sorts last at address 0 instead of printing the address.
 */
export function usableKallsyms(kallsyms: Buffer): { kallsyms: Buffer; warning?: string } {
  const head = kallsyms.toString('latin1', 0, Math.min(kallsyms.length, 64 << 10)).split('\n').filter((l) => l !== '');
  if (head.length === 0) return { kallsyms, warning: 'no /proc/kallsyms: work functions will show as addresses' };
  if (head.every((l) => /^0+ /.test(l)))
    return { kallsyms: Buffer.alloc(0), warning: '/proc/kallsyms hides its addresses (kptr_restrict): left out, so work functions will show as addresses' };
  return { kallsyms };
}

export interface FinishDatOptions extends SaveOptions {
  output: string;
  events: readonly string[];
  cpus: readonly number[];
  kallsyms: Buffer;
}

/** Drains the buffer (tracing is off), reads the metadata and writes the file. */
export async function finishDatRecording(tfs: Tracefs, rec: DatRecording, o: FinishDatOptions): Promise<DatSaved> {
  const recordings = await rec.recorder.stop();
  const { kallsyms, warning } = usableKallsyms(o.kallsyms);
  const meta = readDatMeta(tfs, { layout: rec.layout, events: o.events, cpus: o.cpus, kallsyms });
  const saved = await saveDat(o.output, meta, rec.layout, recordings, o.signal ? { signal: o.signal } : {});
  return { bytes: saved.bytes, textBytes: 0, gzip: false, cpus: saved.cpus, ...(warning ? { kallsymsWarning: warning } : {}) };
}

/**
 * What the file holds per CPU, held against the kernel's own count of events read from each buffer
 * (`read events` grows by every event a trace_pipe_raw read hands out); loss flags in the pages.
 */
export function describeDat(written: readonly CpuWritten[], before: Map<number, CpuStats>, after: Map<number, CpuStats>): string[] {
  const lines: string[] = [];
  const events = written.reduce((n, w) => n + w.events, 0);
  const pages = written.reduce((n, w) => n + w.pages, 0);
  lines.push(`trace.dat v6: ${events} events in ${pages} pages (${written.map((w) => `cpu${w.cpu} ${w.events}`).join(', ')})`);
  for (const w of written) {
    const a = after.get(w.cpu);
    if (a === undefined) continue;
    const kernel = grown(a.read, before.get(w.cpu)?.read);
    if (kernel !== w.events) lines.push(`warning: cpu${w.cpu}: the kernel handed out ${kernel} events but the file holds ${w.events}`);
  }
  for (const w of written.filter((x) => x.lostPages > 0)) {
    lines.push(`warning: cpu${w.cpu}: ${w.lostPages} pages follow lost events${w.lostEvents > 0 ? ` (${w.lostEvents} events counted by the kernel)` : ''}: the reader fell behind`);
  }
  return lines;
}

/** The cost of reading the buffer while the command ran: this process does nothing else then. */
export function describeReading(cpu: NodeJS.CpuUsage, durationMs: number, threaded: boolean): string {
  const ms = (cpu.user + cpu.system) / 1000;
  const share = durationMs > 0 ? ` (${((100 * ms) / durationMs).toFixed(1)}% of one CPU)` : '';
  return `reading the ring buffer (${threaded ? 'on its own thread' : 'on the main thread'}) while the command ran took ${ms.toFixed(0)} ms of CPU${share}`;
}
