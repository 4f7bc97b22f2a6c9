import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Source } from '../input/lines.js';
import { analyzeMany, analyzeSequential, type TraceJob } from '../tables/pool.js';
import { benchTask, type TaskResult } from './registry.js';

/**
 * Many traces in one call, with the same outputs (the Parquet tables) every way:
 * - `analyze-8-cli`: 8 `iopath analyze T --parquet DIR` runs one after another, what a user does
 *   without the many-trace call (each run starts Node and loads the analyzer again);
 * - `analyze-8-seq`: the 8 one after another in this process (loaded once: the stricter baseline);
 * - `analyze-8-pool`: `iopath analyze A … H --parquet DIR`, this process and a child per other core.
 * The CPU time of child processes is not in the harness's `cpu s` column (process.cpuUsage counts
 * this process): the note gives it, from /proc/self/stat's cutime + cstime of the reaped children.
 */

const COPIES = 8;
const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));

/** CPU seconds of this process's waited-for children (Linux: /proc/self/stat fields 16 and 17, in clock ticks of 1/100 s). */
function childrenCpuS(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

type Run = (jobs: TraceJob[]) => Promise<{ input: { lines: number; events: number }; ios: { total: number } }[]>;

async function result(src: Source, run: Run): Promise<TaskResult> {
  if (typeof src !== 'string') throw new Error('the fleet bench tasks need a trace path');
  const dir = mkdtempSync(join(tmpdir(), 'iopath-bench-fleet-'));
  try {
    const k0 = childrenCpuS();
    const self0 = process.cpuUsage();
    const all = await run(Array.from({ length: COPIES }, (_, i) => ({ path: src, trace: `t${i}`, parquet: dir })));
    const self = process.cpuUsage(self0);
    const kids = childrenCpuS() - k0;
    return {
      bytes: COPIES * statSync(src).size,
      lines: all.reduce((n, a) => n + a.input.lines, 0),
      events: all.reduce((n, a) => n + a.input.events, 0),
      note: `${COPIES} traces, ios=${all.reduce((n, a) => n + a.ios.total, 0)}; cpu with children ${((self.user + self.system) / 1e6 + kids).toFixed(2)} s (children ${kids.toFixed(2)} s)`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 8 CLI runs in a row; their I/O counts come from each run's --json. */
const cliRuns: Run = async (jobs) =>
  jobs.map((j) => {
    const r = spawnSync(process.execPath, [CLI, 'analyze', j.path, '--parquet', j.parquet!, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`iopath analyze ${j.path}: exit ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout) as { input: { lines: number; events: number }; ios: { total: number } };
  });

benchTask('analyze-8-cli', `${COPIES} \`iopath analyze T --parquet DIR\` runs, one after another`, (src) => result(src, cliRuns));
benchTask('analyze-8-seq', `analyze the trace ${COPIES} times with --parquet, one after another in this process`, (src) => result(src, analyzeSequential));
benchTask('analyze-8-pool', `analyze the trace ${COPIES} times with --parquet in one call: this process and a child per other core`, (src) => result(src, (j) => analyzeMany(j)));
