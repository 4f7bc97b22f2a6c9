import type { Command } from 'commander';
import { POLICY_NAMES } from '../sim/policies/index.js';
import { RW_MODES } from './options.js';
import type { WhatifCliOptions } from './whatif.js';

/** `iopath whatif` as commander needs it before parsing argv; the calibration and the simulator are imported when the command runs. */

export function registerWhatif(program: Command): void {
  program
    .command('whatif')
    .description('simulate the calibrated machine under its current and a changed setting: predicted IOPS, completion modes, CPU shares and latencies, with the change and its spread')
    .argument('<input>', 'a model from `iopath calibrate -o`, or a trace to calibrate first')
    .option('--kernel <policy>', `completion policy to predict: ${POLICY_NAMES.join(', ')}`)
    .option('--submit-cpu <cpu>', 'CPU the submitter runs on')
    .option('--irq-cpu <cpu>', 'CPU the device interrupt goes to')
    .option('--iodepth <n>', 'I/Os the submitter keeps in flight')
    .option('--rw <mode>', `direction and pattern: ${RW_MODES.join(', ')}`)
    .option('--seeds <n>', 'paired runs per side (default 5)')
    .option('--ios <n>', 'I/Os per run (default: the trace\'s, at most 20000)')
    .option('--seed <n>', 'first seed (default 1)')
    .option('--format <format>', 'force the trace format when calibrating: ftrace | trace-cmd | perf')
    .option('--json', 'print the prediction as JSON (schema iopath.whatif/1)')
    .option('--html <file>', 'write a compare report of one simulated run per side')
    .action(async (input: string, opts: WhatifCliOptions) => {
      const { runWhatif } = await import('./whatif.js');
      process.exitCode = await runWhatif(input, opts);
    });
}
