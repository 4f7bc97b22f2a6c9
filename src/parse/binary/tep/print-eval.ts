import { dynamicRange, fieldRange, readBigAt, stringAt, type RawRecord } from './fields.js';
import type { EventFormat, FieldFormat } from './format.js';
import type { Expr } from './print-fmt.js';

/**
 * Evaluates a print fmt's argument expressions on one record and renders the format string, as
 * libtraceevent does for `trace-cmd report` (event-parse.c): integers are C integers (64-bit here,
 * narrowed by casts and by the conversion's length modifier), `%p` prints the raw value as glibc
 * does (`0x…`, `(nil)`), `%ps` names the function from kallsyms (else `0x…`), `__print_flags` /
 * `__print_symbolic` print names from their tables, with a table value that is not a number (an
 * enum name the kernel did not resolve, `IOPRIO_CLASS_BE`) matching nothing, then `0x…`.
 * Whatever it cannot evaluate throws `Unsupported`; callers then fall back to the raw fields.
 */

export class Unsupported extends Error {}

/** What evaluation needs from the file beside the record. */
export interface SymbolSource {
  /** Long size of the traced kernel (4 or 8), for `%lx` / `%p`. */
  longSize: number;
  /** The kallsyms function containing addr (`%ps`), with its start (`%pS` prints the offset), or undefined. */
  findFunction(addr: bigint): { name: string; start: bigint } | undefined;
  /** A trace_printk format string stored at addr (printk formats), or undefined. */
  printkFormat(addr: bigint): string | undefined;
}

type Value = bigint | string | { bytes: Uint8Array; start: number; end: number; field?: FieldFormat };

const U64 = (1n << 64n) - 1n;

/** libtraceevent's names for values format files leave symbolic (event-parse.c `flags[]`). */
const KNOWN_SYMBOLS: Record<string, bigint> = {
  HI_SOFTIRQ: 0n,
  TIMER_SOFTIRQ: 1n,
  NET_TX_SOFTIRQ: 2n,
  NET_RX_SOFTIRQ: 3n,
  BLOCK_SOFTIRQ: 4n,
  IRQ_POLL_SOFTIRQ: 5n,
  TASKLET_SOFTIRQ: 6n,
  SCHED_SOFTIRQ: 7n,
  HRTIMER_SOFTIRQ: 8n,
  RCU_SOFTIRQ: 9n,
  HRTIMER_NORESTART: 0n,
  HRTIMER_RESTART: 1n,
};

/** castBits by long size and type: a cast's type is one of a few strings, and the regexps cost more than the rest of a render. */
const CAST_BITS = new Map<string, { bits: number; signed: boolean } | null>();

function castBits(type: string, longSize: number): { bits: number; signed: boolean } | null {
  const key = longSize === 8 ? type : `${longSize}:${type}`;
  let c = CAST_BITS.get(key);
  if (c === undefined) {
    c = castBitsOf(type, longSize);
    if (CAST_BITS.size < 4096) CAST_BITS.set(key, c);
  }
  return c;
}

function castBitsOf(type: string, longSize: number): { bits: number; signed: boolean } | null {
  const t = type.replace(/\b(const|volatile)\b/g, '').trim();
  if (t.includes('*')) return { bits: longSize * 8, signed: false };
  const unsigned = /\bunsigned\b|^u\d|^__u\d|^bool$|size_t$|^dev_t$/.test(t);
  let bits = 0;
  if (/\blong long\b/.test(t) || /64/.test(t)) bits = 64;
  else if (/\blong\b/.test(t) || /size_t$|^loff_t$/.test(t)) bits = longSize * 8;
  else if (/\bshort\b|16/.test(t)) bits = 16;
  else if (/\bchar\b|8$|^bool$/.test(t)) bits = 8;
  else if (/\bint\b|32|^dev_t$|^pid_t$/.test(t)) bits = 32;
  if (bits === 0) return null;
  return { bits, signed: !unsigned };
}

function narrow(v: bigint, bits: number, signed: boolean): bigint {
  return signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
}

function num(v: Value): bigint {
  if (typeof v === 'bigint') return v;
  throw new Unsupported('a string where a number is needed');
}

export interface Evaluator {
  value(e: Expr): Value;
  /** Evaluates on another record of the same event from now on (one evaluator serves every record). */
  use(rec: RawRecord): void;
}

/**
 * Flag and symbol tables (`__print_flags(v, "|", { 1, "A" }, …)`) by the helper's argument list:
 * built once when every key is a constant, as they all are in the kernel's formats; a key that
 * reads a field is evaluated on each record.
 */
const FLAG_TABLES = new WeakMap<Expr[], [bigint, string][]>();

