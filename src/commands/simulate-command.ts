import type { Command } from 'commander';
import { describeParams } from '../sim/params.js';
import { POLICY_NAMES } from '../sim/policies/index.js';
import { PRESET_NAMES, PRESETS } from '../sim/presets.js';
import { STACK_PRESET_NAMES, STACK_PRESETS } from '../sim/stack/presets.js';
import { ALL_PRESET_NAMES, IO_ENGINES, RW_MODES } from './options.js';
import type { SimulateCliOptions } from './simulate.js';

/**
 * `iopath simulate` as commander needs it before parsing argv: name, options, help text (the
 * presets and model parameters come from their small data files). The simulator itself
 * (simulate.ts and src/sim) is imported only when the command runs.
 */

export function registerSimulate(program: Command): void {
  const presets = PRESET_NAMES.map((n) => `  ${n.padEnd(14)} ${PRESETS[n].description}`).join('\n');
  const stacks = STACK_PRESET_NAMES.map((n) => `  ${n.padEnd(14)} ${STACK_PRESETS[n].description}`).join('\n');
  program
    .command('simulate')
    .description('simulate fio + device + kernel completion path + scheduler and write the trace it would give, with ground truth')
    .option('--preset <name>', `start from a preset: ${ALL_PRESET_NAMES.join(', ')}`)
    .option('--kernel <policy>', `DIO completion policy: ${POLICY_NAMES.join(', ')}`)
    .option('--engine <engine>', `fio ioengine: ${IO_ENGINES.join(', ')}`)
    .option('--rw <mode>', `fio rw: ${RW_MODES.join(', ')}`)
    .option('--iodepth <n>', 'I/Os in flight')
    .option('--bs <size>', 'block size (4096, 4k, 1m)')
    .option('--ios <n>', 'number of I/Os')
    .option('--duration <seconds>', 'simulated seconds instead of a number of I/Os')
    .option('--submit-cpu <cpu>', 'CPU fio is pinned to')
    .option('--irq-cpu <cpu>', 'CPU the device interrupt goes to')
    .option('--seed <n>', 'random seed (same seed and options: byte-identical output)', '1')
    .option('--format <format>', 'trace format: ftrace | trace-cmd | perf', 'ftrace')
    .option('-o, --output <file>', 'trace output file, or - for stdout (default: stdout; none with --json)')
    .option('--truth <file>', 'write per-I/O ground truth: CSV, or JSON lines when the name ends in .jsonl')
    .option('--json', 'print the run figures as JSON (schema iopath.simulation/1) instead of a trace')
    .addHelpText('after', `\nPresets:\n${presets}\n\nStorage-stack presets (several device layers; --truth writes per-layer JSON lines, --ios counts per job,\n--rw sets the read share, --submit-cpu the first job's CPU; --kernel, --engine and --duration do not apply):\n${stacks}\n\nModel parameters (name=default  reason); presets and options override them:\n${describeParams()}\n`)
    .action(async (opts: SimulateCliOptions) => {
      const { runSimulate } = await import('./simulate.js');
      process.exitCode = await runSimulate(opts);
    });
}
