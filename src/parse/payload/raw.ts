import type { Dev } from '../../model/events.js';

/**
 * `trace-cmd report -R` prints each event's raw fields instead of its TP_printk text:
 *   `dev=266338304 sector=37962984 nr_sector=2048 bytes=1048576 ioprio=16388 rwbs=RA comm=fio cmd=`
 *   `prev_comm=bash prev_pid=2891 prev_prio=120 prev_state=1 next_comm=rcu_preempt next_pid=15 next_prio=120`
 * Numbers come as the kernel stored them (a dev_t, an ioprio word, flag bits), so the raw parsers
 * turn them back into what the printed form shows; see kernel-tables.ts for the tables.
 */

/** Splits `a=1 b=two words c=` into fields. A value runs to the next ` name=`, so it may hold spaces. */
export function rawFields(p: string): Map<string, string> | null {
  const out = new Map<string, string>();
  const re = /(?:^| )([a-z_][a-z0-9_]*)=/g;
  let key: string | undefined;
  let from = 0;
  for (let m = re.exec(p); m !== null; m = re.exec(p)) {
    if (key === undefined && m.index !== 0) return null;
    if (key !== undefined) out.set(key, p.slice(from, m.index));
    key = m[1] as string;
    from = m.index + m[0].length;
  }
  if (key === undefined) return null;
  out.set(key, p.slice(from).trimEnd());
  return out;
}

/** A raw number: decimal (possibly negative) or `0x` hex, as libtraceevent prints them. */
export function rawNumber(v: string | undefined): number {
  if (v === undefined || v.length === 0) return NaN;
  if (v.startsWith('0x')) return /^0x[0-9a-fA-F]+$/.test(v) ? parseInt(v.slice(2), 16) : NaN;
  if (!/^-?\d+$/.test(v)) return NaN;
  const n = Number(v);
  if (Math.abs(n) <= Number.MAX_SAFE_INTEGER) return n;
  // A u64 past 2^63 is a negative number printed unsigned (a flush's sector -1): keep it exact.
  const big = BigInt(v);
  return big >= 1n << 63n ? Number(big - (1n << 64n)) : n;
}

/** A kernel dev_t (`MKDEV(major, minor)` = major << 20 | minor) as `{major, minor}`. */
export function rawDev(v: string | undefined): Dev | null {
  const n = rawNumber(v);
  if (!Number.isInteger(n) || n < 0) return null;
  return { major: Math.floor(n / 0x100000), minor: n % 0x100000 };
}

/**
 * An ioprio word as trace-cmd's default output prints it (`0x2,0,4`): libtraceevent cannot resolve
 * the kernel's class names, so it shows the class number. Class = bits 13–15, hint = bits 3–12,
 * level = bits 0–2 (include/uapi/linux/ioprio.h).
 */
export function rawIoprio(v: string | undefined): string | undefined {
  const n = rawNumber(v);
  if (!Number.isInteger(n)) return undefined;
  return `0x${((n >> 13) & 7).toString(16)},${(n >> 3) & 0x3ff},${n & 7}`;
}

/** An inode number as the kernel form prints it (`ino 0x%lx`). */
export function rawHex(v: string | undefined): string | null {
  const n = rawNumber(v);
  if (!Number.isInteger(n) || n < 0) return null;
  return `0x${n.toString(16)}`;
}

/** Decodes a bit set with a `__print_flags` table, names joined by `|` in table order. */
export function flagNames(bits: number, table: readonly (readonly [number, string])[]): string {
  const names: string[] = [];
  let rest = bits;
  for (const [bit, name] of table) {
    if ((bits & bit) === bit && bit !== 0) {
      names.push(name);
      rest &= ~bit;
    }
  }
  // Bits the table does not name are shown in hex, as __print_flags does.
  if (rest !== 0) names.push(`0x${(rest >>> 0).toString(16)}`);
  return names.join('|');
}
