/** Why a capture refused to start. Nothing in tracefs has been changed when one of these is thrown. */
export type RefusalKind = 'not-root' | 'no-tracefs' | 'no-trace-cmd' | 'command-not-found' | 'no-events' | 'output';

export class CaptureRefusal extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
  ) {
    super(message);
    this.name = 'CaptureRefusal';
  }
}
