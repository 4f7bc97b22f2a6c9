import type { Source } from '../input/lines.js';

/**
 * The benchmark's tasks, by name. Each task reads the whole trace once and says how many lines
 * (and, if it parses, events) it saw; the runner times it in a process of its own so that its
 * peak RSS is its own. A later pass (an `analyze` run, say) joins with one `benchTask` call in a
 * module the runner imports (see tasks.ts).
 */

export interface TaskResult {
  /** Bytes of text the task read (after gunzip). */
  bytes: number;
  lines: number;
  events?: number;
  /** Anything else worth printing (diagnostic counts, …). */
  note?: string;
}

export type BenchFn = (source: Source) => Promise<TaskResult>;

export interface BenchTask {
  name: string;
  description: string;
  /** The baseline the others are compared with (the bare newline count). */
  baseline: boolean;
  run: BenchFn;
}

const tasks = new Map<string, BenchTask>();

export function benchTask(name: string, description: string, run: BenchFn, opts: { baseline?: boolean } = {}): void {
  if (tasks.has(name)) throw new Error(`bench task "${name}" registered twice`);
  tasks.set(name, { name, description, baseline: opts.baseline ?? false, run });
}

export function benchTasks(): readonly BenchTask[] {
  return [...tasks.values()];
}

export function findBenchTask(name: string): BenchTask | undefined {
  return tasks.get(name);
}
