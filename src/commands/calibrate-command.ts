import type { Command } from 'commander';
import type { CalibrateCliOptions } from './calibrate.js';

/** `iopath calibrate` as commander needs it before parsing argv; the calibration is imported when the command runs. */

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description("measure the simulator's parameters in a real trace: each value with its samples; what the trace cannot show keeps its documented default")
    .argument('<trace>', 'trace file (ftrace, trace-cmd report or perf script text, trace.dat, perf.data or a perf record --threads directory; .gz is detected); read twice, so not stdin')
    .option('-o, --output <file>', 'write the model (schema iopath.model/1) for `iopath whatif`')
    .option('--format <format>', 'force the input format: ftrace | trace-cmd | perf (default: detected)')
    .option('--iodepth <n>', "fio's iodepth, when known (the trace shows it only when fio blocked with a full queue)")
    .option('--json', 'print the model as JSON instead of the summary')
    .option('--verbose', 'print every formula and reason in full')
    .action(async (trace: string, opts: CalibrateCliOptions) => {
      const { runCalibrate } = await import('./calibrate.js');
      process.exitCode = await runCalibrate(trace, opts);
    });
}
