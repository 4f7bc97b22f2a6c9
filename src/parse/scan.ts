/**
 * Position scanners for payload text. Payloads are parsed by position (a number here, a literal
 * there, the next space) rather than with regular expressions or a tokenizer: it is several times
 * faster on the hot path and every failure is a plain NaN / -1, never an exception.
 *
 * Each reader takes the text and a start index and returns its value; the index just past what it
 * read is left in `at.p` (one shared object, so a reader returns one number without allocating).
 * Callers keep their position in a local variable, which V8 holds in a register.
 */

export const at = { p: 0 };

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Unsigned decimal integer at `p`; NaN when there is no digit. */
export function uint(s: string, p: number): number {
  const start = p;
  let v = 0;
  let c = s.charCodeAt(p);
  while (c >= 48 && c <= 57) {
    v = v * 10 + (c - 48);
    c = s.charCodeAt(++p);
  }
  at.p = p;
  return p === start ? NaN : v;
}

/** Signed decimal integer at `p` (`-5`); NaN when there is no digit. */
export function sint(s: string, p: number): number {
  if (s.charCodeAt(p) === 45 /* - */) {
    const v = uint(s, p + 1);
    return -v;
  }
  return uint(s, p);
}

/**
 * A `%llu` that may exceed 2^53: a flush's completion prints (sector_t)-1 as
 * `18446744073709551615`. Values past 2^63 are read, exactly, as the negative number they encode.
 */
export function u64(s: string, p: number): number {
  const v = uint(s, p);
  if (!(v > Number.MAX_SAFE_INTEGER)) return v;
  const end = at.p;
  const big = BigInt(s.slice(p, end));
  at.p = end;
  return big >= 1n << 63n ? Number(big - (1n << 64n)) : Number(big);
}

/** Hex integer at `p`, with or without `0x`; NaN when there is no hex digit. Exact below 2^53. */
export function hexNum(s: string, p: number): number {
  if (s.charCodeAt(p) === 48 && (s.charCodeAt(p + 1) | 32) === 120) p += 2;
  const start = p;
  let v = 0;
  for (;;) {
    const c = s.charCodeAt(p);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else break;
    v = v * 16 + d;
    p++;
  }
  at.p = p;
  return p === start ? NaN : v;
}

/** End of the text without its trailing spaces (never before `from`). */
export function trimmedEnd(s: string, from: number): number {
  let e = s.length;
  while (e > from && s.charCodeAt(e - 1) === 32) e--;
  return e;
}
