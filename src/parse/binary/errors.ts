/**
 * A binary trace refused as a whole: its header or metadata is damaged, so nothing can be read.
 * Shaped as a system error (`code`, `path`, `syscall`) so the CLI reports it in one line with exit 2
 * like any unreadable input.
 */
export class DamagedInputError extends Error {
  readonly code = 'EBADTRACE';
  readonly syscall = 'read';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'DamagedInputError';
  }
}
