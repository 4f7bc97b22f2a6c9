import Papa from 'papaparse';
import type { Io } from './types.js';

/**
 * Per-I/O ground truth: the true completion mode, the context of an irq-inline completion, the
 * policy's reason, and the trace-clock time (ns) of every stage, empty when the stage did not
 * happen for that I/O. Rows are written as the I/Os finish, so memory stays bounded.
 */

const TRUTH_COLUMNS = [
  'id',
  'op',
  'offset',
  'sector',
  'mode',
  'irq_ctx',
  'reason',
  'submit_cpu',
  'complete_cpu',
  'submit_ns',
  'issue_ns',
  'device_complete_ns',
  'irq_ns',
  'block_complete_ns',
  'queue_work_ns',
  'kworker_wakeup_ns',
  'kworker_switch_in_ns',
  'execute_start_ns',
  'execute_end_ns',
  'completion_ns',
  'reap_ns',
] as const;

export type TruthColumn = (typeof TRUTH_COLUMNS)[number];
export type TruthRow = Record<TruthColumn, string | number | null>;
export type TruthFormat = 'csv' | 'jsonl';

export function truthRow(io: Io, startNs: number): TruthRow {
  const t = (v: number): number | null => (v < 0 ? null : v + startNs);
  return {
    id: io.id,
    op: io.write ? 'write' : 'read',
    offset: io.offset,
    sector: io.sector,
    mode: io.mode,
    irq_ctx: io.irqCtx === '' ? null : io.irqCtx,
    reason: io.reason,
    submit_cpu: io.submitCpu,
    complete_cpu: io.completeCpu,
    submit_ns: t(io.tSubmit),
    issue_ns: t(io.tIssue),
    device_complete_ns: t(io.tDevice),
    irq_ns: t(io.tIrq),
    block_complete_ns: t(io.tBlockComplete),
    queue_work_ns: t(io.tQueueWork),
    kworker_wakeup_ns: t(io.tWakeup),
    kworker_switch_in_ns: t(io.tSwitchIn),
    execute_start_ns: t(io.tExecStart),
    execute_end_ns: t(io.tExecEnd),
    completion_ns: t(io.tComplete),
    reap_ns: t(io.tReap),
  };
}

export interface TruthWriter {
  add(row: TruthRow): void;
  /** Text of the rows added since the last call (with the CSV header the first time). */
  take(): string;
}

export function createTruthWriter(format: TruthFormat): TruthWriter {
  let rows: TruthRow[] = [];
  let headerDone = false;
  return {
    add(row) {
      rows.push(row);
    },
    take() {
      if (format === 'jsonl') {
        const s = rows.map((r) => JSON.stringify(r)).join('\n');
        const out = rows.length > 0 ? `${s}\n` : '';
        rows = [];
        return out;
      }
      if (rows.length === 0 && headerDone) return '';
      const text = Papa.unparse(
        { fields: [...TRUTH_COLUMNS], data: rows.map((r) => TRUTH_COLUMNS.map((c) => r[c] ?? '')) },
        { header: !headerDone, newline: '\n', escapeFormulae: true },
      );
      headerDone = true;
      rows = [];
      return text.length > 0 ? `${text}\n` : '';
    },
  };
}

/** Reads a truth file's text back into rows (for tests and the analyzer's checks). */
export function parseTruth(text: string, format: TruthFormat): TruthRow[] {
  if (format === 'jsonl') return text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as TruthRow);
  const r = Papa.parse<Record<string, string>>(text.trim(), { header: true, skipEmptyLines: true });
  return r.data.map((rec) => {
    const row = {} as TruthRow;
    for (const c of TRUTH_COLUMNS) {
      const v = rec[c] ?? '';
      row[c] = v === '' ? null : /^-?\d+$/.test(v) ? Number(v) : v;
    }
    return row;
  });
}
