/**
 * Time in iopath is an integer number of nanoseconds (a JS number, exact below 2^53 ns ≈ 104 days).
 * Trace clocks count from boot, so a machine up for longer than that would lose precision; the
 * line parser then rebases on the first timestamp's whole seconds (`chooseBaseSec`), which keeps
 * every difference exact.
 */
export type Nanos = number;

export const NS_PER_US = 1_000;
export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;

/** Seconds beyond which `sec * 1e9 + frac` could exceed 2^53; above it we rebase. */
const REBASE_ABOVE_SEC = 4_000_000;

/** A timestamp as printed, before rebasing: whole seconds, and the fraction in ns. */
export interface TimestampParts {
  sec: number;
  /** The fraction in ns; -1 for a counter clock's bare integer (`trace_clock` x86-tsc, counter…). */
  fracNs: number;
}

export const newTimestampParts = (): TimestampParts => ({ sec: 0, fracNs: 0 });

const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

/**
 * Reads "505.924806" (µs), "508.368473123" (ns) or "1234" (a counter clock) from `text[start, end)`
 * into `out` with integer arithmetic only (never parseFloat × 1e9, which rounds). Digits past the
 * ninth decimal are dropped, as the kernel would. False when the text is not a timestamp. This is
 * every parser's timestamp reader, the header tokenizer's included: keep it allocation-free.
 */
export function readTimestamp(text: string, start: number, end: number, out: TimestampParts): boolean {
  let i = start;
  let sec = 0;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) break;
    if (c < 48 || c > 57) return false;
    sec = sec * 10 + (c - 48);
  }
  if (i === start) return false;
  if (i === end) {
    out.sec = sec;
    out.fracNs = -1;
    return true;
  }
  let frac = 0;
  let digits = 0;
  for (i++; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
    if (digits < 9) {
      frac = frac * 10 + (c - 48);
      digits++;
    }
  }
  if (digits === 0) return false;
  out.sec = sec;
  out.fracNs = frac * (POW10[9 - digits] as number);
  return true;
}

/** Integer ns of a read timestamp, less `baseSec` whole seconds; a counter clock's integer as is. */
export function timestampNs(t: TimestampParts, baseSec: number): Nanos {
  return t.fracNs < 0 ? t.sec : (t.sec - baseSec) * NS_PER_S + t.fracNs;
}

/** Decides once per input whether timestamps need rebasing (uptime over ~46 days); never for a counter clock. */
export function chooseBaseSec(first: TimestampParts): number {
  return first.fracNs >= 0 && first.sec >= REBASE_ABOVE_SEC ? first.sec : 0;
}

const scratch = newTimestampParts();

/** `readTimestamp` then `timestampNs`: NaN when `text[start, end)` is not a timestamp. */
export function parseTimestampNs(text: string, start: number, end: number, baseSec = 0): Nanos {
  return readTimestamp(text, start, end, scratch) ? timestampNs(scratch, baseSec) : NaN;
}
