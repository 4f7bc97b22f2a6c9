import type { EventHeader, TraceEvent } from '../../model/events.js';

/** What a payload parser returns in the raw (-R) paths: the event without its header fields. */
export type Payload<T extends EventHeader> = Omit<T, keyof EventHeader>;

/**
 * The header fields every event starts with. The line parser fills one such object per line and
 * the payload parsers copy it into the event literal they build, header first, so that an event is
 * made in one allocation with a fixed shape (adding fields to an object afterwards costs more than
 * its whole payload parse). `tgid`, `flags` and `ctx`, present only when the line prints them, are
 * added by the line parser.
 */
export interface EventHead {
  line: number;
  ts: number;
  cpu: number;
  pid: number;
  comm: string;
}

/**
 * Parses the payload of line `s` starting at index `p` (it runs to the end of the line). Returns
 * null when the text is not that event's payload.
 */
export type PayloadParser = (s: string, p: number, h: EventHead) => TraceEvent | null;

/** An event from a header and a payload object (the rare raw paths; the hot paths write literals). */
export function withHead<T extends TraceEvent>(h: EventHead, payload: Payload<T>): T {
  return { line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, ...payload } as T;
}
