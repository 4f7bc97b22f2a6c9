import { exportPerfetto } from '../report/perfetto-export.js';
import { checkInputPath } from '../input/check.js';
import { CliError, command } from './common.js';
import { formatOption, numberOption, unitOption } from './options.js';

/** `iopath export --perfetto out.json <trace>`: Chrome trace-event JSON for ui.perfetto.dev (the command's definition is in export-command.ts). */

export interface ExportCliOptions {
  perfetto?: string;
  format?: string;
  unit?: string;
  fromMs?: string;
  toMs?: string;
  strict?: boolean;
}

const msOption = (name: string, v: string | undefined): number | undefined => (v === undefined ? undefined : numberOption(name, v, (n) => n >= 0, 'a number of ms ≥ 0'));

/** Decimal megabytes, as the size is printed. */
const BYTES_PER_MB = 1e6;

export const runExport = command(async (trace: string, opts: ExportCliOptions): Promise<number> => {
  if (!opts.perfetto) throw new CliError('export: say what to write, e.g. --perfetto out.json');
  checkInputPath(trace);
  const format = formatOption(opts.format);
  const unit = unitOption(opts.unit);
  const fromMs = msOption('--from-ms', opts.fromMs);
  const toMs = msOption('--to-ms', opts.toMs);
  if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) throw new CliError('--to-ms must be after --from-ms');
  const r = await exportPerfetto(trace, opts.perfetto, { format, unit, strict: opts.strict ?? false, fromMs, toMs });
  if (r.analysis.input.events === 0) throw new CliError(`${trace}: nothing to export: no line of it is a trace event`);
  process.stdout.write(`iopath export: ${opts.perfetto} (${(r.bytes / BYTES_PER_MB).toFixed(1)} MB, ${r.events} events, ${r.ios} I/Os, ${r.flows} flows); open it in https://ui.perfetto.dev\n`);
  return 0;
});
