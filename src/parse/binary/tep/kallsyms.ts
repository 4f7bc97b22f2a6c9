/**
 * Kernel symbols (`/proc/kallsyms` text, as trace.dat stores it) for `%ps` work functions:
 *
 *   ffffffff814a6b30 T iomap_dio_complete_work
 *   ffffffffc0a01000 t virtblk_done	[virtio_blk]
 *
 * A lookup finds the function that contains an address, as libtraceevent does (the symbol at or
 * below it, provided the next symbol starts above it; of aliases at one address, the first
 * listed). Absolute symbols (`A`/`a`: per-CPU offsets) and ARM's `$a` mapping symbols are skipped,
 * as there. The text (5 MB, 200 000 lines on a distribution kernel) is indexed on the first lookup
 * only, without a regular expression or a BigInt per line: addresses are kept as two 32-bit
 * halves and names as offsets into the text.
 */

export interface Kallsyms {
  find(addr: bigint): { name: string; start: bigint } | undefined;
  readonly size: number;
}

interface Index {
  hi: Uint32Array;
  lo: Uint32Array;
  /** Name start offsets in the text (a name ends at a tab, space, CR or newline: found on lookup). */
  from: Uint32Array;
}

const isNameEnd = (c: number): boolean => c === 9 || c === 32 || c === 13 || c === 10;

function nameAt(text: string, from: number): string {
  let end = from;
  while (end < text.length && !isNameEnd(text.charCodeAt(end))) end++;
  return text.slice(from, end);
}

function hexValue(text: string, start: number, end: number): number {
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const d = c <= 57 ? c - 48 : (c | 32) - 87;
    if (d < 0 || d > 15) return -1;
    v = v * 16 + d;
  }
  return v;
}

function buildIndex(text: string): Index {
  let cap = 1024;
  let hi: Uint32Array = new Uint32Array(cap);
  let lo: Uint32Array = new Uint32Array(cap);
  let from: Uint32Array = new Uint32Array(cap);
  let n = 0;
  let sorted = true;
  let pos = 0;
  const len = text.length;
  while (pos < len) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = len;
    // A 64-bit kernel's addresses are 16 digits: the space is looked for only when it is not there.
    const sp = pos + 16 < eol && text.charCodeAt(pos + 16) === 32 ? pos + 16 : text.indexOf(' ', pos);
    // "ADDR T name[\t[module]]": the address is 1–16 hex digits, the type one character.
    if (sp > pos && sp - pos <= 16 && sp + 3 < eol && text.charCodeAt(sp + 2) === 32) {
      const type = text.charCodeAt(sp + 1);
      const nameStart = sp + 3;
      const first = text.charCodeAt(nameStart);
      const split = Math.max(pos, sp - 8);
      const h = split > pos ? hexValue(text, pos, split) : 0;
      const l = hexValue(text, split, sp);
      // Not an empty name, an absolute symbol (A/a) or an ARM mapping symbol ($a, $d).
      if (h >= 0 && l >= 0 && !isNameEnd(first) && type !== 65 && type !== 97 && first !== 36) {
        if (n === cap) {
          cap *= 2;
          const grow = (a: Uint32Array): Uint32Array => {
            const b = new Uint32Array(cap);
            b.set(a);
            return b;
          };
          hi = grow(hi);
          lo = grow(lo);
          from = grow(from);
        }
        if (n > 0 && (h < (hi[n - 1] as number) || (h === hi[n - 1] && l < (lo[n - 1] as number)))) sorted = false;
        hi[n] = h;
        lo[n] = l;
        from[n] = nameStart;
        n++;
      }
    }
    pos = eol + 1;
  }
  const idx: Index = { hi: hi.subarray(0, n), lo: lo.subarray(0, n), from: from.subarray(0, n) };
  if (sorted) return idx;
  // Stable: equal addresses keep their order in the file (the first alias listed is named).
  const order = Array.from({ length: n }, (_v, i) => i);
  order.sort((a, b) => (idx.hi[a] as number) - (idx.hi[b] as number) || (idx.lo[a] as number) - (idx.lo[b] as number) || a - b);
  const pick = (a: Uint32Array): Uint32Array => Uint32Array.from(order, (i) => a[i] as number);
  return { hi: pick(idx.hi), lo: pick(idx.lo), from: pick(idx.from) };
}

export function parseKallsyms(text: string): Kallsyms {
  let idx: Index | null = null;
  const cache = new Map<bigint, { name: string; start: bigint } | undefined>();

  function find(addr: bigint): { name: string; start: bigint } | undefined {
    if (cache.has(addr)) return cache.get(addr);
    idx ??= buildIndex(text);
    const { hi, lo } = idx;
    const ah = Number((addr >> 32n) & 0xffffffffn);
    const al = Number(addr & 0xffffffffn);
    const le = (i: number): boolean => (hi[i] as number) < ah || ((hi[i] as number) === ah && (lo[i] as number) <= al);
    // The last symbol at or below addr, then back to the first of its aliases.
    let a = 0;
    let b = hi.length - 1;
    let at = -1;
    while (a <= b) {
      const mid = (a + b) >> 1;
      if (le(mid)) {
        at = mid;
        a = mid + 1;
      } else b = mid - 1;
    }
    let r: { name: string; start: bigint } | undefined;
    if (at >= 0) {
      const exact = hi[at] === ah && lo[at] === al;
      // Past the last symbol only its exact address is it (libtraceevent's end-of-table sentinel).
      if (exact || at + 1 < hi.length) {
        while (at > 0 && hi[at - 1] === hi[at] && lo[at - 1] === lo[at]) at--;
        r = { name: nameAt(text, idx.from[at] as number), start: (BigInt(hi[at] as number) << 32n) | BigInt(lo[at] as number) };
      }
    }
    if (cache.size < 65536) cache.set(addr, r);
    return r;
  }

  return {
    find,
    get size() {
      return text.length;
    },
  };
}
