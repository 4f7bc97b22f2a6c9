import { chooseBaseSec, NS_PER_S } from '../../../model/time.js';

/**
 * perf times are u64 nanoseconds since boot: exact in a JS number for ~104 days of uptime. Past
 * ~46 days the text parsers count from the first event's whole second (`chooseBaseSec`), and so
 * does this: the base is split into u32 halves once (with BigInt), and each time is rebuilt as
 * (hi - baseHi) · 2^32 + (lo - baseLo), which stays exact as long as the difference does.
 */

export interface TimeBase {
  /** Nanoseconds from the base, or -1 for perf's "no time" (0, which perf never orders). */
  ns(hi: number, lo: number): number;
  readonly baseSec: number;
}

const TWO32 = 4294967296;

export function createTimeBase(): TimeBase {
  let chosen = false;
  let baseSec = 0;
  let bHi = 0;
  let bLo = 0;
  return {
    ns(hi, lo) {
      if (hi === 0 && lo === 0) return -1;
      if (!chosen) {
        chosen = true;
        baseSec = chooseBaseSec({ sec: Math.floor((hi * TWO32 + lo) / NS_PER_S), fracNs: 0 });
        const b = BigInt(baseSec) * 1_000_000_000n;
        bHi = Number(b >> 32n);
        bLo = Number(b & 0xffffffffn);
      }
      return (hi - bHi) * TWO32 + (lo - bLo);
    },
    get baseSec() {
      return baseSec;
    },
  };
}
