/**
 * Why a library call refused or failed: a closed set of kinds, so a caller can branch on `kind`
 * instead of matching messages. The message is one line, meant for a person, and names the input.
 * Exit codes are the command line's business: it maps each kind to one in a single table
 * (`commands/common.ts`); nothing below the CLI knows them.
 *
 * Two other typed errors stay where they arise: `StrictModeError` (model/diagnostics.ts), which
 * carries the file, line and diagnostic code where a strict read stopped, and `CalibrateError`,
 * which the library's `calibrate` turns into an IopathError.
 */

export const ERROR_KINDS = {
  usage: 'an option, argument or parameter outside what the call accepts',
  unreadable: 'an input that cannot be read: no such file, a directory, JSON that does not parse',
  unrecognised: 'an input with nothing the call can use: no trace event, JSON of another schema, a trace without I/O',
  regression: 'a regression gate tripped: the change made a metric detectably worse than its threshold',
  failed: 'the work itself failed, not its input: a capture that could not run or save',
} as const;

export type ErrorKind = keyof typeof ERROR_KINDS;

export class IopathError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'IopathError';
  }
}

export function isIopathError(err: unknown, kind?: ErrorKind): err is IopathError {
  return err instanceof IopathError && (kind === undefined || err.kind === kind);
}
