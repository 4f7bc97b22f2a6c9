#!/usr/bin/env node
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NS_PER_S, NS_PER_US } from '../model/time.js';
import { benchTasks, findBenchTask, type TaskResult } from './registry.js';
import { boundHeapGrowth } from '../input/heap-growth.js';
import './tasks.js';
import './analyze-tasks.js';
import './floor-tasks.js';
import './binary-tasks.js';
import './perfdata-tasks.js';
import './fleet-tasks.js';
import './report-tasks.js';
import './thread-tasks.js';

/**
 * `npm run bench -- <trace> [--tasks a,b] [--rounds N]`: times each registered task over the same
 * file in this one run, each in a child process of its own so its peak RSS is its own, and prints
 * MB/s, lines/s, peak RSS and the ratio of its time to the bare newline count's. The baseline runs
 * first and last (the first also warms the page cache); its best time is the reference.
 */

interface Measured extends TaskResult {
  task: string;
  /** Wall time of the task, ns. */
  ns: number;
  /** Peak resident set of the child, in bytes (resourceUsage().maxRSS, the kernel's own high-water mark). */
  peakRss: number;
  /** Highest rss sampled while the task ran (memoryUsage().rss every RSS_SAMPLE_MS). */
  sampledRss: number;
  /** CPU time of the child (user + system), ns: less sensitive than wall time to a busy machine. */
  cpuNs: number;
}

const CHILD_FLAG = '--bench-child';
const RSS_SAMPLE_MS = 20;

/** The project's targets per task: parsing and analysis against the newline count, emission in lines/s. */
const TARGETS: Record<string, { maxRatio: number; maxRssMb: number } | { minLinesPerSec: number }> = {
  'read-lines': { maxRatio: 3, maxRssMb: 150 },
  parse: { maxRatio: 3, maxRssMb: 150 },
  inspect: { maxRatio: 3, maxRssMb: 150 },
  analyze: { maxRatio: 4, maxRssMb: 200 },
  'analyze-1t': { maxRatio: 4, maxRssMb: 200 },
  'simulate-ftrace': { minLinesPerSec: 1_000_000 },
};

async function runChild(taskName: string, path: string): Promise<void> {
  const task = findBenchTask(taskName);
  if (!task) throw new Error(`unknown bench task ${taskName}`);
  let sampled = process.memoryUsage.rss();
  const timer = setInterval(() => {
    const r = process.memoryUsage.rss();
    if (r > sampled) sampled = r;
  }, RSS_SAMPLE_MS);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const res = await task.run(path);
  const ns = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(c0);
  clearInterval(timer);
  const m: Measured = {
    ...res,
    task: taskName,
    ns,
    // cpuUsage() counts µs.
    cpuNs: (cpu.user + cpu.system) * NS_PER_US,
    peakRss: process.resourceUsage().maxRSS * 1024,
    sampledRss: Math.max(sampled, process.memoryUsage.rss()),
  };
  process.send?.(m);
}

function measure(taskName: string, path: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, taskName, path], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let got: Measured | undefined;
    child.on('message', (m) => {
      got = m as Measured;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (got && code === 0) resolve(got);
      else reject(new Error(`bench task ${taskName} failed (exit ${code})`));
    });
  });
}

const MB = 1e6;
const fmt = (n: number, d = 1): string => n.toFixed(d);

