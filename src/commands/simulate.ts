import { createWriteStream, type WriteStream } from 'node:fs';
import type { Command } from 'commander';
import { simulate } from '../index.js';
import { NS_PER_MS, NS_PER_S } from '../model/time.js';
import { TRACE_FORMATS } from '../parse/formats.js';
import type { SimulateSinks, TextStream } from '../sim/index.js';
import { describeParams, type SimParams } from '../sim/params.js';
import { POLICY_NAMES } from '../sim/policies/index.js';
import { PRESET_NAMES, PRESETS } from '../sim/presets.js';
import type { SimulationFigures } from '../sim/stats.js';
import { CliError, command, writeJson } from './common.js';
import { enumOption, intOption, IO_ENGINES, numberOption, RW_MODES } from './options.js';

/** `iopath simulate`: option parsing only; the model lives in src/sim. */

export interface SimulateCliOptions {
  preset?: string;
  kernel?: string;
  engine?: string;
  rw?: string;
  iodepth?: string;
  bs?: string;
  ios?: string;
  duration?: string;
  submitCpu?: string;
  irqCpu?: string;
  seed?: string;
  format?: string;
  output?: string;
  truth?: string;
  json?: boolean;
}

/** `4k`, `4096`, `1m`, `512b`. */
export function parseSize(v: string): number {
  const m = /^(\d+)([bkmg]?)$/i.exec(v.trim());
  if (!m) throw new CliError(`--bs must be a size like 4096, 4k or 1m (got "${v}")`);
  const mult = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase()] ?? 1;
  return Number(m[1]) * mult;
}

export function optionsToParams(o: SimulateCliOptions): Partial<SimParams> {
  const p: Partial<SimParams> = {};
  if (o.kernel !== undefined) p.kernel = enumOption('--kernel', o.kernel, POLICY_NAMES);
  if (o.engine !== undefined) p.engine = enumOption('--engine', o.engine, IO_ENGINES);
  if (o.rw !== undefined) p.rw = enumOption('--rw', o.rw, RW_MODES);
  if (o.iodepth !== undefined) p.iodepth = intOption('--iodepth', o.iodepth, 1);
  if (o.bs !== undefined) p.bs = parseSize(o.bs);
  if (o.ios !== undefined && o.duration !== undefined) throw new CliError('give --ios or --duration, not both');
  if (o.ios !== undefined) p.ios = intOption('--ios', o.ios, 1);
  if (o.duration !== undefined) {
    const s = numberOption('--duration', o.duration, (x) => x > 0, 'a number of seconds > 0');
    p.ios = 0;
    p.durationNs = Math.round(s * NS_PER_S);
  }
  if (o.submitCpu !== undefined) p.submitCpu = intOption('--submit-cpu', o.submitCpu, 0);
  if (o.irqCpu !== undefined) p.irqCpu = intOption('--irq-cpu', o.irqCpu, 0);
  return p;
}

function fileSink(path: string): WriteStream {
  const s = createWriteStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  // An open or write error (ENOENT, EACCES, ENOSPC) is kept in `errored` for close() to report;
  // with no listener yet, the 'error' event would crash the process instead.
  s.on('error', () => undefined);
  return s;
}

function close(s: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    if (s.errored) return reject(s.errored);
    // end()'s callback gets the stream's error: resolving regardless made an unwritable -o exit 0.
    s.end((err?: Error | null) => (err ? reject(err) : resolve()));
  });
}

