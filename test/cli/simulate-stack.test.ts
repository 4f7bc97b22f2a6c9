import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { runSimulate } from '../../src/commands/simulate.js';
import { registerSimulate } from '../../src/commands/simulate-command.js';
import type { Analysis } from '../../src/model/analysis.js';
import { COMPLETION_MODES } from '../../src/model/io.js';
import { TRACE_FORMATS, type TraceFormat } from '../../src/parse/formats.js';
import { parseStackTruth, STACK_PRESET_NAMES, type StackTruthRow } from '../../src/sim/stack/index.js';
import { buildCli, iopathAll, tempDir, type Run } from './run.js';

/**
 * `iopath simulate --preset loop-disk` (a storage stack) from the built CLI in the three formats,
 * with `--truth`, then the analysis of each trace (what `analyze --json` prints) against its own
 * truth: the workload's I/O count, its modes, the stack's two layers and the completion hops per
 * I/O. (Per-I/O agreement over every preset is test/sim/stack's; this holds the command line to
 * the same model.) Help and refusals are read in-process: a child process each costs seconds.
 */

const dir = tempDir('simulate-stack');
const trace = (f: TraceFormat): string => join(dir, `loop-${f}.txt`);
const truth = (f: TraceFormat): string => join(dir, `loop-${f}.jsonl`);
let sims: Run[] = [];
const analyses: Analysis[] = [];

beforeAll(async () => {
  buildCli();
  // 30 I/Os per job (2 jobs), a mix of reads (0 hops) and writes (2 hops).
  sims = await iopathAll(TRACE_FORMATS.map((f) => ['simulate', '--preset', 'loop-disk', '--ios', '30', '--rw', 'randrw', '--seed', '2', '--format', f, '-o', trace(f), '--truth', truth(f)]));
  for (const f of TRACE_FORMATS) analyses.push((await analyzeTrace(trace(f))).analysis);
}, 120_000);

const modesOf = (rows: StackTruthRow[]): Record<string, number> => {
  const m: Record<string, number> = Object.fromEntries(COMPLETION_MODES.map((k) => [k, 0]));
  for (const r of rows) m[r.mode ?? 'unresolved']!++;
  return m;
};

describe.each(TRACE_FORMATS.map((f, i) => [f, i] as const))('simulate --preset loop-disk --format %s', (format, i) => {
  it('writes a trace and per-layer truth that analyze agrees with', () => {
    const s = sims[i]!;
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/workload I\/Os 60, lower-layer I\/Os \d+/);
    const rows = parseStackTruth(readFileSync(truth(format), 'utf8'));
    const workload = rows.filter((r) => r.role === 'workload');
    expect(workload).toHaveLength(60);
    expect(new Set(workload.map((r) => r.op))).toEqual(new Set(['read', 'write']));

    const a = analyses[i]!;
    expect(a.ios.total).toBe(workload.length);
    expect(a.ios.byMode).toEqual(modesOf(workload));
    // The stack the truth names, top first, as the analysis rebuilt it.
    // (a layer may list several stages of one I/O: the loop request, then its DIO beneath)
    const truthLayers = [...new Set(workload[0]!.layers.map((l) => `${l.device} ${l.role}`))];
    expect(truthLayers).toEqual(['7:0 top', '254:0 loop-backing']);
    expect((a.layers ?? []).map((l) => `${l.device} ${l.role}`)).toEqual(truthLayers);
    expect(a.layers?.[1]?.servicing).toBe(rows.filter((x) => x.role === 'lower').length);
    const hist: Record<string, number> = {};
    for (const w of workload) hist[String(w.hops.length)] = (hist[String(w.hops.length)] ?? 0) + 1;
    expect(a.hops?.histogram).toEqual(hist);
  });
});

describe('simulate with a stack preset', () => {
  it('lists the stack presets in --help', () => {
    const program = new Command();
    registerSimulate(program);
    let help = '';
    const cmd = program.commands.find((c) => c.name() === 'simulate');
    cmd?.configureOutput({ writeOut: (x) => (help += x) });
    cmd?.outputHelp();
    for (const n of STACK_PRESET_NAMES) expect(help).toMatch(new RegExp(`^  ${n} +\\S`, 'm'));
  });

  it('refuses options that do not apply, a CSV truth and jobs beyond its CPUs, with a usage error', async () => {
    await expect(runSimulate({ preset: 'dm-crypt', kernel: 'patched' })).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/--kernel does not apply to the stack preset dm-crypt/) });
    await expect(runSimulate({ preset: 'loop-disk', ios: '5', truth: join(dir, 'x.csv') })).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/JSON lines/) });
    await expect(runSimulate({ preset: 'nvme-64', submitCpu: '10', json: true })).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/CPU 70 is beyond its 64 CPUs/) });
  });
});
