import type { Command } from 'commander';
import type { CaptureDeps } from '../capture/capture.js';
import { EVENT_SET_NAMES, EVENT_SETS, type EventSetName } from '../capture/events.js';
import { DEFAULT_TRACEFS } from '../capture/tracefs.js';
import type { CaptureCliOptions } from './capture.js';

/** `iopath capture` as commander needs it before parsing argv; the capture itself is imported when the command runs. */

export function registerCapture(program: Command, deps: Partial<CaptureDeps> = {}): void {
  // Each set as what it adds to the one before, so the help stays short.
  const names = (evs: readonly string[]): string => evs.map((e) => e.split(':')[1]).join(' ');
  const added = (n: EventSetName, base: EventSetName): string => `${base} + ${names(EVENT_SETS[n].filter((e) => !EVENT_SETS[base].includes(e)))}`;
  const sets = [
    `  minimal (${EVENT_SETS.minimal.length}) ${names(EVENT_SETS.minimal)}`,
    `  default (${EVENT_SETS.default.length}) ${added('default', 'minimal')}`,
    `  full    (${EVENT_SETS.full.length}) ${added('full', 'default')}`,
    `  stack   (${EVENT_SETS.stack.length}) ${added('stack', 'default')}`,
  ].join('\n');
  program
    .command('capture')
    .description('trace a command with the events iopath needs (root), save the trace, and put tracefs back as it was')
    .argument('<command...>', 'the command to trace, after -- (e.g. -- fio --name=t ...)')
    .requiredOption('-o, --output <file>', 'trace file to write (gzipped when it ends in .gz)')
    .option('--events <set>', `event set: ${EVENT_SET_NAMES.join(' | ')}`, 'default')
    .option('--buffer-kb <n>', 'ring buffer size per CPU in KB (default 262144, 16384 for dat, capped at a quarter of available memory)')
    .option('--format <format>', 'dat (trace.dat from the raw ring buffer, read while the command runs; no trace-cmd needed) | ftrace (the tracefs trace file) | trace-cmd (trace-cmd extract + report); default: ftrace when -o ends in .txt or .gz, else dat')
    .option('--tracefs <dir>', 'tracefs directory (mounted there when it is not)', DEFAULT_TRACEFS)
    .option('--top-level', "trace into the top-level ring buffer (clearing it) instead of a tracefs instance of the capture's own")
    .addHelpText(
      'after',
      `\nEvent sets (events this kernel lacks are skipped with a warning):\n${sets}\n\n` +
        'The capture traces into a tracefs instance of its own (instances/iopath-<pid>), removed afterwards:\n' +
        "the top-level buffer, and other users' tracing in it, are left alone. With --top-level, every\n" +
        'tracefs setting changed is put back afterwards. Either way also when the command fails or on Ctrl-C\n' +
        '(forwarded to the command; the trace so far is saved; a second Ctrl-C skips saving).\n' +
        'Exit status: 0 ok; 1 the command failed (trace saved) or tracefs could not be fully restored;\n' +
        '2 refused (not root, no tracefs, no such command) or the command could not start; 130/143 on SIGINT/SIGTERM.\n',
    )
    .action(async (command: string[], opts: CaptureCliOptions) => {
      const { runCapture } = await import('./capture.js');
      process.exitCode = await runCapture(command, opts, deps);
    });
}
