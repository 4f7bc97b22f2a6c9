import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXCERPTS } from '../parse/helpers.js';
import { excerpt } from '../fuzz/corpus.js';
import { runAnalyze } from '../../src/commands/analyze.js';
import { runCompare } from '../../src/commands/compare.js';
import { runExport } from '../../src/commands/export.js';
import { runInspect } from '../../src/commands/inspect.js';
import { runReport } from '../../src/commands/report.js';
import { runInProcess } from './in-process.js';
import { buildCli, expectOneLineRefusal, iopathAll, tempDir, type Run } from './run.js';

/**
 * Exit 2 for input with nothing usable in it, for every command that reads a trace: one line on
 * stderr saying so, nothing on stdout, no stack, no output file left behind half-written. Through
 * the built CLI: each command on the first input, standard input and forced formats; the other
 * inputs run each command's body in-process (the CLI's cost is loading its modules, ~0.7 s of CPU a
 * run), and the first input runs both ways to hold the two to the same exit code and words.
 */

const dir = tempDir('input');
const GOOD = join(EXCERPTS, 'ftrace-libaio-randwrite-cpu1.txt');
const inputs: Record<string, string> = {};

/** A pseudo-random byte soup with every byte value, NULs and invalid UTF-8 included. */
function junk(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

beforeAll(() => {
  buildCli();
  const put = (name: string, data: string | Buffer): void => {
    inputs[name] = join(dir, name);
    writeFileSync(inputs[name], data);
  };
  put('binary.dat', junk(256 * 1024, 7));
  put('junk.gz', gzipSync(junk(64 * 1024, 8)));
  put('fio-log.csv', 'time_ms,latency_ns,direction,block_size,offset,prio\n1,20000,1,4096,0,0\n2,21000,1,4096,4096,0\n');
  put('empty.txt', '');
  put('tracefs-header.txt', `${excerpt('ftrace-libaio-randwrite-cpu1.txt').lines.filter((l) => l.startsWith('#')).join('\n')}\n`);
  put('cpus-only.txt', 'cpus=2\n');
  // One 50 MB line, written in pieces.
  inputs['long-line.txt'] = join(dir, 'long-line.txt');
  const fd = openSync(inputs['long-line.txt'], 'w');
  const piece = Buffer.alloc(1 << 20, 'z');
  for (let i = 0; i < 50; i++) writeSync(fd, piece);
  closeSync(fd);
}, 180_000);

/** What each input is, and the words the refusal must use. */
const CASES = [
  ['binary.dat', /none of (its|the first) \d+ lines is a trace event|no line of it is a trace event/],
  ['junk.gz', /none of (its|the first) \d+ lines is a trace event|no line of it is a trace event/],
  ['fio-log.csv', /none of its 3 lines is a trace event|no line of it is a trace event/],
  ['empty.txt', /the input is empty|none of its 0 lines|no line of it is a trace event/],
  ['tracefs-header.txt', /none of its 12 lines is a trace event|no line of it is a trace event/],
  ['cpus-only.txt', /none of its 1 lines is a trace event|no line of it is a trace event/],
  ['long-line.txt', /none of its 1 lines is a trace event|no line of it is a trace event/],
] as const;

/** Commander's defaults for compare's options, as its action receives them. */
const COMPARE_DEFAULTS = { labelBefore: 'before', labelAfter: 'after', unit: 'auto' };

/** Each command that reads a trace, with the input put in its place: its arguments, and its body in-process. */
const COMMANDS: [string, (input: string) => string[], (input: string) => Promise<number>][] = [
  ['inspect', (i) => ['inspect', i], (i) => runInspect(i, {})],
  ['analyze', (i) => ['analyze', i], (i) => runAnalyze(i, { unit: 'auto' })],
  ['analyze --json', (i) => ['analyze', '--json', i], (i) => runAnalyze(i, { json: true, unit: 'auto' })],
  ['report', (i) => ['report', i, '-o', join(dir, 'r.html')], (i) => runReport(i, { output: join(dir, 'r.html') })],
  ['export', (i) => ['export', '--perfetto', join(dir, 'p.json'), i], (i) => runExport(i, { perfetto: join(dir, 'p.json') })],
  ['compare (before)', (i) => ['compare', i, GOOD], async (i) => (await runCompare([i, GOOD], COMPARE_DEFAULTS)).exitCode],
  ['compare (after)', (i) => ['compare', GOOD, i], async (i) => (await runCompare([GOOD, i], COMPARE_DEFAULTS)).exitCode],
];

const STDIN = [['inspect', '-'], ['analyze', '-'], ['report', '-', '-o', join(dir, 'stdin.html')]];

const FORCED = [
  ['inspect', '--format', 'perf'],
  ['analyze', '--format', 'perf'],
  ['analyze', '--format', 'perf', '--json'],
  ['report', '--format', 'perf', '-o', join(dir, 'f.html')],
  ['export', '--format', 'perf', '--perfetto', join(dir, 'f.json')],
];

/** Every run, made side by side once the inputs exist. */
const runs = new Map<string, Run>();

/** The first input, run by each command in-process too. */
const inProcessFirst = new Map<string, Run>();

beforeAll(async () => {
  const jobs: [string, { args: string[]; input?: Buffer | string }][] = [];
  const [first, ...rest] = CASES.map(([name]) => name);
  for (const [cmd, args, body] of COMMANDS) {
    jobs.push([`${cmd} ${first}`, { args: args(inputs[first]!) }]);
    inProcessFirst.set(cmd, await runInProcess(() => body(inputs[first]!)));
    for (const name of rest) runs.set(`${cmd} ${name}`, await runInProcess(() => body(inputs[name]!)));
  }
  for (const args of STDIN) {
    jobs.push([`${args[0]} binary`, { args, input: junk(100_000, 9) }]);
    jobs.push([`${args[0]} empty`, { args, input: '' }]);
  }
  for (const args of FORCED) jobs.push([args.join(' '), { args: [...args, GOOD] }]);
  const results = await iopathAll(jobs.map(([, j]) => j));
  jobs.forEach(([key], i) => runs.set(key, results[i]!));
}, 180_000);

describe.each(COMMANDS)('%s on unusable input', (cmd) => {
  it.each(CASES)('%s: exit 2, one line', (name, message) => {
    const r = runs.get(`${cmd} ${name}`)!;
    expectOneLineRefusal(r, message);
    expect(r.stdout).toBe('');
  });
});

describe('the built CLI and the command run in-process', () => {
  it.each(COMMANDS.map(([cmd]) => cmd))(`%s ${CASES[0][0]}: the same exit code, stdout and stderr`, (cmd) => {
    const cli = runs.get(`${cmd} ${CASES[0][0]}`)!;
    const own = inProcessFirst.get(cmd)!;
    expect({ code: own.code, stdout: own.stdout, stderr: own.stderr }).toEqual({ code: cli.code, stdout: cli.stdout, stderr: cli.stderr });
  });
});

describe('unusable input on standard input', () => {
  it.each(STDIN.map((a) => a[0]!))('%s - with binary data, or nothing: exit 2, one line', (cmd) => {
    expectOneLineRefusal(runs.get(`${cmd} binary`)!, /nothing to (inspect|analyze|report)/);
    expectOneLineRefusal(runs.get(`${cmd} empty`)!, /nothing to (inspect|analyze|report)/);
  });
});

describe('a forced --format that reads nothing', () => {
  it.each(FORCED.map((a) => a.join(' ')))('%s on an ftrace file: exit 2, one line', (key) => {
    expectOneLineRefusal(runs.get(key)!, /nothing to \w+: (none|no line)/);
  });

  it('inspect says which format it looks like', () => {
    expectOneLineRefusal(runs.get('inspect --format perf')!, /it looks like ftrace: try --format ftrace$/);
  });
});
