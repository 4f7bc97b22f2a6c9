#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ANALYSIS_SCHEMA } from './model/analysis.js';
import { endQuietlyOnClosedStdout, EXIT_USAGE, toCliError } from './commands/common.js';
import { registerSimulate } from './commands/simulate-command.js';
import { registerReport } from './commands/report-command.js';
import { registerExport } from './commands/export-command.js';
import { registerCapture } from './commands/capture-command.js';
import { registerCompare } from './commands/compare-command.js';
import { registerCalibrate } from './commands/calibrate-command.js';
import { registerWhatif } from './commands/whatif-command.js';
import { registerSql } from './commands/sql-command.js';
import { boundHeapGrowth } from './input/heap-growth.js';

/**
 * commander wiring only: each command parses its options and calls the library. commander needs
 * every command's name, options and help before it parses argv, so those are defined up front
 * from small data files (the *-command.ts files); a command's body, and the code it runs, is
 * imported in its action. `--version`, `--help` and a usage error load none of it, and a command
 * loads only its own (test/cli/startup-imports.test.ts keeps it so).
 */

boundHeapGrowth();

const program = new Command();
program
  .name('iopath')
  .description('Explains where Linux block I/O completions run (IRQ, kworker, task) and what that costs.')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride()
  .option('--kallsyms <file>', "perf.data input: /proc/kallsyms of the boot it was recorded on, to name work functions (default: named from their workqueue)")
  // Before every command, with or without the option: without it, useKallsyms clears what a parent
  // process left in the environment for the parsing thread. The perf.data reader loads only then.
  .hook('preAction', async (cmd) => (await import('./parse/binary/perfdata/reader.js')).useKallsyms(cmd.opts().kallsyms as string | undefined));

program
  .command('inspect')
  .description('census of a trace: format, lines, events by name, CPUs, time span, diagnostics')
  .argument('<trace>', 'trace file (ftrace, trace-cmd report or perf script text; .gz is detected), or - for stdin')
  .option('--format <format>', 'force the input format: ftrace | trace-cmd | perf (default: detected)')
  .option('--json', 'print machine-readable JSON (schema iopath.inspect/1)')
  .option('--strict', 'stop at the first malformed line or data loss with file:line and exit 1')
  .action(async (trace: string, opts) => {
    const { runInspect } = await import('./commands/inspect.js');
    process.exitCode = await runInspect(trace, opts);
  });

program
  .command('analyze')
  .description("rebuild every I/O's completion path, classify where it completed, attribute latency and CPU time")
  .argument('<trace...>', 'trace files (ftrace, trace-cmd report or perf script text; .gz is detected), or - for stdin; several: a fleet summary')
  .option('--format <format>', 'force the input format: ftrace | trace-cmd | perf (default: detected)')
  .option('--unit <unit>', 'auto | dio | request: what one I/O is (default auto: DIOs when iomap events exist)', 'auto')
  .option('--parquet <dir>', 'write the tables (docs/tables.md) as Parquet under DIR/<table>/trace=<name>/')
  .option('--json', `print the analysis as JSON (schema ${ANALYSIS_SCHEMA})`)
  .option('--csv <file>', 'write one CSV row per I/O (formula-escaped)')
  .option('--fio-log <prefix>', "cross-check with fio's latency logs PREFIX_{lat,clat,slat}.N.log[.gz]")
  .option('--strict', 'stop at the first malformed line or data loss with file:line and exit 1')
  .action(async (traces: string[], opts) => {
    // A large input's decoding thread starts while the analyzer's code loads.
    if (traces.length === 1 && opts.parquet === undefined) await (await import('./commands/prestart.js')).prestartDecoding(traces[0] as string, opts);
    const { runAnalyze } = await import('./commands/analyze.js');
    process.exitCode = await runAnalyze(traces, opts);
  });

registerSimulate(program);
registerCompare(program);
registerReport(program);
registerExport(program);
registerCapture(program);
registerCalibrate(program);
registerWhatif(program);
registerSql(program);

program
  .command('demo')
  .description('run iopath on the bundled real capture (what `npm start` does)')
  .action(async () => {
    const { runDemo } = await import('./commands/demo.js');
    process.exitCode = await runDemo();
  });

async function main(): Promise<void> {
  endQuietlyOnClosedStdout();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    const e = toCliError(err);
    process.stderr.write(`iopath: ${e.message}\n`);
    process.exitCode = e.exitCode;
  }
}

await main();
