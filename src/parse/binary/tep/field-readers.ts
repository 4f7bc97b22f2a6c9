import type { Dev } from '../../../model/events.js';
import { intern } from '../../names.js';
import { createPointerCache, createStringTable, hexOf, readNumberAt, type RawRecord } from './fields.js';
import type { EventFormat, FieldFormat } from './format.js';
import { createEvaluator, type SymbolSource } from './print-eval.js';
import type { Expr } from './print-fmt.js';
import type { EventPrinter } from './render.js';

/**
 * Readers of one field of a modelled event, built once per event format: a stored value read from
 * its field, or a printed value computed by the event's own print fmt (cached by the raw value).
 */

export interface ModelledEnv {
  syms: SymbolSource;
  printer: EventPrinter;
}

/**
 * A numeric field's reader. The readers keep a field's offset, size and signedness as numbers, not
 * the field: the code of a reader is shared by all its instances, and fields come in several hidden
 * classes, so `f.offset` in a reader was a polymorphic load. Reading fields through the field
 * (`readNumber(r, f)`), readNumber had 361 ms of self time in a 1.9 s profile of the decoding
 * thread's work on an 882k-event trace.dat; with these readers and decode.ts's dense tables, that
 * work took 0.70–0.77 s of CPU instead of 0.82–0.99 (4 interleaved runs each).
 */
export function numberReader(f: FieldFormat): (r: RawRecord) => number {
  const { offset, size, signed } = f;
  return (r) => readNumberAt(r, offset, size, signed);
}

export function fieldsOf(ev: EventFormat, ...names: string[]): FieldFormat | undefined {
  for (const n of names) {
    const f = ev.byName.get(n);
    if (f) return f;
  }
  return undefined;
}

function refersTo(e: Expr, name: string): boolean {
  switch (e.t) {
    case 'field':
    case 'ident':
      return e.name === name;
    case 'cast':
    case 'unary':
      return refersTo(e.e, name);
    case 'bin':
      return refersTo(e.l, name) || refersTo(e.r, name);
    case 'cond':
      return refersTo(e.c, name) || refersTo(e.a, name) || refersTo(e.b, name);
    case 'call':
      return e.args.some((a) => refersTo(a, name));
    case 'brace':
      return e.items.some((a) => refersTo(a, name));
    case 'index':
      return refersTo(e.e, name) || refersTo(e.i, name);
    case 'member':
      return refersTo(e.e, name);
    default:
      return false;
  }
}

/** Indices of the conversions whose argument reads field `name`. */
function conversionsOf(ev: EventFormat, printer: EventPrinter, name: string): number[] {
  if (!ev.print || !printer.parsed) return [];
  const out: number[] = [];
  // Conversions consume arguments in order (width/precision `*` take one more each).
  let a = 0;
  printer.conversions.forEach((c, i) => {
    if (c.conv.width === '*') a++;
    if (c.conv.prec === '*') a++;
    const arg = ev.print!.args[a++];
    if (arg && refersTo(arg, name)) out.push(i);
  });
  return out;
}

/** A printed text computed from one field, cached by the field's raw value. */
export function printedBy(ev: EventFormat, env: ModelledEnv, f: FieldFormat, pick: 'all' | 'last', fallback: (v: number) => string): (r: RawRecord) => string {
  const convs = conversionsOf(ev, env.printer, f.name);
  const from = pick === 'last' ? convs[convs.length - 1] : convs[0];
  const to = convs[convs.length - 1];
  const cache = new Map<number, string>();
  const value = numberReader(f);
  return (r) => {
    const v = value(r);
    let s = cache.get(v);
    if (s === undefined) {
      const text = from === undefined || to === undefined ? null : env.printer.span(r, from, to);
      s = intern(text ?? fallback(v));
      if (cache.size < 4096) cache.set(v, s);
    }
    return s;
  };
}

/**
 * Device major/minor from a dev_t field (`dev`, or block_bio_remap's `old_dev`) as the print fmt
 * computes them (`dev >> 20`, `dev & 0xfffff`). The object is shared by every record with that
 * dev_t: callers copy it into an event (see ModelledField).
 */
export function devReader(ev: EventFormat, env: ModelledEnv, name = 'dev'): ((r: RawRecord) => Dev) | null {
  const f = ev.byName.get(name);
  if (!f) return null;
  const args = ev.print?.args ?? [];
  const exprs = args.filter((a) => refersTo(a, name)).slice(0, 2);
  const cache = new Map<number, Dev>();
  const value = numberReader(f);
  return (r) => {
    const v = value(r);
    let d = cache.get(v);
    if (d === undefined) {
      d = { major: Math.floor(v / 0x100000), minor: v % 0x100000 };
      if (exprs.length === 2) {
        try {
          const e = createEvaluator(ev, r, env.syms);
          const major = e.value(exprs[0]!);
          const minor = e.value(exprs[1]!);
          if (typeof major === 'bigint' && typeof minor === 'bigint') d = { major: Number(major), minor: Number(minor) };
        } catch {
          // Keep the kernel's MAJOR/MINOR (include/linux/kdev_t.h).
        }
      }
      if (cache.size < 4096) cache.set(v, d);
    }
    return d;
  };
}

/** `%p` as libtraceevent prints it (glibc: `0x…`, `(nil)` for 0). */
export function pointerReader(f: FieldFormat): (r: RawRecord) => string {
  const text = createPointerCache((hi, lo) => (hi === 0 && lo === 0 ? '(nil)' : `0x${hexOf(hi, lo)}`));
  const { offset, size } = f;
  return (r) => text(r, offset, size);
}

/** `%ps`: the kallsyms name of a function pointer, else its address. */
export function functionReader(f: FieldFormat, env: ModelledEnv): (r: RawRecord) => string {
  const name = createPointerCache((hi, lo) => {
    const h = hexOf(hi, lo);
    return intern(env.syms.findFunction((BigInt(hi) << 32n) | BigInt(lo))?.name ?? `0x${h}`);
  });
  const { offset, size } = f;
  return (r) => name(r, offset, size);
}

/** A string field, through a table of its own (see createStringTable). */
export const str = (f: FieldFormat): ((r: RawRecord) => string) => createStringTable(f, 1024);

/** `ino 0x%lx` */
export const inoReader = (f: FieldFormat): ((r: RawRecord) => string) => {
  const text = createPointerCache((hi, lo) => `0x${hexOf(hi, lo)}`);
  const { offset, size } = f;
  return (r) => text(r, offset, size);
};
