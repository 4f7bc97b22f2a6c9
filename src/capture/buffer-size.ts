import type { Tracefs } from './tracefs.js';

/**
 * The per-CPU ring buffer size. The shared captures used 256 MiB per CPU (20000 fio I/Os with no
 * overrun); on a machine with many CPUs or little memory that is too much, so the default is capped
 * at a quarter of the available memory spread over the CPUs.
 */

export const DEFAULT_BUFFER_KB = 262144;
const MIN_DEFAULT_KB = 1024;

/**
 * A `--format dat` capture reads the buffer while the command runs, so the buffer only has to cover
 * the reader's pauses, not the whole trace: on the 20000-I/O fio job of the shared captures, 2 MiB
 * per CPU lost nothing in 8 runs on a loaded machine, where the text capture with the same buffer
 * lost 28k–214k events. 16 MiB leaves eight times that.
 */
export const STREAMING_BUFFER_KB = 16384;

export function defaultBufferKb(cpus: number, memAvailableKb: number | undefined, streaming = false): number {
  const top = streaming ? STREAMING_BUFFER_KB : DEFAULT_BUFFER_KB;
  if (memAvailableKb === undefined || cpus <= 0) return top;
  const share = Math.floor(memAvailableKb / 4 / cpus);
  return Math.max(MIN_DEFAULT_KB, Math.min(top, share));
}

export function memAvailableKb(meminfo: string): number | undefined {
  const m = /^MemAvailable:\s+(\d+) kB/m.exec(meminfo);
  return m ? Number(m[1]) : undefined;
}

/**
 * `8195`, or `7 (expanded: 1408)` before anything used tracing (the buffer is still at its boot
 * minimum and grows to the expanded size on first use), or `X` when CPUs differ (undefined here).
 */
export function parseBufferSize(text: string): { kb: number; expandedKb?: number } | undefined {
  const m = /^\s*(\d+)(?:\s*\(expanded:\s*(\d+)\))?/.exec(text);
  if (!m) return undefined;
  return m[2] === undefined ? { kb: Number(m[1]) } : { kb: Number(m[1]), expandedKb: Number(m[2]) };
}

/**
 * The size to write back. An unexpanded buffer cannot be put back as it was (any write expands
 * it); writing the boot minimum would leave every later user a tiny buffer, so the size the kernel
 * would have expanded to is restored instead.
 */
export function restorableKb(text: string): number | undefined {
  const v = parseBufferSize(text);
  return v === undefined ? undefined : (v.expandedKb ?? v.kb);
}

/** Sets every CPU's buffer to `kb`, journaling the old size (per CPU when they differed). */
export function setBufferKb(tfs: Tracefs, kb: number): void {
  const rel = 'buffer_size_kb';
  if (!tfs.journal.has(rel)) {
    const before = tfs.read(rel);
    const all = restorableKb(before);
    if (all !== undefined) {
      tfs.journal.record(rel, `${rel}=${all}`, () => tfs.write(rel, `${all}\n`));
    } else {
      const perCpu = tfs.cpus().map((cpu) => {
        const cpuRel = `per_cpu/cpu${cpu}/${rel}`;
        return { cpuRel, kb: restorableKb(tfs.read(cpuRel)) };
      });
      tfs.journal.record(rel, `${rel} per CPU=${perCpu.map((p) => p.kb ?? '?').join(',')}`, () => {
        for (const p of perCpu) if (p.kb !== undefined) tfs.write(p.cpuRel, `${p.kb}\n`);
      });
    }
  }
  tfs.write(rel, `${kb}\n`);
}