/** Whether `e` evaluates to the same value on every record of `ev` (no field, helper or index). */
function isConstant(e: Expr, ev: EventFormat): boolean {
  switch (e.t) {
    case 'num':
    case 'str':
      return true;
    case 'ident':
      return !ev.byName.has(e.name);
    case 'cast':
    case 'unary':
      return isConstant(e.e, ev);
    case 'cond':
      return isConstant(e.c, ev) && isConstant(e.a, ev) && isConstant(e.b, ev);
    case 'bin':
      return isConstant(e.l, ev) && isConstant(e.r, ev);
    default:
      return false;
  }
}

export function createEvaluator(ev: EventFormat, first: RawRecord, syms: SymbolSource): Evaluator {
  let rec = first;
  const field = (name: string): FieldFormat => {
    const f = ev.byName.get(name);
    if (!f) throw new Unsupported(`no field ${name}`);
    return f;
  };
  const fieldValue = (f: FieldFormat): Value => {
    if (f.isString) return stringOf(f);
    if (f.dynamic || f.arrayLen !== undefined) {
      const range = fieldRange(rec, f);
      if (!range) return { bytes: rec.bytes, start: 0, end: 0, field: f };
      return { bytes: rec.bytes, start: range[0], end: range[1], field: f };
    }
    if (f.size !== 1 && f.size !== 2 && f.size !== 4 && f.size !== 8) throw new Unsupported(`field ${f.name} of size ${f.size}`);
    return readBigAt(rec, f.offset, f.size, f.signed);
  };
  const stringOf = (f: FieldFormat): string => {
    const range = f.dynamic ? dynamicRange(rec, f) : fieldRange(rec, f);
    return range ? stringAt(rec.bytes, range[0], range[1]) : '';
  };
  const asBytes = (v: Value): { bytes: Uint8Array; start: number; end: number } => {
    if (typeof v === 'object') return v;
    throw new Unsupported('an array is needed');
  };
  /**
   * `{ value, "name" }` pairs. As in libtraceevent (`eval_flag`), a value left as a bare name the
   * kernel did not resolve (`IOPRIO_CLASS_BE`) matches nothing (-1), and an entry whose name is
   * not a string (the `{ 0, ((void *)0) }` that ends the gfp table) is dropped.
   */
  const flagTable = (args: Expr[], from: number): [bigint, string][] => {
    const cached = FLAG_TABLES.get(args);
    if (cached !== undefined) return cached;
    const items = args.slice(from);
    const out: [bigint, string][] = [];
    for (const it of items) {
      if (it.t !== 'brace' || it.items.length !== 2) throw new Unsupported('bad flag table');
      const [k, s] = it.items as [Expr, Expr];
      if (s.t !== 'str') continue;
      let key = -1n;
      if (!(k.t === 'ident' && KNOWN_SYMBOLS[k.name] === undefined && !ev.byName.has(k.name))) {
        try {
          key = num(value(k));
        } catch {
          key = -1n;
        }
      }
      out.push([key, s.v]);
    }
    if (items.every((it) => it.t === 'brace' && isConstant(it.items[0] as Expr, ev))) FLAG_TABLES.set(args, out);
    return out;
  };

  function call(name: string, args: Expr[]): Value {
    switch (name) {
      case '__get_str':
      case '__get_rel_str':
      case '__get_sockaddr':
        if (args[0]?.t === 'ident' || args[0]?.t === 'field') return stringOf(field((args[0] as { name: string }).name));
        throw new Unsupported(name);
      case '__get_dynamic_array':
      case '__get_rel_dynamic_array':
      case '__get_bitmask':
      case '__get_rel_bitmask':
      case '__get_cpumask': {
        const a = args[0];
        if (a?.t !== 'ident' && a?.t !== 'field') throw new Unsupported(name);
        const f = field(a.name);
        const range = dynamicRange(rec, f);
        return range ? { bytes: rec.bytes, start: range[0], end: range[1], field: f } : { bytes: rec.bytes, start: 0, end: 0, field: f };
      }
      case '__get_dynamic_array_len':
      case '__get_rel_dynamic_array_len': {
        const a = args[0];
        if (a?.t !== 'ident' && a?.t !== 'field') throw new Unsupported(name);
        const range = dynamicRange(rec, field(a.name));
        return BigInt(range ? range[1] - range[0] : 0);
      }
      case '__print_flags':
      case '__print_flags_u64': {
        let val = num(value(args[0] as Expr)) & U64;
        const delim = value(args[1] as Expr);
        if (typeof delim !== 'string') throw new Unsupported('flag delimiter');
        let out = '';
        for (const [k, s] of flagTable(args, 2)) {
          if (val === 0n && k < 0n) {
            out += s;
            break;
          }
          if (k > 0n && (val & k) === k) {
            if (out.length > 0) out += delim;
            out += s;
            val &= ~k;
          }
        }
        if (val !== 0n) {
          if (out.length > 0) out += delim;
          out += `0x${val.toString(16)}`;
        }
        return out;
      }
      case '__print_symbolic':
      case '__print_symbolic_u64': {
        const val = num(value(args[0] as Expr));
        for (const [k, s] of flagTable(args, 1)) if (k === val) return s;
        return `0x${(val & U64).toString(16)}`;
      }
      case '__print_hex':
      case '__print_hex_str': {
        const b = asBytes(value(args[0] as Expr));
        const len = Number(num(value(args[1] as Expr)));
        const parts: string[] = [];
        for (let i = 0; i < len && b.start + i < b.end; i++) parts.push((b.bytes[b.start + i] as number).toString(16).padStart(2, '0'));
        return parts.join(name === '__print_hex' ? ' ' : '');
      }
      case '__print_array': {
        const b = asBytes(value(args[0] as Expr));
        const count = Number(num(value(args[1] as Expr)));
        const el = Number(num(value(args[2] as Expr)));
        if (![1, 2, 4, 8].includes(el)) throw new Unsupported('array element size');
        const parts: string[] = [];
        const sub: RawRecord = { ...rec, start: b.start, size: b.end - b.start };
        for (let i = 0; i < count && (i + 1) * el <= sub.size; i++) parts.push(`0x${readBigAt(sub, i * el, el, false).toString(16)}`);
        return `{${parts.join(',')}}`;
      }
      case 'sizeof':
        throw new Unsupported('sizeof');
      default:
        throw new Unsupported(`helper ${name}`);
    }
  }

  function value(e: Expr): Value {
    switch (e.t) {
      case 'num':
        return e.v;
      case 'str':
        return e.v;
      case 'field':
        return fieldValue(field(e.name));
      case 'ident': {
        const f = ev.byName.get(e.name);
        if (f) return fieldValue(f);
        const k = KNOWN_SYMBOLS[e.name];
        if (k !== undefined) return k;
        // A kernel variable or macro the format did not expand (`vmemmap_base`): libtraceevent
        // reads the name as a number, 0.
        return 0n;
      }
      case 'cast': {
        const v = value(e.e);
        if (typeof v !== 'bigint') return v;
        const c = castBits(e.type, syms.longSize);
        return c ? narrow(v, c.bits, c.signed) : v;
      }
      case 'unary': {
        const v = num(value(e.e));
        if (e.op === '-') return -v;
        if (e.op === '!') return v === 0n ? 1n : 0n;
        if (e.op === '~') return ~v;
        return v;
      }
      case 'cond':
        return num(value(e.c)) !== 0n ? value(e.a) : value(e.b);
      case 'bin': {
        if (e.op === '&&') return num(value(e.l)) !== 0n && num(value(e.r)) !== 0n ? 1n : 0n;
        if (e.op === '||') return num(value(e.l)) !== 0n || num(value(e.r)) !== 0n ? 1n : 0n;
        const l = num(value(e.l));
        const r = num(value(e.r));
        switch (e.op) {
          case '+': return l + r;
          case '-': return l - r;
          case '*': return l * r;
          case '/': return r === 0n ? 0n : l / r;
          case '%': return r === 0n ? 0n : l % r;
          case '<<': return r < 0n || r > 64n ? 0n : (l << r) & U64;
          case '>>': return r < 0n ? 0n : r > 64n ? (l < 0n ? -1n : 0n) : l >> r;
          case '&': return l & r;
          case '|': return l | r;
          case '^': return l ^ r;
          case '==': return l === r ? 1n : 0n;
          case '!=': return l !== r ? 1n : 0n;
          case '<': return l < r ? 1n : 0n;
          case '>': return l > r ? 1n : 0n;
          case '<=': return l <= r ? 1n : 0n;
          case '>=': return l >= r ? 1n : 0n;
          default: throw new Unsupported(`operator ${e.op}`);
        }
      }
      case 'call':
        return call(e.name, e.args);
      case 'index': {
        const base = value(e.e);
        const i = Number(num(value(e.i)));
        const b = asBytes(base);
        const f = (base as { field?: FieldFormat }).field;
        const el = f && f.arrayLen ? f.size / f.arrayLen : 1;
        if (![1, 2, 4, 8].includes(el) || b.start + (i + 1) * el > b.end) throw new Unsupported('index');
        return readBigAt({ ...rec, start: b.start, size: b.end - b.start }, i * el, el, f?.signed ?? false);
      }
      default:
        throw new Unsupported(`expression ${e.t}`);
    }
  }
  return {
    value,
    use(r) {
      rec = r;
    },
  };
}

export { type Value };
