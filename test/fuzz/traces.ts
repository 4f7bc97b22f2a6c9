import fc from 'fast-check';
import { anyLine, applyMutation, mutation, type Mutation } from './mutate.js';

/**
 * Whole hostile traces made from a real one by line-level edits: mutate, drop, repeat or move a
 * line (time going backwards, merged input out of order, completions without submissions), splice
 * in junk or a lost-events marker of any of the three tracers.
 */

export type Edit =
  | { kind: 'mutate'; at: number; m: Mutation }
  | { kind: 'drop'; at: number }
  | { kind: 'repeat'; at: number }
  | { kind: 'move'; from: number; to: number }
  | { kind: 'insert'; at: number; line: string };

const MARKERS = ['CPU:1 [LOST 96 EVENTS]', 'CPU:0 [LOST EVENTS]', '##### CPU 1 buffer started ####', 'CPU:1 [188240 EVENTS DROPPED]', 'CPU:0 [EVENTS DROPPED]', '            perf  3992 [001]   222.545986: PERF_RECORD_LOST lost 12', 'cpus=2', 'CPU 1 is empty', ''] as const;

export function edit(pool: readonly string[]): fc.Arbitrary<Edit> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('mutate' as const), at: fc.nat(), m: mutation }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), at: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('move' as const), from: fc.nat(), to: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), line: fc.oneof(fc.constantFrom(...MARKERS), anyLine(pool)) }) },
  );
}

export function applyEdit(lines: string[], e: Edit): string[] {
  const n = lines.length;
  if (n === 0) return e.kind === 'insert' ? [e.line] : lines;
  const out = lines.slice();
  switch (e.kind) {
    case 'mutate': {
      const i = e.at % n;
      out[i] = applyMutation(out[i]!, e.m).replace(/\n/g, ' ');
      return out;
    }
    case 'drop':
      out.splice(e.at % n, 1);
      return out;
    case 'repeat': {
      const i = e.at % n;
      out.splice(i, 0, out[i]!);
      return out;
    }
    case 'move': {
      const [l] = out.splice(e.from % n, 1);
      out.splice(e.to % n, 0, l!);
      return out;
    }
    case 'insert':
      out.splice(e.at % (n + 1), 0, e.line);
      return out;
  }
}

/** A real trace with 1–`maxEdits` edits, as text (with or without a final newline). */
export function hostileTrace(lines: readonly string[], maxEdits = 12): fc.Arbitrary<string> {
  return fc
    .tuple(fc.array(edit(lines), { minLength: 1, maxLength: maxEdits }), fc.boolean(), fc.boolean())
    .map(([edits, finalNewline, crlf]) => {
      const out = edits.reduce(applyEdit, lines.slice());
      return out.join(crlf ? '\r\n' : '\n') + (finalNewline ? '\n' : '');
    });
}

/** Cuts at byte offsets (a multi-byte character may be split): how a stream may deliver a file. */
export function chunked(buf: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => (buf.length === 0 ? 0 : c % buf.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of at) {
    if (c > prev) out.push(buf.subarray(prev, c));
    prev = Math.max(prev, c);
  }
  if (prev < buf.length || out.length === 0) out.push(buf.subarray(prev));
  return out;
}
