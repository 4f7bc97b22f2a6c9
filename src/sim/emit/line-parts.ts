import { NS_PER_S, NS_PER_US } from '../../model/time.js';

/**
 * Small, cached pieces of an event line. Event lines repeat the same task column and second
 * value millions of times, so those strings are built once.
 */

/** `%03d` of a CPU number as the three tracers print it (a negative one, `-1`, plainly). */
export function cpu3(n: number): string {
  return n >= 0 && n < 10 ? `00${n}` : n >= 0 && n < 100 ? `0${n}` : String(n);
}

/** ` %5lu.%06lu` of the kernel (and of trace-cmd and perf): truncated to whole µs. */
export function createTsFormatter(): (ts: number) => string {
  let lastSec = -1;
  let secText = '';
  return (ts) => {
    const sec = Math.floor(ts / NS_PER_S);
    if (sec !== lastSec) {
      lastSec = sec;
      secText = String(sec).padStart(5, ' ');
    }
    const us = Math.floor((ts - sec * NS_PER_S) / NS_PER_US);
    return `${secText}.${us < 100000 ? String(us).padStart(6, '0') : us}`;
  };
}

/** Caches one string per (pid, cpu, comm): the task and CPU columns of a line. */
export function createTaskColumn(build: (comm: string, pid: number, cpu: number) => string): (comm: string, pid: number, cpu: number) => string {
  const cache = new Map<number, { comm: string; text: string }>();
  return (comm, pid, cpu) => {
    const key = pid * 4096 + cpu;
    const hit = cache.get(key);
    if (hit !== undefined && hit.comm === comm) return hit.text;
    const text = build(comm, pid, cpu);
    if (cache.size > 4096) cache.clear();
    cache.set(key, { comm, text });
    return text;
  };
}
