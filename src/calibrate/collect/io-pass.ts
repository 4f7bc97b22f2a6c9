import type { Source } from '../../input/lines.js';
import { analyzeTrace, type AnalyzeOptions } from '../../analyze/pipeline.js';
import type { Analysis } from '../../model/analysis.js';

/**
 * The first pass: `analyze` links every I/O (submission, issue, block completion, queue_work,
 * kworker, completion) and classifies it. Calibration keeps from it what the second pass needs to
 * read costs off the raw events — the submitter, its completions and each block completion's
 * issue time, by input line — plus the I/Os in flight at each moment (iodepth). Only numbers are
 * kept per I/O, grouped by submitter, never the paths themselves.
 */

/** What the second pass (walk.ts) needs from the first, by input line. */
export interface WalkInput {
  submitterPid: number;
  kworkerPids: ReadonlySet<number>;
  /** Input lines of the completions of the submitter's I/Os (iomap_dio_complete or inferred). */
  completionLines: ReadonlySet<number>;
  /** Input line of each followed I/O's block_rq_complete → its block_rq_issue time. */
  deviceLines: ReadonlyMap<number, number>;
  /** The I/O window (first submission → last completion). */
  window: { startNs: number; endNs: number };
}

export interface IoPass {
  analysis: Analysis;
  walk: WalkInput;
  submitter: { pid: number; comm: string; cpu: number; ios: number } | null;
  /** Most I/Os of the submitter in the kernel at once (submission → completion). */
  maxInFlight: number;
  /** Followed I/Os per completion mode, for the submitter's reads and writes. */
  modesByDir: { R: Record<string, number>; W: Record<string, number> };
}

interface PerSubmitter {
  completionLines: number[];
  starts: number[];
  ends: number[];
  modesByDir: { R: Record<string, number>; W: Record<string, number> };
}

export async function ioPass(source: Source, opts: Pick<AnalyzeOptions, 'format' | 'label'> = {}): Promise<IoPass> {
  const deviceLines = new Map<number, number>();
  const bySubmitter = new Map<number, PerSubmitter>();
  const { analysis } = await analyzeTrace(source, {
    format: opts.format,
    label: opts.label,
    onPath: (p) => {
      if (p.issue && p.deviceComplete) deviceLines.set(p.deviceComplete.line, p.issue.ts);
      const pid = p.submitterPid ?? -1;
      let s = bySubmitter.get(pid);
      if (s === undefined) bySubmitter.set(pid, (s = { completionLines: [], starts: [], ends: [], modesByDir: { R: {}, W: {} } }));
      if (p.dir === 'R' || p.dir === 'W') s.modesByDir[p.dir][p.mode] = (s.modesByDir[p.dir][p.mode] ?? 0) + 1;
      const start = p.submit ?? p.issue;
      if (p.completion && start) {
        s.completionLines.push(p.completion.line);
        s.starts.push(start.ts);
        s.ends.push(p.completion.ts);
      }
    },
  });
  const top = [...analysis.submitters].sort((a, b) => b.ios - a.ios)[0];
  const pid = top?.pid ?? -1;
  const mine = bySubmitter.get(pid) ?? { completionLines: [], starts: [], ends: [], modesByDir: { R: {}, W: {} } };
  return {
    analysis,
    walk: {
      submitterPid: pid,
      kworkerPids: new Set(analysis.kworkers.map((k) => k.pid)),
      completionLines: new Set(mine.completionLines),
      deviceLines,
      window: analysis.window,
    },
    submitter: top ? { pid, comm: top.comm, cpu: top.cpus[0] ?? 0, ios: top.ios } : null,
    maxInFlight: maxOverlap(mine.starts, mine.ends),
    modesByDir: mine.modesByDir,
  };
}

/** Largest number of [start, end] intervals open at once. */
export function maxOverlap(starts: number[], ends: number[]): number {
  const s = Float64Array.from(starts).sort();
  const e = Float64Array.from(ends).sort();
  let i = 0;
  let j = 0;
  let open = 0;
  let max = 0;
  while (i < s.length) {
    if ((s[i] as number) <= (e[j] ?? Infinity)) {
      open++;
      i++;
      if (open > max) max = open;
    } else {
      open--;
      j++;
    }
  }
  return max;
}
