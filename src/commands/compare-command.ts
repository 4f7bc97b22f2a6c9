import type { Command } from 'commander';
import { GATE_METRICS } from '../compare/gate.js';
import type { CompareCliOptions } from './compare.js';

/**
 * `iopath compare` as commander needs it before parsing argv: name, arguments, options, help. The
 * comparison (compare.ts and src/compare) is imported only when the command runs.
 */

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
      const { runCompare } = await import('./compare.js');
      const run = await runCompare([before, after].filter((x): x is string => x !== undefined), opts);
      process.exitCode = run.exitCode;
    });
}
