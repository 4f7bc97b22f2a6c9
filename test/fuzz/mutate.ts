import fc from 'fast-check';

/**
 * Mutations of real trace lines, as fast-check arbitraries. They aim at what the tokenizer anchors
 * on (the `[cpu]` column, the `: ` after the timestamp, the `comm-pid` dash, digits) rather than at
 * uniformly random bytes, which would nearly always be rejected at the first check.
 */

/** Fixed seed: the fuzz suite must give the same cases on every run (CI is deterministic). */
export const FUZZ_SEED = 0x10_7a7;

/**
 * fast-check parameters: the fixed seed and `runs` cases, sized so the whole suite stays under a
 * minute on two cores. A longer hunt: `FUZZ_SEED=n FUZZ_SCALE=20 npx vitest run test/fuzz`.
 */
export function fuzzParams(runs: number): { seed: number; numRuns: number } {
  const scale = Number(process.env.FUZZ_SCALE ?? 1);
  return { seed: Number(process.env.FUZZ_SEED ?? FUZZ_SEED), numRuns: Math.max(1, Math.ceil(runs * scale)) };
}

/** Text the header tokenizer cares about, inserted at random places. */
export const INSERTS = [' ', '  ', '\t', '[', ']', '[001]', ':', ': ', '::', '-', '--', '(', ')', '.', '0', '9', '12345678901234567890', '#', '=', ',', '+', '/', '\r', '\u0000', '\ufffd', 'é', '\u2028', '😀'] as const;

export type Mutation =
  | { kind: 'flip'; at: number; char: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'duplicate'; at: number; length: number };

/** A character to write over another: printable ASCII, a control byte, or something beyond ASCII. */
const anyChar: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
  fc.constantFrom('\u0000', '\u0001', '\u007f', '\u00ff', '\ufffd', '\ud800', '😀', '\u2028'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), char: anyChar }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...INSERTS), fc.stringMatching(/^\d{1,25}$/)) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 30 }) }),
);

/** Fields as the tokenizer sees them: runs of non-spaces. */
function fields(line: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const m of line.matchAll(/\S+/g)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

export function applyMutation(line: string, m: Mutation): string {
  const n = line.length;
  const at = (i: number): number => (n === 0 ? 0 : i % (n + 1));
  switch (m.kind) {
    case 'flip': {
      if (n === 0) return m.char;
      const i = m.at % n;
      return line.slice(0, i) + m.char + line.slice(i + 1);
    }
    case 'truncate':
      return line.slice(0, at(m.at));
    case 'insert': {
      const i = at(m.at);
      return line.slice(0, i) + m.text + line.slice(i);
    }
    case 'delete': {
      const i = at(m.at);
      return line.slice(0, i) + line.slice(i + m.length);
    }
    case 'duplicate': {
      const i = at(m.at);
      return line.slice(0, i + m.length) + line.slice(i);
    }
    case 'swap': {
      const f = fields(line);
      if (f.length < 2) return line;
      let a = m.a % f.length;
      let b = m.b % f.length;
      if (a === b) return line;
      if (a > b) [a, b] = [b, a];
      const fa = f[a]!;
      const fb = f[b]!;
      return line.slice(0, fa.start) + line.slice(fb.start, fb.end) + line.slice(fa.end, fb.start) + line.slice(fa.start, fa.end) + line.slice(fb.end);
    }
  }
}

/** One real line with 1–4 mutations applied; a mutation never introduces a newline. */
export function mutatedLine(lines: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...lines), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([line, ms]) => ms.reduce(applyMutation, line).replace(/\n/g, ' '));
}

/** Lines built from the tokens of trace headers and payloads: junk that gets past the first checks. */
export const tokenSoup: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(...INSERTS),
      fc.constantFrom('fio', '<idle>', 'kworker/1:32', '-7888', ' [001] ', 'd.h1.', '..s1.', '505.925043', '508.368473123', '1234', 'block_rq_issue', 'block_rq_complete', 'sched_switch', 'workqueue_queue_work', 'iomap_dio_complete', 'block:', 'irq:irq_handler_entry', 'CPU:1', '[LOST 96 EVENTS]', 'EVENTS DROPPED', 'PERF_RECORD_LOST', '#####', 'cpus=2', 'prev_comm=', '==>', 'work struct=', 'function=', '254,0', 'WS', '()', ' + 8 ', 'be,0,4', '[fio]', 'R+'),
      fc.stringMatching(/^\d{1,12}$/),
    ),
    { maxLength: 24 },
  )
  .map((parts) => parts.join('').replace(/\n/g, ' '));

/** Any line at all: random code units (lone surrogates included), token soup, or a mutated real line. */
export function anyLine(lines: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }).map((s) => s.replace(/\n/g, ' ')),
    fc.string({ unit: 'binary-ascii', maxLength: 200 }).map((s) => s.replace(/\n/g, ' ')),
    tokenSoup,
    mutatedLine(lines),
  );
}
