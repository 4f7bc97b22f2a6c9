import { createWriteStream, type WriteStream } from 'node:fs';
import Papa from 'papaparse';
import { phasesOf, unitRestarted, type IoPath, type IoUnit } from '../model/io.js';

/**
 * Per-I/O CSV, written as the I/Os finish (never held in memory). Cells are formula-escaped
 * (papaparse's escapeFormulae: a leading =, +, -, @, tab or CR gets a quote) since a task name is
 * anything a process chose to call itself and the file will be opened in spreadsheets.
 */

export const CSV_COLUMNS = [
  'id',
  'unit',
  'mode',
  'irq_context',
  'task_kind',
  'unresolved_reason',
  'evidence',
  'dir',
  'bytes',
  'dev',
  'ino',
  'offset',
  'sector',
  'submitter_pid',
  'submitter_comm',
  'submit_ns',
  'issue_ns',
  'device_complete_ns',
  'device_complete_cpu',
  'device_complete_ctx',
  'queue_work_ns',
  'kworker_waking_ns',
  'kworker_wakeup_ns',
  'kworker_switch_in_ns',
  'execute_start_ns',
  'execute_end_ns',
  'completion_ns',
  'completion_cpu',
  'completion_ctx',
  'completion_pid',
  'completion_comm',
  'work',
  'total_us',
  'device_us',
  'completion_us',
  'deferral_wait_us',
  'work_us',
  'submit_line',
  'completion_line',
] as const;

const us = (ns: number | undefined): string | number => (ns === undefined ? '' : ns / 1000);
const opt = <T>(v: T | undefined): T | string => (v === undefined ? '' : v);

export function csvRow(p: IoPath): (string | number)[] {
  const ph = phasesOf(p);
  return [
    p.id,
    p.unit,
    p.mode,
    opt(p.irqContext),
    opt(p.taskKind),
    opt(p.unresolvedReason),
    p.evidence,
    p.dir,
    p.bytes,
    opt(p.dev),
    opt(p.ino),
    opt(p.offset),
    opt(p.sector),
    opt(p.submitterPid),
    opt(p.submitterComm),
    opt(p.submit?.ts),
    opt(p.issue?.ts),
    opt(p.deviceComplete?.ts),
    opt(p.deviceComplete?.cpu),
    opt(p.deviceComplete?.ctx),
    opt(p.queueWork?.ts),
    opt(p.kworkerWaking?.ts),
    opt(p.kworkerWakeup?.ts),
    opt(p.kworkerSwitchIn?.ts),
    opt(p.executeStart?.ts),
    opt(p.executeEnd?.ts),
    opt(p.completion?.ts),
    opt(p.completion?.cpu),
    opt(p.completion?.ctx),
    opt(p.completion?.pid),
    opt(p.completion?.comm),
    opt(p.work),
    us(ph.total),
    us(ph.device),
    us(ph.completion),
    us(ph.deferralWait),
    us(ph.work),
    opt(p.submit?.line ?? p.issue?.line),
    opt(p.completion?.line),
  ];
}

export interface CsvWriter {
  write(p: IoPath): void;
  close(): Promise<void>;
}

const BATCH = 2000;

/**
 * What escapeFormulae: true tests, without its `.*$`: `.` stops at CR, LF, U+2028 and U+2029, so
 * `=1+1` followed by a line separator slipped through unescaped. Only the first character matters.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function createCsvWriter(path: string): CsvWriter {
  let out: WriteStream = createWriteStream(path);
  let rows: (string | number)[][] = [];
  let header = true;
  let failed: Error | undefined;
  out.on('error', (e) => (failed = e));
  let unit: IoUnit | undefined;
  // Set while the file is started again (an auto unit's switch to DIOs): rows wait in memory until
  // the old stream has closed, so none of its writes can land in the new file.
  let reopening: Promise<void> | undefined;
  const restart = (): void => {
    const old = out;
    rows = [];
    header = true;
    reopening = new Promise<void>((resolve) => old.end(() => resolve())).then(() => {
      if (failed) return;
      out = createWriteStream(path);
      out.on('error', (e) => (failed = e));
      reopening = undefined;
      flush();
    });
  };
  const flush = (): void => {
    if (reopening) return;
    if (rows.length === 0 && !header) return;
    const text = Papa.unparse({ fields: [...CSV_COLUMNS], data: rows }, { header, escapeFormulae: FORMULA_START, newline: '\n' });
    out.write(`${text}\n`);
    header = false;
    rows = [];
  };
  return {
    write(p) {
      if (unitRestarted(unit, p.unit)) restart();
      unit = p.unit;
      rows.push(csvRow(p));
      if (rows.length >= BATCH) flush();
    },
    async close() {
      await reopening;
      flush();
      return new Promise((resolve, reject) => {
        // end() hands its callback the stream's error (a failed last write) before the 'error'
        // event sets `failed`; after an earlier error it says only that the stream is destroyed.
        out.end((err?: Error | null) => (failed || err ? reject(failed ?? err) : resolve()));
      });
    },
  };
}
