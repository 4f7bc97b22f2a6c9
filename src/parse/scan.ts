/**
 * A tiny position scanner for payload text. Payloads are parsed by position (literal, number,
 * word) instead of regular expressions: it is several times faster on the hot path and every
 * failure is a plain `false`/NaN, never an exception.
 *
 * State is module-level on purpose: parsing is synchronous and single-threaded, and this avoids
 * allocating a scanner object per line.
 */

let s = '';
let p = 0;

export function begin(text: string, pos = 0): void {
  s = text;
  p = pos;
}

export const pos = (): number => p;
export const setPos = (q: number): void => {
  p = q;
};
export const text = (): string => s;
export const atEnd = (): boolean => p >= s.length;
export const rest = (): string => s.slice(p);

/** Consumes `lit` if the text continues with it. */
export function lit(l: string): boolean {
  if (s.startsWith(l, p)) {
    p += l.length;
    return true;
  }
  return false;
}

export function skipSpaces(): void {
  while (p < s.length && s.charCodeAt(p) === 32) p++;
}

/** Signed decimal integer; NaN when none. */
export function int(): number {
  let neg = false;
  if (s.charCodeAt(p) === 45 /* - */) {
    neg = true;
    p++;
  }
  const start = p;
  let v = 0;
  for (; p < s.length; p++) {
    const c = s.charCodeAt(p);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
  }
  if (p === start) return NaN;
  return neg ? -v : v;
}

/** Hex integer with optional `0x`; NaN when none. Exact below 2^53. */
export function hex(): number {
  if (s.charCodeAt(p) === 48 && (s.charCodeAt(p + 1) | 32) === 120) p += 2;
  const start = p;
  let v = 0;
  for (; p < s.length; p++) {
    const c = s.charCodeAt(p);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else break;
    v = v * 16 + d;
  }
  return p === start ? NaN : v;
}

/** Characters up to (not including) the next space or the end. */
export function word(): string {
  const start = p;
  const sp = s.indexOf(' ', p);
  p = sp < 0 ? s.length : sp;
  return s.slice(start, p);
}

/** Characters up to the next occurrence of `delim` (consumed); null when absent. */
export function until(delim: string): string | null {
  const i = s.indexOf(delim, p);
  if (i < 0) return null;
  const v = s.slice(p, i);
  p = i + delim.length;
  return v;
}

/** Characters up to the LAST occurrence of `delim` (consumed): for fields that may hold spaces. */
export function untilLast(delim: string): string | null {
  const i = s.lastIndexOf(delim);
  if (i < p) return null;
  const v = s.slice(p, i);
  p = i + delim.length;
  return v;
}

/** The rest of the text, with trailing spaces trimmed. */
export function tail(): string {
  let e = s.length;
  while (e > p && s.charCodeAt(e - 1) === 32) e--;
  const v = s.slice(p, e);
  p = s.length;
  return v;
}