export function formatFigures(f: SimulationFigures): string {
  const total = f.ios || 1;
  const share = (n: number): string => `${n} (${((100 * n) / total).toFixed(1)}%)`;
  const out = [
    `preset ${f.preset ?? '-'}  kernel ${f.kernel}  seed ${f.seed}`,
    `ios ${f.ios} in ${(f.simulatedNs / NS_PER_MS).toFixed(3)} ms: ${f.iops} IOPS, mean latency ${f.meanLatencyUs} µs`,
    `irq-inline ${share(f.byMode['irq-inline'])} [hardirq ${f.byIrqCtx.hardirq}, softirq ${f.byIrqCtx.softirq}]  kworker-deferred ${share(f.byMode['kworker-deferred'])}  task-inline ${share(f.byMode['task-inline'])}`,
    ...f.cpus.map((c) => `cpu ${c.cpu}: busy ${c.busyPct}%  hardirq ${c.hardirqPct}%  softirq ${c.softirqPct}%  irqs ${c.irqs}  switches ${c.switches}  ${Object.entries(c.tasks).map(([k, v]) => `${k} ${v}%`).join('  ')}`),
  ];
  return `${out.join('\n')}\n`;
}

export const runSimulate = command(async (o: SimulateCliOptions): Promise<number> => {
  const preset = enumOption('--preset', o.preset, PRESET_NAMES);
  const format = enumOption('--format', o.format ?? 'ftrace', TRACE_FORMATS);
  const seed = o.seed === undefined ? 1 : intOption('--seed', o.seed, 0);
  const params = optionsToParams(o);
  const out = o.output ?? (o.json ? undefined : '-');
  const sinks: SimulateSinks = {};
  const files: WriteStream[] = [];
  if (out !== undefined) {
    if (out === '-') sinks.trace = process.stdout as unknown as TextStream;
    else {
      const s = fileSink(out);
      files.push(s);
      sinks.trace = s;
    }
  }
  let truthFormat: 'csv' | 'jsonl' = 'csv';
  if (o.truth !== undefined) {
    truthFormat = /\.jsonl?$/i.test(o.truth) ? 'jsonl' : 'csv';
    const s = fileSink(o.truth);
    files.push(s);
    sinks.truth = s;
  }
  let fig: SimulationFigures;
  try {
    fig = await simulate({ preset, params, seed, format, truthFormat }, sinks);
  } finally {
    await Promise.all(files.map(close));
  }
  if (o.json) writeJson(fig);
  else if (out !== '-') process.stdout.write(formatFigures(fig));
  return 0;
});

export function registerSimulate(program: Command): void {
  const presets = PRESET_NAMES.map((n) => `  ${n.padEnd(14)} ${PRESETS[n].description}`).join('\n');
  program
    .command('simulate')
    .description('simulate fio + device + kernel completion path + scheduler and write the trace it would give, with ground truth')
    .option('--preset <name>', `start from a preset: ${PRESET_NAMES.join(', ')}`)
    .option('--kernel <policy>', `DIO completion policy: ${POLICY_NAMES.join(', ')}`)
    .option('--engine <engine>', `fio ioengine: ${IO_ENGINES.join(', ')}`)
    .option('--rw <mode>', `fio rw: ${RW_MODES.join(', ')}`)
    .option('--iodepth <n>', 'I/Os in flight')
    .option('--bs <size>', 'block size (4096, 4k, 1m)')
    .option('--ios <n>', 'number of I/Os')
    .option('--duration <seconds>', 'simulated seconds instead of a number of I/Os')
    .option('--submit-cpu <cpu>', 'CPU fio is pinned to')
    .option('--irq-cpu <cpu>', 'CPU the device interrupt goes to')
    .option('--seed <n>', 'random seed (same seed and options: byte-identical output)', '1')
    .option('--format <format>', 'trace format: ftrace | trace-cmd | perf', 'ftrace')
    .option('-o, --output <file>', 'trace output file, or - for stdout (default: stdout; none with --json)')
    .option('--truth <file>', 'write per-I/O ground truth: CSV, or JSON lines when the name ends in .jsonl')
    .option('--json', 'print the run figures as JSON (schema iopath.simulation/1) instead of a trace')
    .addHelpText('after', `\nPresets:\n${presets}\n\nModel parameters (name=default  reason); presets and options override them:\n${describeParams()}\n`)
    .action(async (opts: SimulateCliOptions) => {
      process.exitCode = await runSimulate(opts);
    });
}
