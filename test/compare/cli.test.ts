import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { registerCompare } from '../../src/commands/compare-command.js';
import { CliError } from '../../src/commands/common.js';
import { saveAnalysis, simTraceFile } from './helpers.js';

/**
 * The command as cli.ts will wire it: a fresh commander program with `registerCompare`, parsing
 * argv, printing, and setting the exit status. vm-cpu0 (fio away from the interrupt: ~60k IOPS,
 * kworker off fio's CPU) and vm-cpu1 (fio on the interrupt's CPU: ~27k IOPS, preempted by the
 * kworker, but lower latency because its CPU never idles) make regressions in both directions.
 */

const dir = mkdtempSync(join(tmpdir(), 'iopath-compare-cli-'));
let fast = '';
let slow = '';
let slowTrace = '';
let out = '';
let err = '';

beforeAll(async () => {
  slowTrace = await simTraceFile(dir, 'cpu1.txt', 'vm-cpu1', 21, 5000);
  const fastTrace = await simTraceFile(dir, 'cpu0.txt', 'vm-cpu0', 22, 8000);
  slow = saveAnalysis(dir, 'cpu1.json', (await analyzeTrace(slowTrace)).analysis);
  fast = saveAnalysis(dir, 'cpu0.json', (await analyzeTrace(fastTrace)).analysis);
}, 120_000);

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** Runs `iopath compare ARGS`; returns the exit status it set (0 when none). */
async function run(...args: string[]): Promise<number> {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  const program = new Command().exitOverride();
  registerCompare(program);
  process.exitCode = undefined;
  await program.parseAsync(['node', 'iopath', 'compare', ...args]);
  const code = Number(process.exitCode ?? 0);
  vi.restoreAllMocks();
  return code;
}

describe('iopath compare', () => {
  it('prints the verdict and the tables, and JSON with --json', async () => {
    expect(await run(fast, slow, '--label-before', 'cpu0', '--label-after', 'cpu1')).toBe(0);
    expect(out).toMatch(/^iopath compare: cpu0 \(1 run/);
    expect(out).toMatch(/cpu1: -\d+\.\d% IOPS vs cpu0 \(95% CI/);
    for (const section of ['Throughput', 'Where I/Os completed', "CPU time on the submitters' CPUs", 'Per I/O', 'Latency', 'Warnings', 'Method']) expect(out).toContain(section);
    expect(await run(fast, slow, '--json')).toBe(0);
    const json = JSON.parse(out) as { schema: string; before: { label: string }; iops: { ci95: number[] } };
    expect(json.schema).toBe('iopath.compare/1');
    expect(json.before.label).toBe('before');
    expect(json.iops.ci95).toHaveLength(2);
  });

  it('--fail-on-regression exits 1 only when the metric got detectably worse beyond its threshold', async () => {
    const cases: [string, string, string, number][] = [
      [fast, slow, 'iops', 1],
      [fast, slow, 'iops:70', 0],
      [slow, fast, 'iops', 0],
      [fast, slow, 'mbps:10', 1],
      [fast, slow, 'preemptions', 1],
      [fast, slow, 'ctxswitches', 1],
      [slow, fast, 'p50', 1],
      [slow, fast, 'p50:500', 0],
      [slow, fast, 'completion.p90', 1],
      [slow, fast, 'kworker', 1],
      [slow, fast, 'kworker:20', 0],
    ];
    for (const [b, a, gate, code] of cases) {
      const got = await run(b, a, '--fail-on-regression', gate, '--json');
      expect({ gate, b, got }).toEqual({ gate, b, got: code });
      expect(err).toMatch(code === 1 ? /REGRESSION/ : /iopath: ok/);
    }
    // Several gates: any regression fails.
    expect(await run(slow, fast, '--fail-on-regression', 'iops', '--fail-on-regression', 'p50', '--json')).toBe(1);
  });

  it('writes an HTML report with the verdict when asked', async () => {
    const html = join(dir, 'cmp.html');
    expect(await run(fast, slow, '--html', html, '--label-before', 'cpu0', '--label-after', 'cpu1')).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!DOCTYPE html>/i);
    expect(page).toContain('IOPS vs cpu0 (95% CI');
    expect(page).toContain('iopath compare');
    expect(out).toContain(`HTML report: ${html}`);
  });

  it('accepts several runs per side and traces and saved analyses alike', async () => {
    expect(await run('--before', slow, slowTrace, '--after', fast, fast, '--json')).toBe(0);
    const json = JSON.parse(out) as { before: { runs: number }; after: { runs: number }; iops: { method: string }; warnings: string[] };
    expect(json.before.runs).toBe(2);
    expect(json.after.runs).toBe(2);
    expect(json.iops.method).toMatch(/two-stage/);
  });

  it('rejects bad usage with exit status 2 (CliError)', async () => {
    await expect(run(fast)).rejects.toMatchObject({ exitCode: 2 });
    await expect(run(fast, slow, '--before', fast)).rejects.toThrow(CliError);
    await expect(run(fast, slow, '--fail-on-regression', 'speed')).rejects.toThrow(/unknown metric "speed"/);
    await expect(run(fast, slow, '--fail-on-regression', 'iops:lots')).rejects.toThrow(/METRIC\[:THRESHOLD\]/);
    await expect(run(fast, join(dir, 'nope.txt'))).rejects.toMatchObject({ exitCode: 2 });
  });

  it('documents the regression metrics in --help', () => {
    const program = new Command();
    registerCompare(program);
    const cmd = program.commands.find((c) => c.name() === 'compare')!;
    let help = '';
    cmd.configureOutput({ writeOut: (s) => (help += s) });
    cmd.outputHelp();
    for (const t of ['--before', '--after', '--label-before', '--label-after', '--json', '--fail-on-regression', '--seed', '--html', 'iops', 'mbps', 'p99', 'kworker', 'preemptions', 'ctxswitches', 'percentage points']) expect(help).toContain(t);
  });
});
