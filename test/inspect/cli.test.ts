import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXCERPTS, HOSTILE, ROOT } from '../parse/helpers.js';
import { buildCli } from '../cli/run.js';

/**
 * The built CLI (`node dist/cli.js inspect …`, compiled here first): exit codes, one-line errors,
 * never a stack trace.
 */

const CLI = join(ROOT, 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'iopath-cli-'));

// Compiled once by the suite's setup (under its lock when this file runs alone): compiling here
// too rewrote dist/ under the CLIs other files were spawning (a module read half-written failed
// one of them with "does not provide an export named …").
beforeAll(() => buildCli(), 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], input?: Buffer | string): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectNoStack(r: Run): void {
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/Error:|node:internal|\.js:\d+/);
}

const excerpt = (name: string): string => join(EXCERPTS, name);

describe('iopath inspect (built CLI)', () => {
  it('prints a census of an excerpt and exits 0', () => {
    const r = run(['inspect', excerpt('ftrace-libaio-randwrite-cpu1.txt')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^format\s+ftrace/m);
    expect(r.stdout).toMatch(/block_rq_issue/);
    expect(r.stderr).toBe('');
  });

  it('--json has the documented keys', () => {
    const r = run(['inspect', '--json', excerpt('trace-cmd-libaio-randwrite-cpu1.txt')]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ format: 'trace-cmd', lines: 121, events: 120, cpus: [0, 1], diagnostics: {} });
    for (const k of ['eventsByName', 'startNs', 'endNs']) expect(j).toHaveProperty(k);
    expect(j.startNs).toBe(508_281_166_000);
    expect(j.endNs).toBeGreaterThan(j.startNs as number);
  });

  it('reads stdin with -, and gzip whatever the name', () => {
    const text = readFileSync(excerpt('perf-libaio-randwrite-cpu1.txt'));
    const r = run(['inspect', '--json', '-'], text);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'perf', events: 170 });
    const gz = join(tmp, 'trace.txt');
    writeFileSync(gz, gzipSync(text));
    expect(JSON.parse(run(['inspect', '--json', gz]).stdout)).toMatchObject({ format: 'perf', events: 170 });
  });

  it.each([
    ['binary', () => Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 256))],
    ['csv', () => 'time_ms,latency_ns,direction,block_size,offset,prio\n1,20000,1,4096,0,0\n2,21000,1,4096,4096,0\n'],
    ['empty', () => ''],
  ])('a %s input ends with one line on stderr and exit 2', (kind, make) => {
    const p = join(tmp, `input.${kind}`);
    writeFileSync(p, make());
    const r = run(['inspect', p]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^iopath: .*nothing to inspect/);
    expectNoStack(r);
  });

  it('a gzip that is not a trace, a missing file, a directory: exit 2, one line', () => {
    const p = join(tmp, 'binary.gz');
    writeFileSync(p, gzipSync(Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 31) % 256))));
    for (const target of [p, join(tmp, 'nope.txt'), tmp]) {
      const r = run(['inspect', target]);
      expect(r.code, target).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expectNoStack(r);
    }
  });

  it('a wrong forced --format that yields nothing suggests the right one', () => {
    const r = run(['inspect', '--format', 'perf', excerpt('trace-cmd-libaio-randwrite-cpu1.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/looks like trace-cmd: try --format trace-cmd/);
    expectNoStack(r);
    const f = run(['inspect', '--format', 'ftrace', excerpt('perf-libaio-randwrite-cpu1.txt')]);
    expect(f.stderr).toMatch(/looks like perf: try --format perf/);
    const bad = run(['inspect', '--format', 'csv', excerpt('perf-libaio-randwrite-cpu1.txt')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format must be one of ftrace, trace-cmd, perf/);
  });

  it('--format forces the format; the right one gives the same census', () => {
    const auto = JSON.parse(run(['inspect', '--json', excerpt('trace-cmd-report-l.txt')]).stdout);
    const forced = JSON.parse(run(['inspect', '--json', '--format', 'trace-cmd', excerpt('trace-cmd-report-l.txt')]).stdout);
    expect({ ...forced, detectedBy: null }).toEqual({ ...auto, detectedBy: null });
    expect(forced.detectedBy).toBe('forced with --format');
  });

  it('--strict stops at the first error with file:line: message and the line, exit 1', () => {
    const p = join(HOSTILE, 'truncated.ftrace.txt');
    const r = run(['inspect', '--strict', p]);
    expect(r.code).toBe(1);
    const [first, second] = r.stderr.split('\n');
    expect(first).toBe(`iopath: ${p}:3: not an event line of this format`);
    expect(second?.trim()).toBe('fio-7888    [001] .....   505.92');
    expectNoStack(r);
    const lost = run(['inspect', '--strict', join(HOSTILE, 'lost.ftrace.txt')]);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toMatch(/lost\.ftrace\.txt:2: CPU 1 lost 96 events/);
  });

  it('--strict on a clean trace changes nothing', () => {
    const r = run(['inspect', '--strict', '--json', excerpt('ftrace-record-tgid.txt')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).diagnostics).toEqual({});
  });

  it('lenient mode reports lost events by CPU and count', () => {
    const r = run(['inspect', '--json', excerpt('ftrace-trace-pipe-lost.txt')]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.diagnostics).toEqual({ lost_events: 2 });
    expect(j.eventsByName.lost).toBe(2);
    const text = run(['inspect', excerpt('ftrace-trace-pipe-lost.txt')]).stdout;
    expect(text).toMatch(/CPU 1 lost 96 events/);
  });
});
