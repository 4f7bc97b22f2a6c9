import { hexAt, readBigAt, readNumber, readString, type RawRecord } from './fields.js';
import type { EventFormat, FieldFormat } from './format.js';
import { createEvaluator, Unsupported, type Evaluator, type SymbolSource } from './print-eval.js';
import { argCount, parseFormat, renderConversion, type Conversion, type Segment } from './printf.js';

/**
 * An event's text as `trace-cmd report` prints it: its print fmt rendered on a record. When the
 * print fmt uses something this renderer does not evaluate, the event prints its raw fields
 * instead (`name=value …`, strings as text, numbers in decimal, arrays and pointers in hex), the
 * form of `trace-cmd report -R`, so nothing is lost.
 */

export interface EventPrinter {
  /** The whole payload text. */
  render(rec: RawRecord): string;
  /**
   * The text of conversions [from, to] (0-based, in format order) with the literal text between
   * them, or null when the print fmt does not render: how one printed field that the kernel
   * computes (prev_state letters, flag names, an ioprio triple) is read without printing the rest.
   */
  span(rec: RawRecord, from: number, to: number): string | null;
  /** The conversions, in order, with the literal text before each (to find one by its label). */
  readonly conversions: readonly { before: string; conv: Conversion }[];
  /** Whether the print fmt was understood at all. */
  readonly parsed: boolean;
}

export function rawFieldsText(ev: EventFormat, rec: RawRecord): string {
  const parts: string[] = [];
  for (const f of ev.fields) {
    if (f.common) continue;
    parts.push(`${f.name}=${rawValue(f, rec)}`);
  }
  return parts.join(' ');
}

function rawValue(f: FieldFormat, rec: RawRecord): string {
  if (f.isString) return readString(rec, f);
  if (f.dynamic || f.arrayLen !== undefined || ![1, 2, 4, 8].includes(f.size)) return `ARRAY[${f.size}]`;
  if (f.isPointer) return `0x${hexAt(rec, f.offset, f.size)}`;
  // Decimal as `trace-cmd report -R` prints it: unsigned fields stay unsigned at any size.
  return f.signed || f.size < 8 ? String(readNumber(rec, f)) : readBigAt(rec, f.offset, f.size, false).toString();
}

export function createEventPrinter(ev: EventFormat, syms: SymbolSource): EventPrinter {
  const segments: Segment[] = ev.print ? parseFormat(ev.print.fmt) : [];
  const conversions: { before: string; conv: Conversion }[] = [];
  /** Index of the first argument of each conversion. */
  const argIndex: number[] = [];
  let before = '';
  let nextArg = 0;
  for (const s of segments) {
    if (typeof s === 'string') before += s;
    else {
      conversions.push({ before, conv: s });
      argIndex.push(nextArg);
      nextArg += argCount(s);
      before = '';
    }
  }
  const parsed = ev.print !== null && nextArg <= ev.print.args.length;
  const args = ev.print?.args ?? [];

  // One evaluator for every record: making its closures per record cost more than evaluating.
  let evaluator: Evaluator | undefined;

  function renderRange(rec: RawRecord, fromSeg: number, toSeg: number): string {
    const e = (evaluator ??= createEvaluator(ev, rec, syms));
    e.use(rec);
    let out = '';
    let ci = -1;
    for (let si = 0; si < segments.length; si++) {
      const s = segments[si] as Segment;
      if (typeof s !== 'string') ci++;
      if (si < fromSeg || si > toSeg) continue;
      if (typeof s === 'string') {
        out += s;
        continue;
      }
      let a = argIndex[ci] as number;
      let width = typeof s.width === 'number' ? s.width : undefined;
      let prec = typeof s.prec === 'number' ? s.prec : undefined;
      if (s.width === '*') {
        const w = Number(e.value(args[a++]!));
        width = w < 0 ? undefined : w;
      }
      if (s.prec === '*') prec = Number(e.value(args[a++]!));
      const arg = args[a];
      if (!arg) throw new Unsupported('missing argument');
      out += renderConversion(s, e.value(arg), width, prec, syms);
    }
    return out;
  }

  /** Segment index of conversion i. */
  const segOfConv: number[] = [];
  segments.forEach((s, i) => {
    if (typeof s !== 'string') segOfConv.push(i);
  });

  return {
    conversions,
    parsed,
    render(rec) {
      if (parsed) {
        try {
          return renderRange(rec, 0, segments.length - 1);
        } catch (err) {
          if (!(err instanceof Unsupported)) throw err;
        }
      }
      return rawFieldsText(ev, rec);
    },
    span(rec, from, to) {
      if (!parsed || from < 0 || to >= segOfConv.length || from > to) return null;
      try {
        return renderRange(rec, segOfConv[from] as number, segOfConv[to] as number);
      } catch (err) {
        if (err instanceof Unsupported) return null;
        throw err;
      }
    },
  };
}
