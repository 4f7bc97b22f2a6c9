/**
 * Time in iopath is an integer number of nanoseconds (a JS number, exact below 2^53 ns ≈ 104 days).
 * Trace clocks count from boot, so a machine up for longer than that would lose precision; the
 * parsers then rebase on the first timestamp's whole seconds (see `TimestampParser`), which keeps
 * every difference exact.
 */
export type Nanos = number;

export const NS_PER_US = 1_000;
export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;

/** Seconds beyond which `sec * 1e9 + frac` could exceed 2^53; above it we rebase. */
const REBASE_ABOVE_SEC = 4_000_000;

/**
 * Parses "505.924806" (µs), "508.368473123" (ns) or "1234" (counter clocks) from `text[start, end)`
 * into integer nanoseconds using integer arithmetic only (never parseFloat × 1e9, which rounds).
 * Returns NaN when the text is not a timestamp.
 */
export function parseTimestampNs(text: string, start: number, end: number, baseSec = 0): Nanos {
  let sec = 0;
  let i = start;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) break;
    if (c < 48 || c > 57) return NaN;
    sec = sec * 10 + (c - 48);
  }
  if (i === start) return NaN;
  // A counter clock (`trace_clock` of x86-tsc, counter, …) prints a bare integer: keep its units as is.
  if (i === end) return sec;
  let frac = 0;
  let digits = 0;
  for (i++; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return NaN;
    if (digits < 9) {
      frac = frac * 10 + (c - 48);
      digits++;
    }
  }
  if (digits === 0) return NaN;
  for (; digits < 9; digits++) frac *= 10;
  return (sec - baseSec) * NS_PER_S + frac;
}

/** Decides once per input whether timestamps need rebasing (uptime over ~46 days). */
export function chooseBaseSec(firstSeconds: number): number {
  return firstSeconds >= REBASE_ABOVE_SEC ? Math.floor(firstSeconds) : 0;
}

/** Formats ns as "505.924806" with `decimals` digits (6 or 9), truncating as the kernel does. */
export function formatTimestamp(ns: Nanos, decimals: 6 | 9, baseSec = 0): string {
  const sec = Math.floor(ns / NS_PER_S) + baseSec;
  const frac = ns - (sec - baseSec) * NS_PER_S;
  if (decimals === 9) return `${sec}.${String(frac).padStart(9, '0')}`;
  return `${sec}.${String(Math.floor(frac / 1000)).padStart(6, '0')}`;
}

export const nsToUs = (ns: Nanos): number => ns / NS_PER_US;
