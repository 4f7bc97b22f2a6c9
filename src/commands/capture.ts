import { constants } from 'node:os';
import type { Command } from 'commander';
import { CAPTURE_FORMATS, captureTrace, formatForOutput, SYSTEM_DEPS, type CaptureDeps, type CaptureFormat, type CaptureResult } from '../capture/capture.js';
import { CaptureRefusal } from '../capture/errors.js';
import { EVENT_SET_NAMES, EVENT_SETS, type EventSetName } from '../capture/events.js';
import { RestoreJournal } from '../capture/journal.js';
import { DEFAULT_TRACEFS } from '../capture/tracefs.js';
import { CliError, command, EXIT_FAIL, EXIT_OK, EXIT_USAGE } from './common.js';
import { enumOption, intOption } from './options.js';

/** `iopath capture -o FILE [...] -- COMMAND…`: option parsing, signals and exit codes; the work is in src/capture. */

export interface CaptureCliOptions {
  output: string;
  events?: string;
  bufferKb?: string;
  format?: string;
  tracefs?: string;
  topLevel?: boolean;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** 128 + the signal's number, as shells report a death by that signal: SIGINT 130, SIGTERM 143. */
export function signalExitCode(sig: NodeJS.Signals): number {
  return 128 + (constants.signals[sig] ?? 15);
}

export function parseCaptureOptions(o: CaptureCliOptions): { events: EventSetName; bufferKb?: number; format: CaptureFormat } {
  const events = enumOption('--events', o.events ?? 'default', EVENT_SET_NAMES);
  const format = enumOption('--format', o.format ?? formatForOutput(o.output), CAPTURE_FORMATS);
  const bufferKb = intOption('--buffer-kb', o.bufferKb, 1, 'a whole number of KB ≥ 1');
  return { events, format, ...(bufferKb !== undefined ? { bufferKb } : {}) };
}

/** The exit code of a capture that ran (refusals throw a CliError instead). */
export function captureExitCode(r: CaptureResult): number {
  if (r.interrupted) return signalExitCode(r.interrupted);
  if (r.error || r.restore.errors.length > 0) return EXIT_FAIL;
  if (r.command?.kind === 'spawn-failed') return EXIT_USAGE;
  if (r.command && (r.command.code !== 0 || r.command.signal !== null)) return EXIT_FAIL;
  return EXIT_OK;
}

export const runCapture = command(async (cmd: readonly string[], o: CaptureCliOptions, deps: Partial<CaptureDeps> = {}): Promise<number> => {
  const parsed = parseCaptureOptions(o);
  const d: CaptureDeps = { ...SYSTEM_DEPS, ...deps };
  // First signal: stop the command (forwarded to it), save what was traced, restore. Second:
  // give up saving. Later ones are ignored, so that nothing interrupts the restore itself.
  const interrupt = new AbortController();
  const abandon = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (!interrupt.signal.aborted) interrupt.abort(sig);
    else if (!abandon.signal.aborted) abandon.abort(sig);
  };
  const handlers = SIGNALS.map((sig) => [sig, () => onSignal(sig)] as const);
  for (const [sig, h] of handlers) process.on(sig, h);
  // Backstop for a crash that escapes every finally: 'exit' handlers also run after an uncaught
  // exception, and the journal's undo steps are synchronous.
  const journal = new RestoreJournal();
  const onExit = (): void => void journal.restore();
  process.on('exit', onExit);
  // A closed terminal (SIGHUP) makes stderr writes fail; that must not abort the restore.
  const ignore = (): void => {};
  process.stderr.on('error', ignore);
  try {
    const result = await captureTrace(
      { output: o.output, command: cmd, root: o.tracefs ?? DEFAULT_TRACEFS, ...parsed, signal: interrupt.signal, abandon: abandon.signal, journal, topLevel: o.topLevel === true },
      d,
    );
    if (result.error) throw new CliError(`capture: ${result.error.message}`, 'failed');
    const code = captureExitCode(result);
    if (result.saved && result.command?.kind === 'exited' && !result.interrupted && code !== EXIT_OK) d.log('the command failed; the trace was saved anyway');
    if (result.saved && code === EXIT_OK) d.log(`next: iopath report ${o.output}   (or: iopath analyze ${o.output})`);
    return code;
  } catch (err) {
    if (err instanceof CaptureRefusal) throw new CliError(`capture: ${err.message}`, 'usage');
    throw err;
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
    process.off('exit', onExit);
    process.stderr.off('error', ignore);
  }
});

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
      process.exitCode = await runCapture(command, opts, deps);
    });
}
