import { constants } from 'node:os';
import { CAPTURE_FORMATS, captureTrace, formatForOutput, SYSTEM_DEPS, type CaptureDeps, type CaptureFormat, type CaptureResult } from '../capture/capture.js';
import { CaptureRefusal } from '../capture/errors.js';
import { EVENT_SET_NAMES, type EventSetName } from '../capture/events.js';
import { RestoreJournal } from '../capture/journal.js';
import { DEFAULT_TRACEFS } from '../capture/tracefs.js';
import { CliError, command, EXIT_FAIL, EXIT_OK, EXIT_USAGE } from './common.js';
import { enumOption, intOption } from './options.js';

/** `iopath capture -o FILE [...] -- COMMAND…`: option parsing, signals and exit codes; the work is in src/capture, the command's definition in capture-command.ts. */

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
