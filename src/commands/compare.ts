import type { Command } from 'commander';
import { compareAnalyses, evaluateGate, formatCompareText, gateFailure, GATE_METRICS, loadAnalysis, parseGate, type CompareResult, type GateOutcome } from '../compare/index.js';
import type { Analysis } from '../model/analysis.js';
import { writeCompareHtml } from '../report/html.js';
import { CliError, command, EXIT_OK, exitCodeOf, writeJson } from './common.js';
import { formatOption, unitOption } from './options.js';

/** `iopath compare`: option parsing and output only; the statistics live in src/compare. */

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

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

const GATE_HELP = [
  'exit 1 when METRIC got detectably worse (its interval or test at 95% rules out no change) by more than THRESHOLD (default 0); repeatable. Metrics:',
  ...GATE_METRICS.map((g) => `  ${g.name}: ${g.help}`),
  'A gate that cannot be decided (traces too short, phase absent) does not fail.',
].join('\n');

export function registerCompare(program: Command): Command {
  return program
    .command('compare')
    .description('did a change help? IOPS, completion modes, CPU and latency before vs after, with confidence intervals, tests and a verdict')
    .argument('[before]', 'trace (any format, .gz detected) or saved `analyze --json` result, before the change')
    .argument('[after]', 'the same, after the change')
    .option('--before <inputs...>', 'several runs before the change (traces or saved analyses)')
    .option('--after <inputs...>', 'several runs after the change')
    .option('--label-before <label>', 'name of the before side in the output', 'before')
    .option('--label-after <label>', 'name of the after side in the output', 'after')
    .option('--json', 'print the comparison as JSON (schema iopath.compare/1)')
    .option('--fail-on-regression <metric[:threshold]>', GATE_HELP, collect)
    .option('--html <file>', 'also write an HTML report (charts of both sides, the verdict, the intervals); with several runs per side it draws the first run of each')
    .option('--seed <seed>', 'seed of the bootstrap and permutation resampling (default 1): same inputs and seed, same numbers')
    .option('--format <format>', 'force the trace format: ftrace | trace-cmd | perf (default: detected)')
    .option('--unit <unit>', 'auto | dio | request: what one I/O is (default auto)', 'auto')
    .option('--strict', 'stop at the first malformed line or data loss with file:line and exit 1')
    .addHelpText(
      'after',
      `
Examples:
  iopath compare before.txt.gz after.txt.gz --label-before 5.10 --label-after patched
  iopath compare --before b1.json b2.json b3.json --after a1.json a2.json a3.json --fail-on-regression iops:2

IOPS: completions in 10 ms windows, circular block bootstrap of the windows (runs first when a side
has several): one run per side cannot separate run-to-run noise from the change.`,
    )
    .action(async (before: string | undefined, after: string | undefined, opts: CompareCliOptions) => {
      const run = await runCompare([before, after].filter((x): x is string => x !== undefined), opts);
      process.exitCode = run.exitCode;
    });
}
