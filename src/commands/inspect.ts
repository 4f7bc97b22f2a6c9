import { inspectTrace, type Inspection } from '../inspect/inspect.js';
import { checkInputPath } from '../input/check.js';
import { NS_PER_MS, NS_PER_S } from '../model/time.js';
import { scopeLine } from '../parse/binary/perfdata/scope.js';
import { CliError, command, writeJson } from './common.js';
import { formatOption } from './options.js';

export interface InspectOptions {
  format?: string;
  json?: boolean;
  strict?: boolean;
}

export const runInspect = command(async (path: string, opts: InspectOptions): Promise<number> => {
  checkInputPath(path);
  const format = formatOption(opts.format);
  const r = await inspectTrace(path, { format, strict: opts.strict ?? false });
  if (r.events === 0) throw new CliError(`${path}: nothing to inspect: ${whyNothing(r, format)}`, 'unrecognised');
  const malformed = r.diagnostics.malformed_line ?? 0;
  if (format && r.looksLike !== null && r.looksLike !== format && malformed > r.events) {
    process.stderr.write(`iopath: warning: ${malformed} of ${r.lines} lines are not ${format} event lines; it looks like ${r.looksLike}: try --format ${r.looksLike}\n`);
  }
  // The Inspection is the JSON contract itself (schema iopath.inspect/1).
  if (opts.json) writeJson(r);
  else process.stdout.write(formatInspection(r));
  return 0;
});

/** One line saying why an input gave no events, with the format to try when one was forced wrongly. */
export function whyNothing(r: Inspection, forced: string | undefined): string {
  if (r.lines === 0) return 'the input is empty';
  const lines = r.gaveUp ? `the first ${r.lines} lines` : `its ${r.lines} lines`;
  if (forced) {
    const hint = r.looksLike !== null && r.looksLike !== forced ? `; it looks like ${r.looksLike}: try --format ${r.looksLike}` : '';
    return `none of ${lines} is a trace event in ${forced} format${hint}`;
  }
  const what = r.diagnostics.binary_data ? ' (it holds binary data)' : '';
  return `none of ${lines} is a trace event of ftrace, trace-cmd or perf script text${what}`;
}

export function formatInspection(r: Inspection): string {
  const out: string[] = [];
  const span = r.startNs !== null && r.endNs !== null ? `${(r.startNs / NS_PER_S).toFixed(6)} → ${(r.endNs / NS_PER_S).toFixed(6)} s (${((r.endNs - r.startNs) / NS_PER_MS).toFixed(3)} ms)` : 'none';
  out.push(`input     ${r.path}${r.gzip ? ' (gzip)' : ''}`);
  out.push(`format    ${r.format ?? 'unknown'}${r.detectedBy ? `  [${r.detectedBy}]` : ''}`);
  out.push(`lines     ${r.lines}   events ${r.events}   bytes ${r.bytes}`);
  out.push(`cpus      ${r.cpus.join(', ')}${r.cpusHeader !== null ? `  (header says ${r.cpusHeader})` : ''}`);
  out.push(`time      ${span}`);
  if (r.recording) out.push(`recorded  ${scopeLine(r.recording)}`);
  out.push('', 'events by name');
  const width = Math.max(...Object.keys(r.eventsByName).map((k) => k.length), 4);
  for (const [k, v] of Object.entries(r.eventsByName)) out.push(`  ${k.padEnd(width)}  ${String(v).padStart(9)}`);
  out.push('', r.diagnosticDetails.length === 0 ? 'diagnostics: none' : 'diagnostics');
  if (!r.payloadsParsed) out.push('  (event payloads were not parsed: payload diagnostics are not counted)');
  for (const d of r.diagnosticDetails) {
    out.push(`  ${d.code} (${d.severity}) × ${d.count}: ${d.description}`);
    for (const ex of d.examples.slice(0, 3)) out.push(`    line ${ex.line}: ${ex.message}${ex.text !== undefined ? `\n      ${ex.text}` : ''}`);
  }
  return `${out.join('\n')}\n`;
}
