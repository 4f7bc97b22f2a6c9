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

/** Every kind of IopathError, with when it is thrown. */
export const ERROR_KINDS = {
  usage: 'an option, argument or parameter outside what the call accepts',
  unreadable: 'a file that cannot be read (or written): no such file, a directory, no permission, a full disk; JSON that does not parse',
  unrecognised: 'an input with nothing the call can use: no trace event, JSON of another schema, a trace without I/O',
  regression: 'a regression gate tripped: the change made a metric detectably worse than its threshold',
  failed: 'the work itself failed, not its input: a capture that could not run or save',
} as const;

export type ErrorKind = keyof typeof ERROR_KINDS;

/** A refusal or failure of a library call: `kind` says why, the message says it in one line. */
export class IopathError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'IopathError';
  }
}

/** True for an IopathError (of `kind`, when given): `catch (e) { if (isIopathError(e, 'unreadable')) … }`. */
export function isIopathError(err: unknown, kind?: ErrorKind): err is IopathError {
  return err instanceof IopathError && (kind === undefined || err.kind === kind);
}

/**
 * A system error (ENOENT, EACCES, ENOSPC…, carrying the path or the syscall that failed) as an
 * `unreadable` IopathError: the machine's state, not a bug, said in one line. Anything else: null.
 * Node's own codes start with `ERR_` and are not errno names: its ERR_SYSTEM_ERROR('writev
 * failed') also has a `syscall` key, but an empty context ("undefined returned undefined").
 */
export function systemError(err: unknown): IopathError | null {
  const e = err as NodeJS.ErrnoException | null;
  if (!e || typeof e.code !== 'string' || !e.code.startsWith('E') || e.code.startsWith('ERR_') || !('path' in e || 'syscall' in e)) return null;
  return new IopathError('unreadable', `${e.path !== undefined ? `${e.path}: ` : ''}${e.message}`);
}
