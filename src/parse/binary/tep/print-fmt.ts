/**
 * Parses an event's `print fmt:` into its format string and an expression tree per argument:
 *
 *   "irq=%d ret=%s", REC->irq, REC->ret ? "handled" : "unhandled"
 *   "vec=%u [action=%s]", REC->vec, __print_symbolic(REC->vec, { 0, "HI" }, { 1, "TIMER" }, …)
 *   "%d,%d %s …", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), …
 *
 * The arguments are C expressions over the record's fields (`REC->name`), with casts, the usual
 * operators, string literals and the kernel's helpers (`__get_str`, `__print_flags`,
 * `__print_symbolic`, …). The grammar is the part of C that TP_printk uses; anything else makes
 * the whole print fmt null, and callers fall back to printing the raw fields.
 *
 * (Longer than most files: the tokenizer and the recursive-descent parser are one grammar.)
 */

export type Expr =
  | { t: 'num'; v: bigint }
  | { t: 'str'; v: string }
  | { t: 'field'; name: string }
  | { t: 'ident'; name: string }
  | { t: 'cast'; type: string; e: Expr }
  | { t: 'unary'; op: string; e: Expr }
  | { t: 'bin'; op: string; l: Expr; r: Expr }
  | { t: 'cond'; c: Expr; a: Expr; b: Expr }
  | { t: 'call'; name: string; args: Expr[] }
  | { t: 'brace'; items: Expr[] }
  | { t: 'index'; e: Expr; i: Expr }
  | { t: 'member'; e: Expr; name: string };

export interface PrintFmt {
  fmt: string;
  args: Expr[];
}

type Tok = { k: 'num'; v: bigint } | { k: 'str'; v: string } | { k: 'id'; v: string } | { k: 'op'; v: string };

const OPS3 = ['<<=', '>>='];
const OPS2 = ['->', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||'];

class SyntaxErr extends Error {}

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '"') {
      let v = '';
      i++;
      while (i < n && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < n) {
          const e = s[i + 1]!;
          v += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : e;
          i += 2;
        } else v += s[i++];
      }
      if (i >= n) throw new SyntaxErr('unterminated string');
      i++;
      // Adjacent literals concatenate ("a" "b").
      const last = out[out.length - 1];
      if (last && last.k === 'str') last.v += v;
      else out.push({ k: 'str', v });
      continue;
    }
    if (c === "'") {
      const close = s.indexOf("'", i + 2);
      if (close < 0) throw new SyntaxErr('unterminated char');
      const body = s.slice(i + 1, close);
      const ch = body.startsWith('\\') ? ({ n: '\n', t: '\t', '0': '\0' }[body[1]!] ?? body[1]!) : body;
      out.push({ k: 'num', v: BigInt(ch.charCodeAt(0)) });
      i = close + 1;
      continue;
    }
    if (c >= '0' && c <= '9') {
      const m = /^(0[xX][0-9a-fA-F]+|\d+)[uUlL]*/.exec(s.slice(i, i + 40));
      if (!m) throw new SyntaxErr('bad number');
      const digits = m[1]!;
      // C octal literals (a leading 0) are rare in TP_printk but exist.
      const v = /^0\d/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
      out.push({ k: 'num', v });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(s[j]!)) j++;
      out.push({ k: 'id', v: s.slice(i, j) });
      i = j;
      continue;
    }
    const three = s.slice(i, i + 3);
    const two = s.slice(i, i + 2);
    if (OPS3.includes(three)) {
      out.push({ k: 'op', v: three });
      i += 3;
    } else if (OPS2.includes(two)) {
      out.push({ k: 'op', v: two });
      i += 2;
    } else {
      out.push({ k: 'op', v: c });
      i++;
    }
  }
  return out;
}

const BINARY_PREC: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

const TYPE_WORDS = new Set(['unsigned', 'signed', 'int', 'long', 'short', 'char', 'bool', 'void', 'const', 'volatile', 'struct', 'enum', 'float', 'double']);

function isTypeName(v: string): boolean {
  return TYPE_WORDS.has(v) || /^(u|s|__u|__s)(8|16|32|64)$/.test(v) || /_t$/.test(v);
}

