import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXCERPTS, HOSTILE } from '../parse/helpers.js';
import { runAnalyze } from '../../src/commands/analyze.js';
import { runCompare } from '../../src/commands/compare.js';
import { runExport } from '../../src/commands/export.js';
import { runInspect } from '../../src/commands/inspect.js';
import { runReport } from '../../src/commands/report.js';
import { runInProcess } from './in-process.js';
import { buildCli, expectNoStack, iopathAll, tempDir, type Run } from './run.js';

/**
 * Exit 1 for a strict-mode failure: `--strict` stops at the first malformed line or lost-events
 * marker and says `file:line: message`, then the line itself. Exit 0 for the same commands on a
 * clean trace, with and without `--strict`. Through the built CLI: each command on the first
 * failure, and every clean run without --strict; the other strict runs call each command's body
 * in-process (the CLI's cost is loading its modules, ~0.7 s of CPU a run), and the first failure
 * runs both ways to hold the two to the same exit code and words.
 */

const dir = tempDir('strict');
const CLEAN = join(EXCERPTS, 'ftrace-libaio-randwrite-cpu1.txt');
const OTHER = join(EXCERPTS, 'ftrace-libaio-randwrite-cpu0.txt');
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each command that reads a trace, with `--strict` and the trace in its place: its arguments, and its body in-process. */
const COMMANDS: [string, (trace: string) => string[], (trace: string) => Promise<number>][] = [
  ['inspect', (t) => ['inspect', '--strict', t], (t) => runInspect(t, { strict: true })],
  ['analyze', (t) => ['analyze', '--strict', t], (t) => runAnalyze(t, { strict: true, unit: 'auto' })],
  ['analyze --json', (t) => ['analyze', '--strict', '--json', t], (t) => runAnalyze(t, { strict: true, json: true, unit: 'auto' })],
  ['report', (t) => ['report', '--strict', t, '-o', join(dir, 'strict.html')], (t) => runReport(t, { strict: true, output: join(dir, 'strict.html') })],
  ['export', (t) => ['export', '--strict', '--perfetto', join(dir, 'strict.json'), t], (t) => runExport(t, { strict: true, perfetto: join(dir, 'strict.json') })],
  // Commander's defaults for compare's options, as its action receives them.
  ['compare', (t) => ['compare', '--strict', t, OTHER], async (t) => (await runCompare([t, OTHER], { strict: true, labelBefore: 'before', labelAfter: 'after', unit: 'auto' })).exitCode],
];

/** Inputs that strict mode refuses: where, why, and the line it quotes. */
const FAILURES = [
  [join(HOSTILE, 'truncated.ftrace.txt'), 3, 'not an event line of this format', 'fio-7888    [001] .....   505.92'],
  [join(HOSTILE, 'junk.ftrace.txt'), 3, 'line holds binary data', '\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00'],
  [join(HOSTILE, 'lost.ftrace.txt'), 2, 'CPU 1 lost 96 events', 'CPU:1 [LOST 96 EVENTS]'],
  [join(HOSTILE, 'lost.trace-cmd.txt'), 3, 'CPU 1 lost 188240 events', 'CPU:1 [188240 EVENTS DROPPED]'],
  [join(HOSTILE, 'lost.perf.txt'), 2, 'CPU 1 lost 31 events', 'fio  3998 [001]   222.546655: PERF_RECORD_LOST lost 31'],
  [join(EXCERPTS, 'ftrace-buffer-started.txt'), 3, 'the header counts 189028 events written but no longer in the buffer', '# entries-in-buffer/entries-written: 1870/190898   #P:2'],
] as const;

/** Every run, made side by side before the checks. */
const runs = new Map<string, Run>();
const CLEAN_RUNS: [string, string[]][] = [
  ['inspect', ['inspect', CLEAN]],
  ['analyze', ['analyze', CLEAN]],
  ['analyze --json --csv', ['analyze', '--json', '--csv', join(dir, 'ok.csv'), CLEAN]],
  ['report', ['report', CLEAN, '-o', join(dir, 'ok.html')]],
  ['export', ['export', '--perfetto', join(dir, 'ok.json'), CLEAN]],
  ['compare', ['compare', CLEAN, OTHER, '--fail-on-regression', 'iops']],
  ['simulate -o', ['simulate', '--ios', '50', '-o', join(dir, 'sim.txt')]],
  ['simulate --json', ['simulate', '--ios', '50', '--json']],
];

/** The first failure, run by each command in-process too. */
const inProcessFirst = new Map<string, Run>();

beforeAll(async () => {
  buildCli();
  const jobs: [string, string[]][] = [...CLEAN_RUNS];
  const [first, ...rest] = FAILURES.map(([trace]) => trace);
  for (const [cmd, args, body] of COMMANDS) {
    jobs.push([`${cmd} ${first}`, args(first)]);
    inProcessFirst.set(cmd, await runInProcess(() => body(first)));
    for (const trace of rest) runs.set(`${cmd} ${trace}`, await runInProcess(() => body(trace)));
    runs.set(`${cmd} clean`, await runInProcess(() => body(CLEAN)));
  }
  const results = await iopathAll(jobs.map(([, a]) => a));
  jobs.forEach(([key], i) => runs.set(key, results[i]!));
}, 180_000);

describe.each(COMMANDS)('%s --strict', (cmd) => {
  it.each(FAILURES)('%s: exit 1 with file:line: message and the line', (trace, line, message, text) => {
    const r = runs.get(`${cmd} ${trace}`)!;
    expect(r.code, r.stderr).toBe(1);
    expectNoStack(r);
    const [first, second, rest] = r.stderr.split('\n');
    expect(first).toMatch(new RegExp(`^iopath: ${escape(trace)}:${line}: ${escape(message)}`));
    expect(second?.trim()).toBe(text);
    expect(rest).toBe('');
    expect(r.stdout).toBe('');
  });

  it('exit 0 on a clean trace', () => {
    const r = runs.get(`${cmd} clean`)!;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });
});

describe('the built CLI and the command run in-process', () => {
  it.each(COMMANDS.map(([cmd]) => cmd))(`%s --strict ${FAILURES[0][0].replace(/.*\//, '')}: the same exit code, stdout and stderr`, (cmd) => {
    const cli = runs.get(`${cmd} ${FAILURES[0][0]}`)!;
    const own = inProcessFirst.get(cmd)!;
    expect({ code: own.code, stdout: own.stdout, stderr: own.stderr }).toEqual({ code: cli.code, stdout: cli.stdout, stderr: cli.stderr });
  });
});

describe('exit 0: each command on a clean trace, without --strict', () => {
  it('inspect, analyze, analyze --json --csv', () => {
    expect(runs.get('inspect')!.code).toBe(0);
    expect(runs.get('analyze')!.code).toBe(0);
    const r = runs.get('analyze --json --csv')!;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ schema: 'iopath.analysis/1' });
    expect(readFileSync(join(dir, 'ok.csv'), 'utf8')).toMatch(/^id,unit,mode,/);
  });

  it('report, export', () => {
    expect(runs.get('report')!.code).toBe(0);
    expect(existsSync(join(dir, 'ok.html'))).toBe(true);
    expect(runs.get('export')!.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'ok.json'), 'utf8'))).toHaveProperty('traceEvents');
  });

  it('compare, and a gate that cannot be decided on traces this short does not fail', () => {
    const r = runs.get('compare')!;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^iopath: undecided: iops:/);
  });

  it('simulate, to a file and as JSON', () => {
    expect(runs.get('simulate -o')!.code).toBe(0);
    const r = runs.get('simulate --json')!;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('ios', 50);
  });
});
