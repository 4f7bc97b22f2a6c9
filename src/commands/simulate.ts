import { simulate } from '../index.js';
import { NS_PER_MS, NS_PER_S } from '../model/time.js';
import { TRACE_FORMATS } from '../parse/formats.js';
import type { SimulateSinks, TextStream } from '../sim/index.js';
import type { SimParams } from '../sim/params.js';
import { POLICY_NAMES } from '../sim/policies/index.js';
import { PRESET_NAMES } from '../sim/presets.js';
import { isStackPreset, resolveStackParams, simulateStackToStreams, type StackFigures, type StackParams, type StackPresetName, type StackStreams } from '../sim/stack/index.js';
import type { SimulationFigures } from '../sim/stats.js';
import { CliError, command, writeJson } from './common.js';
import { ALL_PRESET_NAMES, enumOption, intOption, IO_ENGINES, numberOption, RW_MODES } from './options.js';
import { streamFile, type StreamFile } from './simulate-output.js';

/** `iopath simulate`: option parsing only; the model lives in src/sim, the command's definition in simulate-command.ts. */

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

/** fio's rw on a stack preset: its model draws random offsets, so only the read share matters. */
const READ_PCT: Record<string, number> = { randwrite: 0, write: 0, randread: 100, read: 100, randrw: 50 };

/**
 * The options a stack preset takes, over its own parameters. `--ios` counts per job (the presets
 * run several jobs: nvme-64 has 16); the single-disk model's kernel policy, engine and duration
 * have no meaning there and are refused rather than ignored.
 */
export function stackOptionsToParams(preset: StackPresetName, o: SimulateCliOptions): Partial<StackParams> {
  for (const [flag, v] of [['--kernel', o.kernel], ['--engine', o.engine], ['--duration', o.duration]] as const) {
    if (v !== undefined) throw new CliError(`${flag} does not apply to the stack preset ${preset} (it models the kernel's own completion path of each layer): leave it out`);
  }
  const p: Partial<StackParams> = {};
  if (o.rw !== undefined) p.readPct = READ_PCT[enumOption('--rw', o.rw, RW_MODES)];
  if (o.iodepth !== undefined) p.iodepth = intOption('--iodepth', o.iodepth, 1);
  if (o.bs !== undefined) p.bs = parseSize(o.bs);
  if (o.ios !== undefined) p.iosPerJob = intOption('--ios', o.ios, 1);
  if (o.submitCpu !== undefined) p.jobCpu0 = intOption('--submit-cpu', o.submitCpu, 0);
  if (o.irqCpu !== undefined) p.irqCpu = intOption('--irq-cpu', o.irqCpu, 0);
  const r = resolveStackParams({ preset, params: p });
  const lastJobCpu = r.jobCpu0 + (r.jobs - 1) * r.jobStride;
  if (lastJobCpu >= r.cpus) throw new CliError(`--submit-cpu ${r.jobCpu0}: ${preset} places its ${r.jobs} jobs ${r.jobStride} CPU(s) apart from there, and CPU ${lastJobCpu} is beyond its ${r.cpus} CPUs`);
  if (r.irqCpu >= r.cpus) throw new CliError(`--irq-cpu must be below ${r.cpus}, the CPUs of ${preset} (got "${o.irqCpu}")`);
  if (r.bs % 512 !== 0 || r.bs > r.fileSize) throw new CliError(`--bs must be a multiple of 512 no larger than the ${r.fileSize} bytes of ${preset}'s file (got "${o.bs}")`);
  return p;
}

export function formatStackFigures(f: StackFigures): string {
  return `preset ${f.preset}  seed ${f.seed}\nworkload I/Os ${f.workloadIos}, lower-layer I/Os ${f.lowerIos}, ${f.events} events\n`;
}

/** A stack preset: its model writes the same streams, waiting for them to drain as simulate() does. */
async function runStackPreset(preset: StackPresetName, o: SimulateCliOptions, format: (typeof TRACE_FORMATS)[number], seed: number): Promise<number> {
  const params = stackOptionsToParams(preset, o);
  if (o.truth !== undefined && !/\.jsonl?$/i.test(o.truth)) throw new CliError(`--truth ${o.truth}: a stack preset writes its per-layer ground truth as JSON lines: name the file .jsonl`);
  const out = o.output ?? (o.json ? undefined : '-');
  const files: StreamFile[] = [];
  const streams: StackStreams = {};
  if (out === '-') streams.trace = process.stdout as unknown as TextStream;
  else if (out !== undefined) {
    const f = streamFile(out, 'trace');
    files.push(f);
    streams.trace = f.sink;
  }
  if (o.truth !== undefined) {
    const f = streamFile(o.truth, 'truth');
    files.push(f);
    streams.truth = f.sink;
  }
  let fig: StackFigures;
  try {
    fig = await simulateStackToStreams({ preset, params, seed, format }, streams);
  } finally {
    await Promise.all(files.map((f) => f.close()));
  }
  if (o.json) writeJson(fig);
  else if (out !== '-') process.stdout.write(formatStackFigures(fig));
  return 0;
}

export const runSimulate = command(async (o: SimulateCliOptions): Promise<number> => {
  const named = enumOption('--preset', o.preset, ALL_PRESET_NAMES);
  if (named !== undefined && isStackPreset(named)) {
    const format = enumOption('--format', o.format ?? 'ftrace', TRACE_FORMATS);
    return runStackPreset(named, o, format, o.seed === undefined ? 1 : intOption('--seed', o.seed, 0));
  }
  const preset = enumOption('--preset', named, PRESET_NAMES);
  const format = enumOption('--format', o.format ?? 'ftrace', TRACE_FORMATS);
  const seed = o.seed === undefined ? 1 : intOption('--seed', o.seed, 0);
  const params = optionsToParams(o);
  const out = o.output ?? (o.json ? undefined : '-');
  const sinks: SimulateSinks = {};
  const files: StreamFile[] = [];
  if (out !== undefined) {
    if (out === '-') sinks.trace = process.stdout as unknown as TextStream;
    else {
      const f = streamFile(out, 'trace');
      files.push(f);
      sinks.trace = f.sink;
    }
  }
  let truthFormat: 'csv' | 'jsonl' = 'csv';
  if (o.truth !== undefined) {
    truthFormat = /\.jsonl?$/i.test(o.truth) ? 'jsonl' : 'csv';
    const f = streamFile(o.truth, 'truth');
    files.push(f);
    sinks.truth = f.sink;
  }
  let fig: SimulationFigures;
  try {
    fig = await simulate({ preset, params, seed, format, truthFormat }, sinks);
  } finally {
    await Promise.all(files.map((f) => f.close()));
  }
  if (o.json) writeJson(fig);
  else if (out !== '-') process.stdout.write(formatFigures(fig));
  return 0;
});
