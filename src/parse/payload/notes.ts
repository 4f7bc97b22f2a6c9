/**
 * What a payload parser read but cannot vouch for (a raw prev_state whose letters depend on the
 * kernel): the parser notes it, the line parser takes it right after the call and reports it as a
 * diagnostic with the line. One note at a time: parsing is synchronous, one line after another.
 */

let pending: string | undefined;

export function noteAmbiguity(message: string): void {
  pending = message;
}

/** The note left by the last payload parse, cleared. */
export function takeAmbiguity(): string | undefined {
  const m = pending;
  pending = undefined;
  return m;
}
