import { createWriteStream, type WriteStream } from 'node:fs';
import type { Command } from 'commander';
import { isTraceFormat, type TraceFormat } from '../parse/formats.js';
import { simulate, type SimulateSinks, type TextStream } from '../sim/index.js';
import { describeParams, type IoEngine, type RwMode, type SimParams } from '../sim/params.js';
import { isPolicyName, POLICY_NAMES } from '../sim/policies/index.js';
import { isPresetName, PRESET_NAMES, PRESETS, type PresetName } from '../sim/presets.js';
import type { SimulationFigures } from '../sim/stats.js';
import { CliError, writeJson } from './common.js';

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

const ENGINES: IoEngine[] = ['libaio', 'io_uring', 'psync'];
const RWS: RwMode[] = ['randwrite', 'write', 'randread', 'read', 'randrw'];

function int(name: string, v: string, min: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min) throw new CliError(`${name} must be an integer ≥ ${min} (got "${v}")`);
  return Number(v);
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
  if (o.kernel !== undefined) {
    if (!isPolicyName(o.kernel)) throw new CliError(`--kernel must be one of ${POLICY_NAMES.join(', ')} (got "${o.kernel}")`);
    p.kernel = o.kernel;
  }
  if (o.engine !== undefined) {
    if (!(ENGINES as string[]).includes(o.engine)) throw new CliError(`--engine must be one of ${ENGINES.join(', ')} (got "${o.engine}")`);
    p.engine = o.engine as IoEngine;
  }
  if (o.rw !== undefined) {
    if (!(RWS as string[]).includes(o.rw)) throw new CliError(`--rw must be one of ${RWS.join(', ')} (got "${o.rw}")`);
    p.rw = o.rw as RwMode;
  }
  if (o.iodepth !== undefined) p.iodepth = int('--iodepth', o.iodepth, 1);
  if (o.bs !== undefined) p.bs = parseSize(o.bs);
  if (o.ios !== undefined && o.duration !== undefined) throw new CliError('give --ios or --duration, not both');
  if (o.ios !== undefined) p.ios = int('--ios', o.ios, 1);
  if (o.duration !== undefined) {
    const s = Number(o.duration);
    if (!(s > 0) || !Number.isFinite(s)) throw new CliError(`--duration must be a number of seconds > 0 (got "${o.duration}")`);
    p.ios = 0;
    p.durationNs = Math.round(s * 1e9);
  }
  if (o.submitCpu !== undefined) p.submitCpu = int('--submit-cpu', o.submitCpu, 0);
  if (o.irqCpu !== undefined) p.irqCpu = int('--irq-cpu', o.irqCpu, 0);
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
    `ios ${f.ios} in ${(f.simulatedNs / 1e6).toFixed(3)} ms: ${f.iops} IOPS, mean latency ${f.meanLatencyUs} µs`,
    `irq-inline ${share(f.byMode['irq-inline'])} [hardirq ${f.byIrqCtx.hardirq}, softirq ${f.byIrqCtx.softirq}]  kworker-deferred ${share(f.byMode['kworker-deferred'])}  task-inline ${share(f.byMode['task-inline'])}`,
    ...f.cpus.map((c) => `cpu ${c.cpu}: busy ${c.busyPct}%  hardirq ${c.hardirqPct}%  softirq ${c.softirqPct}%  irqs ${c.irqs}  switches ${c.switches}  ${Object.entries(c.tasks).map(([k, v]) => `${k} ${v}%`).join('  ')}`),
  ];
  return `${out.join('\n')}\n`;
}

export async function runSimulate(o: SimulateCliOptions): Promise<number> {
  if (o.preset !== undefined && !isPresetName(o.preset)) throw new CliError(`--preset must be one of ${PRESET_NAMES.join(', ')} (got "${o.preset}")`);
  if (o.format !== undefined && !isTraceFormat(o.format)) throw new CliError(`--format must be one of ftrace, trace-cmd, perf (got "${o.format}")`);
  const seed = o.seed === undefined ? 1 : int('--seed', o.seed, 0);
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
    fig = await simulate(
      { preset: o.preset as PresetName | undefined, params, seed, format: (o.format ?? 'ftrace') as TraceFormat, truthFormat },
      sinks,
    );
  } catch (err) {
    if (err instanceof RangeError) throw new CliError(err.message);
    throw err;
  } finally {
    await Promise.all(files.map(close));
  }
  if (o.json) writeJson(fig);
  else if (out !== '-') process.stdout.write(formatFigures(fig));
  return 0;
}

export function registerSimulate(program: Command): void {
  const presets = PRESET_NAMES.map((n) => `  ${n.padEnd(14)} ${PRESETS[n].description}`).join('\n');
  program
    .command('simulate')
    .description('simulate fio + device + kernel completion path + scheduler and write the trace it would give, with ground truth')
    .option('--preset <name>', `start from a preset: ${PRESET_NAMES.join(', ')}`)
    .option('--kernel <policy>', `DIO completion policy: ${POLICY_NAMES.join(', ')}`)
    .option('--engine <engine>', `fio ioengine: ${ENGINES.join(', ')}`)
    .option('--rw <mode>', `fio rw: ${RWS.join(', ')}`)
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
