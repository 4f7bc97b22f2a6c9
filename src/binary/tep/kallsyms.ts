/**
 * Kernel symbols (`/proc/kallsyms` text, as trace.dat stores it) for `%ps` work functions:
 *
 *   ffffffff814a6b30 T iomap_dio_complete_work
 *   ffffffffc0a01000 t virtblk_done	[virtio_blk]
 *
 * A lookup finds the function that contains an address, as libtraceevent does (the symbol at or
 * below it, provided the next symbol starts above it). Absolute symbols (`A`/`a`: per-CPU
 * offsets) and ARM's `$a` mapping symbols are skipped, as there. The text is parsed on the first
 * lookup: a file whose events print no function pointer never pays for its 5 MB of symbols.
 */

export interface Kallsyms {
  find(addr: bigint): { name: string; start: bigint } | undefined;
  readonly size: number;
}

const LINE = /^([0-9a-fA-F]{1,16})\s+(\S)\s+(\S+)/;

export function parseKallsyms(text: string): Kallsyms {
  let addrs: BigUint64Array | null = null;
  let names: string[] = [];
  const cache = new Map<bigint, { name: string; start: bigint } | undefined>();

  function build(): BigUint64Array {
    const entries: { a: bigint; n: string; i: number }[] = [];
    let i = 0;
    for (const line of text.split('\n')) {
      const m = LINE.exec(line);
      if (!m) continue;
      const type = m[2]!;
      const name = m[3]!;
      if (type === 'A' || type === 'a' || name.startsWith('$')) continue;
      entries.push({ a: BigInt(`0x${m[1]}`), n: name, i: i++ });
    }
    // Equal addresses keep their order in the file (aliases: the first one listed is named).
    entries.sort((x, y) => (x.a < y.a ? -1 : x.a > y.a ? 1 : x.i - y.i));
    const out = new BigUint64Array(entries.length);
    names = new Array<string>(entries.length);
    entries.forEach((e, k) => {
      out[k] = e.a;
      names[k] = e.n;
    });
    return out;
  }

  function find(addr: bigint): { name: string; start: bigint } | undefined {
    if (cache.has(addr)) return cache.get(addr);
    addrs ??= build();
    // The last symbol at or below addr, then back to the first of its aliases.
    let lo = 0;
    let hi = addrs.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((addrs[mid] as bigint) <= addr) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    let r: { name: string; start: bigint } | undefined;
    if (at >= 0) {
      const start = addrs[at] as bigint;
      // Past the last symbol only its exact address is it (libtraceevent's end-of-table sentinel).
      if (start === addr || at + 1 < addrs.length) {
        while (at > 0 && addrs[at - 1] === start) at--;
        r = { name: names[at] as string, start };
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
