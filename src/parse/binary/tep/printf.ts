import { Unsupported, type SymbolSource, type Value } from './print-eval.js';

/**
 * The printf of libtraceevent's print fmt rendering: a format string cut once into literal text and
 * conversions, then rendered with evaluated values. Integer conversions narrow the 64-bit value to
 * the length modifier's width as the C call would (`%d` → int, `%lu` → unsigned long, …).
 */

export interface Conversion {
  flags: string;
  width?: number | '*';
  prec?: number | '*';
  /** Length modifier: '', hh, h, l, ll, z, j, t, L, q. */
  len: string;
  conv: string;
  /** `%p` extensions: `s`, `S`, `f`, `F`, `M`, `I4`, … */
  ext?: string;
}

export type Segment = string | Conversion;

const CONV = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|z|j|t|L|q)?([diouxXcspfeEgGn%])/y;

export function parseFormat(fmt: string): Segment[] {
  const out: Segment[] = [];
  let lit = '';
  let i = 0;
  while (i < fmt.length) {
    const pc = fmt.indexOf('%', i);
    if (pc < 0) {
      lit += fmt.slice(i);
      break;
    }
    lit += fmt.slice(i, pc);
    CONV.lastIndex = pc;
    const m = CONV.exec(fmt);
    if (!m) {
      // A lone `%` prints as is.
      lit += '%';
      i = pc + 1;
      continue;
    }
    i = CONV.lastIndex;
    if (m[5] === '%') {
      lit += '%';
      continue;
    }
    if (lit) out.push(lit);
    lit = '';
    const c: Conversion = { flags: m[1] ?? '', len: m[4] ?? '', conv: m[5]! };
    if (m[2] !== undefined) c.width = m[2] === '*' ? '*' : Number(m[2]);
    if (m[3] !== undefined) c.prec = m[3] === '*' ? '*' : Number(m[3] || '0');
    if (c.conv === 'p') {
      const ext = /^(?:[sSfFBKMmUhbeE]|[Ii][46]?[hnbl]?c?)/.exec(fmt.slice(i));
      if (ext && ext[0]) {
        c.ext = ext[0];
        i += ext[0].length;
      }
    }
    out.push(c);
  }
  if (lit) out.push(lit);
  return out;
}

/** How many argument values a conversion consumes (`*` width / precision take one each). */
export function argCount(c: Conversion): number {
  return 1 + (c.width === '*' ? 1 : 0) + (c.prec === '*' ? 1 : 0);
}

function pad(s: string, c: Conversion, width: number | undefined, numeric: boolean): string {
  if (width === undefined || s.length >= width) return s;
  if (c.flags.includes('-')) return s.padEnd(width, ' ');
  if (numeric && c.flags.includes('0') && c.prec === undefined) {
    const sign = /^[-+ ]|^0[xX]/.exec(s)?.[0] ?? '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  }
  return s.padStart(width, ' ');
}

function bitsOf(len: string): number {
  switch (len) {
    case 'hh':
      return 8;
    case 'h':
      return 16;
    case '':
      return 32;
    default:
      // The host that prints (a 64-bit trace-cmd) makes long, size_t and long long 64 bits.
      return 64;
  }
}

export function renderConversion(c: Conversion, v: Value, width: number | undefined, prec: number | undefined, syms: SymbolSource): string {
  switch (c.conv) {
    case 's': {
      let s = typeof v === 'string' ? v : typeof v === 'bigint' ? v.toString() : '';
      if (prec !== undefined) s = s.slice(0, prec);
      return pad(s, c, width, false);
    }
    case 'c': {
      if (typeof v !== 'bigint') throw new Unsupported('%c of a non-number');
      return pad(String.fromCharCode(Number(BigInt.asUintN(8, v))), c, width, false);
    }
    case 'p': {
      if (typeof v !== 'bigint') throw new Unsupported('%p of a non-number');
      const addr = BigInt.asUintN(syms.longSize * 8, v);
      const ext = c.ext ?? '';
      if (/^[sSfF]/.test(ext)) {
        const fn = syms.findFunction(addr);
        if (fn) return pad(ext === 'S' || ext === 'F' ? `${fn.name}+0x${(addr - fn.start).toString(16)}` : fn.name, c, width, false);
        return pad(`0x${addr.toString(16)}`, c, width, false);
      }
      if (ext.length > 0 && ext !== 'K') throw new Unsupported(`%p${ext}`);
      return pad(addr === 0n ? '(nil)' : `0x${addr.toString(16)}`, c, width, false);
    }
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
      if (typeof v !== 'bigint') throw new Unsupported(`%${c.conv} of a non-number`);
      const bits = bitsOf(c.len);
      const signed = c.conv === 'd' || c.conv === 'i';
      const n = signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
      const neg = n < 0n;
      const abs = neg ? -n : n;
      let digits = c.conv === 'x' ? abs.toString(16) : c.conv === 'X' ? abs.toString(16).toUpperCase() : c.conv === 'o' ? abs.toString(8) : abs.toString();
      if (prec !== undefined) digits = prec === 0 && abs === 0n ? '' : digits.padStart(prec, '0');
      let prefix = neg ? '-' : signed && c.flags.includes('+') ? '+' : signed && c.flags.includes(' ') ? ' ' : '';
      if (c.flags.includes('#') && abs !== 0n) prefix += c.conv === 'x' ? '0x' : c.conv === 'X' ? '0X' : c.conv === 'o' ? '0' : '';
      return pad(prefix + digits, c, width, true);
    }
    default:
      throw new Unsupported(`%${c.conv}`);
  }
}