function parser(toks: Tok[]) {
  let p = 0;
  const peek = (o = 0): Tok | undefined => toks[p + o];
  const isOp = (v: string, o = 0): boolean => {
    const t = toks[p + o];
    return t !== undefined && t.k === 'op' && t.v === v;
  };
  const expectOp = (v: string): void => {
    if (!isOp(v)) throw new SyntaxErr(`expected ${v}`);
    p++;
  };

  /** `(type words [*])` at p: the length of the cast in tokens, or 0 when it is not a cast. */
  function castLength(): number {
    if (!isOp('(')) return 0;
    let j = 1;
    let sawType = false;
    for (;;) {
      const t = peek(j);
      if (!t) return 0;
      if (t.k === 'id') {
        if (isTypeName(t.v)) sawType = true;
        else if (!sawType && !isTypeName(t.v)) {
          // `(foo)` alone: a cast only if a typedef-looking word is followed by `)` and an operand.
          const nx = peek(j + 1);
          const after = peek(j + 2);
          if (!(nx && nx.k === 'op' && nx.v === ')' && after && (after.k !== 'op' || after.v === '(') && /_t$|^__/.test(t.v))) return 0;
          sawType = true;
        }
        j++;
      } else if (t.k === 'op' && t.v === '*') j++;
      else if (t.k === 'op' && t.v === ')') break;
      else return 0;
    }
    if (!sawType) return 0;
    const after = peek(j + 1);
    // A cast is followed by an operand, not by a binary operator or the end.
    if (!after || (after.k === 'op' && !['(', '-', '!', '~', '&', '*'].includes(after.v))) return 0;
    return j + 1;
  }

  function primary(): Expr {
    const t = peek();
    if (!t) throw new SyntaxErr('unexpected end');
    const cl = castLength();
    if (cl > 0) {
      const words: string[] = [];
      for (let j = 1; j < cl - 1; j++) words.push((toks[p + j] as { v: string }).v);
      p += cl;
      return { t: 'cast', type: words.join(' ').replace(/ \*/g, '*'), e: unary() };
    }
    if (t.k === 'op' && t.v === '(') {
      p++;
      const e = expr();
      expectOp(')');
      return e;
    }
    if (t.k === 'op' && t.v === '{') {
      p++;
      const items: Expr[] = [];
      while (!isOp('}')) {
        items.push(cond());
        if (isOp(',')) p++;
        else if (!isOp('}')) throw new SyntaxErr('expected , or }');
      }
      p++;
      return { t: 'brace', items };
    }
    p++;
    if (t.k === 'num') return { t: 'num', v: t.v };
    if (t.k === 'str') return { t: 'str', v: t.v };
    if (t.k === 'id') {
      if (t.v === 'REC' && isOp('->')) {
        p++;
        const f = peek();
        if (!f || f.k !== 'id') throw new SyntaxErr('field name expected');
        p++;
        return { t: 'field', name: f.v };
      }
      if (isOp('(')) {
        p++;
        const args: Expr[] = [];
        while (!isOp(')')) {
          args.push(cond());
          if (isOp(',')) p++;
          else if (!isOp(')')) throw new SyntaxErr('expected , or )');
        }
        p++;
        return { t: 'call', name: t.v, args };
      }
      // `sizeof(type)` and friends are not printed values; an identifier is kept by name.
      return { t: 'ident', name: t.v };
    }
    throw new SyntaxErr(`unexpected ${t.v}`);
  }

  function postfix(): Expr {
    let e = primary();
    for (;;) {
      if (isOp('[')) {
        p++;
        const i = expr();
        expectOp(']');
        e = { t: 'index', e, i };
      } else if (isOp('.') || isOp('->')) {
        p++;
        const f = peek();
        if (!f || f.k !== 'id') throw new SyntaxErr('member expected');
        p++;
        e = { t: 'member', e, name: f.v };
      } else return e;
    }
  }

  function unary(): Expr {
    const t = peek();
    if (t && t.k === 'op' && ['-', '!', '~', '+', '&', '*'].includes(t.v)) {
      p++;
      const e = unary();
      // `&REC->field` / `*ptr`: the address or target of a field; kept as the field itself.
      if (t.v === '&' || t.v === '*' || t.v === '+') return e;
      return { t: 'unary', op: t.v, e };
    }
    return postfix();
  }

  function binary(minPrec: number): Expr {
    let l = unary();
    for (;;) {
      const t = peek();
      if (!t || t.k !== 'op') return l;
      const prec = BINARY_PREC[t.v];
      if (prec === undefined || prec < minPrec) return l;
      p++;
      const r = binary(prec + 1);
      l = { t: 'bin', op: t.v, l, r };
    }
  }

  function cond(): Expr {
    const c = binary(1);
    if (!isOp('?')) return c;
    p++;
    const a = cond();
    expectOp(':');
    const b = cond();
    return { t: 'cond', c, a, b };
  }

  /** A comma expression inside parentheses keeps its last value. */
  function expr(): Expr {
    let e = cond();
    while (isOp(',')) {
      p++;
      e = cond();
    }
    return e;
  }

  function args(): Expr[] {
    const out: Expr[] = [];
    while (p < toks.length) {
      out.push(cond());
      if (p < toks.length) expectOp(',');
    }
    return out;
  }

  return { args, done: () => p >= toks.length };
}

/** `"fmt", args…` → PrintFmt; null when the text is not of that shape. */
export function parsePrintFmt(text: string): PrintFmt | null {
  try {
    const toks = tokenize(text);
    const first = toks[0];
    if (!first || first.k !== 'str') return null;
    const rest = toks.slice(1);
    if (rest.length > 0) {
      const comma = rest[0];
      if (!comma || comma.k !== 'op' || comma.v !== ',') return null;
      rest.shift();
    }
    return { fmt: first.v, args: parser(rest).args() };
  } catch (e) {
    if (e instanceof SyntaxErr) return null;
    throw e;
  }
}