function report(rows: Measured[], base: Measured): string {
  const out: string[] = [];
  out.push(`${'task'.padEnd(14)} ${'time s'.padStart(7)} ${'cpu s'.padStart(7)} ${'MB/s'.padStart(8)} ${'Mlines/s'.padStart(9)} ${'peak RSS MB'.padStart(12)} ${'× newline'.padStart(10)} ${'(cpu)'.padStart(6)}  notes`);
  for (const r of rows) {
    const s = r.ns / NS_PER_S;
    out.push(
      `${r.task.padEnd(14)} ${fmt(s, 2).padStart(7)} ${fmt(r.cpuNs / NS_PER_S, 2).padStart(7)} ${fmt(r.bytes / MB / s).padStart(8)} ${fmt(r.lines / 1e6 / s, 2).padStart(9)} ${fmt(r.peakRss / MB).padStart(12)} ${fmt(r.ns / base.ns, 2).padStart(10)} ${fmt(r.cpuNs / base.cpuNs, 1).padStart(6)}  ${r.events !== undefined ? `${r.events} events ` : ''}${r.note ?? ''}`,
    );
  }
  return out.join('\n');
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === CHILD_FLAG) {
    // As the CLI runs: the task's peak RSS is the one a user sees.
    boundHeapGrowth();
    await runChild(argv[1] ?? '', argv[2] ?? '');
    return 0;
  }
  let path: string | undefined;
  let only: string[] | undefined;
  let rounds = 1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--tasks') only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--rounds') rounds = Math.max(1, Number(argv[++i] ?? '1') || 1);
    else if (!a.startsWith('--')) path = a;
  }
  if (!path || !existsSync(path)) {
    process.stderr.write('usage: npm run bench -- <trace file> [--tasks name,name] [--rounds N]\n');
    process.stderr.write(`tasks: ${benchTasks().map((t) => t.name).join(', ')}\n`);
    return 2;
  }
  const all = benchTasks();
  const baseline = all.find((t) => t.baseline);
  if (!baseline) throw new Error('no baseline bench task registered');
  const others = all.filter((t) => !t.baseline && (!only || only.includes(t.name)));
  process.stdout.write(`iopath bench: ${path}\nnode ${process.version}, ${rounds} round(s); each task in its own process\n\n`);
  const baseRuns: Measured[] = [];
  const rows: Measured[] = [];
  baseRuns.push(await measure(baseline.name, path));
  for (let r = 0; r < rounds; r++) {
    for (const t of others) {
      const m = await measure(t.name, path);
      const prev = rows.find((x) => x.task === t.name);
      if (!prev) rows.push(m);
      else if (m.ns < prev.ns) rows[rows.indexOf(prev)] = m;
    }
  }
  baseRuns.push(await measure(baseline.name, path));
  const base = baseRuns.reduce((a, b) => (b.ns < a.ns ? b : a));
  process.stdout.write(`${report([base, ...rows], base)}\n\n`);
  process.stdout.write('targets\n');
  for (const r of rows) {
    const t = TARGETS[r.task];
    if (!t) continue;
    if ('minLinesPerSec' in t) {
      const lps = r.lines / (r.ns / NS_PER_S);
      process.stdout.write(`  ${r.task}: ${fmt(lps / 1e6, 2)} M lines/s (target ≥ ${t.minLinesPerSec / 1e6}) ${lps >= t.minLinesPerSec ? 'ok' : 'UNDER'}\n`);
      continue;
    }
    const ratio = r.ns / base.ns;
    const perf = rows.find((x) => x.task === 'perf-script');
    if (perf && r.task.startsWith('analyze')) process.stdout.write(`  ${r.task}: ${fmt(perf.ns / r.ns, 2)}× faster than perf script (target ≥ 2)\n`);
    const rssOk = r.peakRss <= t.maxRssMb * MB;
    process.stdout.write(`  ${r.task}: ${fmt(ratio, 2)}× newline count (target ≤ ${t.maxRatio}) ${ratio <= t.maxRatio ? 'ok' : 'OVER'}, peak RSS ${fmt(r.peakRss / MB)} MB (target ≤ ${t.maxRssMb}) ${rssOk ? 'ok' : 'OVER'}\n`);
  }
  // A trace.dat: analyze against the text step it saves (trace-cmd report alone), target ≥ 3× faster.
  const tcmd = rows.find((r) => r.task === 'trace-cmd-report');
  for (const r of rows.filter((x) => tcmd && (x.task === 'analyze' || x.task === 'analyze-1t'))) {
    const speedup = (tcmd as Measured).ns / r.ns;
    process.stdout.write(`  ${r.task} vs trace-cmd report: ${fmt(speedup, 2)}× faster (target ≥ 3) ${speedup >= 3 ? 'ok' : 'UNDER'}\n`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
