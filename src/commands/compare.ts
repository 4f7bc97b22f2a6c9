import { compareAnalyses, evaluateGate, formatCompareText, gateFailure, loadAnalysis, parseGate, type CompareResult, type GateOutcome } from '../compare/index.js';
import type { Analysis } from '../model/analysis.js';
import { CliError, command, EXIT_OK, exitCodeOf, writeJson } from './common.js';
import { formatOption, unitOption } from './options.js';

/** `iopath compare`: option parsing and output only; the statistics live in src/compare, the command's definition in compare-command.ts. */

export interface CompareCliOptions {
  before?: string[];
  after?: string[];
  labelBefore?: string;
  labelAfter?: string;
  json?: boolean;
  failOnRegression?: string[];
  seed?: string;
  format?: string;
  unit?: string;
  strict?: boolean;
  html?: string;
}

export interface CompareRun {
  result: CompareResult;
  gates: GateOutcome[];
  exitCode: number;
}

function sides(positional: string[], opts: CompareCliOptions): { before: string[]; after: string[] } {
  const before = opts.before ?? [];
  const after = opts.after ?? [];
  if (positional.length > 0 && (before.length > 0 || after.length > 0)) throw new CliError('give either <before> <after> or --before … --after …, not both');
  if (positional.length === 1) throw new CliError('compare needs two inputs: <before> <after> (or --before A1 A2 … --after B1 B2 …)');
  if (positional.length === 2) return { before: [positional[0]!], after: [positional[1]!] };
  if (before.length === 0 || after.length === 0) throw new CliError('compare needs inputs on both sides: <before> <after>, or --before A1 A2 … --after B1 B2 …');
  return { before, after };
}

function parseSeed(v: string | undefined): number | string {
  if (v === undefined) return 1;
  return /^-?\d+$/.test(v) ? Number(v) : v;
}

/** Runs the command and returns its exit status (no process-wide side effects beyond stdout/stderr). */
export const runCompare = command(async (positional: string[], opts: CompareCliOptions): Promise<CompareRun> => {
  const { before, after } = sides(positional, opts);
  if ([...before, ...after].filter((p) => p === '-').length > 1) throw new CliError('stdin (-) can be only one of the inputs');
  const gates = (opts.failOnRegression ?? []).map(parseGate);
  const format = formatOption(opts.format);
  const unit = unitOption(opts.unit);
  const load = async (paths: string[]): Promise<Analysis[]> => {
    const out: Analysis[] = [];
    // One at a time: each analysis streams its trace, and memory should follow one trace, not all.
    for (const p of paths) out.push(await loadAnalysis(p, { format, unit, strict: opts.strict ?? false }));
    return out;
  };
  const a = await load(before);
  const b = await load(after);
  const result = compareAnalyses(a, b, { labelBefore: opts.labelBefore, labelAfter: opts.labelAfter, seed: parseSeed(opts.seed) });
  if (opts.json) writeJson(result);
  else process.stdout.write(formatCompareText(result));
  if (opts.html) {
    // The report draws one analysis per side (the first run); its numbers and verdict are the pooled comparison's.
    // Its charts (vega-lite) are loaded only here, when one is drawn.
    const { writeCompareHtml } = await import('../report/html.js');
    writeCompareHtml(a[0]!, b[0]!, result, opts.html, { labels: { before: result.before.label, after: result.after.label }, command: commandLine(before, after, opts) });
    if (!opts.json) process.stdout.write(`\nHTML report: ${opts.html}\n`);
  }
  const outcomes = gates.map((g) => evaluateGate(result, g));
  for (const o of outcomes) process.stderr.write(`iopath: ${o.status === 'regressed' ? 'REGRESSION' : o.status}: ${o.gate.spec}: ${o.message}\n`);
  const failure = gateFailure(outcomes);
  return { result, gates: outcomes, exitCode: failure ? exitCodeOf(failure.kind) : EXIT_OK };
});

/** The command line that reproduces this comparison (for the HTML report). */
function commandLine(before: string[], after: string[], o: CompareCliOptions): string {
  const q = (x: string): string => (/^[\w./:@%+=,-]+$/.test(x) ? x : `'${x.replace(/'/g, `'\\''`)}'`);
  const parts = ['iopath', 'compare'];
  if (before.length === 1 && after.length === 1) parts.push(q(before[0]!), q(after[0]!));
  else parts.push('--before', ...before.map(q), '--after', ...after.map(q));
  if (o.labelBefore && o.labelBefore !== 'before') parts.push('--label-before', q(o.labelBefore));
  if (o.labelAfter && o.labelAfter !== 'after') parts.push('--label-after', q(o.labelAfter));
  if (o.seed !== undefined) parts.push('--seed', q(o.seed));
  if (o.format) parts.push('--format', o.format);
  if (o.unit && o.unit !== 'auto') parts.push('--unit', o.unit);
  if (o.html) parts.push('--html', q(o.html));
  return parts.join(' ');
}
