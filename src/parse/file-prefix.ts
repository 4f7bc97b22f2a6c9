/**
 * `trace-cmd report -i host.dat -i guest.dat` (and a trace.dat holding several instances) prints
 * each line behind the name of the file it came from, right-aligned to the longest name
 * (tracecmd/trace-read.c, print_handle_file: `printf("%*s: ", max_file_size, file)`), and one
 * `cpus=N` line per file:
 *
 *   `trace.dat:           ping-3071450 [013]  4532.119335: sched_switch: …`
 *   ` host.dat:        <idle>-0     [001]  4532.119340: irq_handler_entry: …`
 *
 * The header tokenizer reads `trace.dat:           ping` as the task; this splits the name off.
 * CPU 13 of one file and CPU 13 of another are two timelines (two machines, or two buffers), so
 * each file after the first seen gets a CPU space of its own: its CPUs are numbered from
 * `index × stride`, the stride being the largest `cpus=` header (every file's CPUs fit), or
 * FALLBACK_STRIDE when the report's header was cut off.
 */

/** `file: ` then the task, padded by trace-cmd to 16 columns (so usually several spaces). */
const PREFIX = /^(\S+): ( *)(?=\S)/;

/** CPU space given to a file when no `cpus=` header says how many CPUs it has. */
export const FALLBACK_STRIDE = 256;

export interface FilePrefixes {
  /**
   * Splits the file name off `comm` when it has one; returns the task name and the CPU offset of
   * that file, or null when the name holds no file prefix.
   */
  split(comm: string): { comm: string; offset: number } | null;
  /** Files seen, in order of first appearance. */
  readonly files: () => readonly string[];
}

/**
 * @param stride the CPU count of the largest file (from its `cpus=` header), or undefined
 */
export function createFilePrefixes(stride: () => number | undefined): FilePrefixes {
  const index = new Map<string, number>();
  let step = 0;
  return {
    split(comm) {
      const m = PREFIX.exec(comm);
      if (m === null) return null;
      const file = m[1] as string;
      const pad = m[2] as string;
      // A task name may itself hold `: ` (`my task: x`): until one line has shown a file prefix,
      // accept one only where trace-cmd's padding follows it, which a task name never has.
      if (index.size === 0 && pad.length === 0) return null;
      let i = index.get(file);
      if (i === undefined) {
        i = index.size;
        index.set(file, i);
      }
      if (step === 0) step = Math.max(stride() ?? 0, 0) || FALLBACK_STRIDE;
      return { comm: comm.slice(m[0].length), offset: i * step };
    },
    files: () => [...index.keys()],
  };
}
