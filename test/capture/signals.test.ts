import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths.js';
import { readDat } from './dat-reader.js';
import { datFiles, schedSwitch } from './fake-dat.js';
import { makeFakeTracefs, q, type FakeTracefs } from './fake-tracefs.js';
import { makePages } from './ring-pages.js';

/**
 * Real signals to a real capture process: `cli-entry.ts` (the capture command wired as in the CLI)
 * is compiled to a temp directory and run with node against a fake tracefs.
 */

let build = '';
let entry = '';
let fake: FakeTracefs | undefined;

beforeAll(() => {
  build = mkdtempSync(join(tmpdir(), 'iopath-capture-cli-'));
  const tsc = join(REPO, 'node_modules', '.bin', 'tsc');
  const r = spawnSync(
    tsc,
    ['--ignoreConfig', '--outDir', build, '--rootDir', REPO, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--strict', '--skipLibCheck', '--types', 'node', join(REPO, 'test', 'capture', 'cli-entry.ts')],
    { encoding: 'utf8', cwd: REPO },
  );
  if (r.status !== 0) throw new Error(`compiling the test entry failed: ${r.stdout}${r.stderr}`);
  writeFileSync(join(build, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(REPO, 'node_modules'), join(build, 'node_modules'));
  entry = join(build, 'test', 'capture', 'cli-entry.js');
}, 120_000);
afterAll(() => rmSync(build, { recursive: true, force: true }));
afterEach(() => fake?.cleanup());

interface Run {
  code: number | null;
  stderr: string;
}

/** Starts a capture of `script` (in the top-level buffer unless told), waits until the traced command runs, sends `sig` to the capture process. */
async function captureAndSignal(f: FakeTracefs, out: string, sig: NodeJS.Signals | undefined, command: string[], extra: string[] = [], topLevel = true): Promise<Run> {
  const child = spawn(process.execPath, [entry, 'capture', '--tracefs', f.root, '-o', out, '--buffer-kb', '512', ...(topLevel ? ['--top-level'] : []), ...extra, '--', ...command], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  if (sig) {
    const marker = join(f.dir, 'started');
    const deadline = Date.now() + 30_000;
    while (!existsSync(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(marker)).toBe(true);
    child.kill(sig);
  }
  return { code: await done, stderr };
}

function sleeper(f: FakeTracefs): string[] {
  const line = '     fio-7888    [001] d.h1.   505.925043: block_rq_complete: 254,0 WS () 46699392 + 8 be,0,4 [0]';
  return ['sh', '-c', `echo ${q(line)} >> ${q(join(f.root, 'trace'))}; touch ${q(join(f.dir, 'started'))}; exec sleep 30`];
}

describe('capture process and signals', () => {
  it('SIGINT: forwarded to the command, trace saved, tracefs restored, exit 130', async () => {
    fake = makeFakeTracefs({ files: { tracing_on: '0\n', set_event: 'sched:sched_process_exec\n', buffer_size_kb: '8195\n' } });
    const before = fake.snapshot();
    const out = join(fake.dir, 't.txt');
    const t0 = Date.now();
    const r = await captureAndSignal(fake, out, 'SIGINT', sleeper(fake));
    expect(r.code, r.stderr).toBe(130);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.stderr).toMatch(/command stopped by SIGINT after/);
    expect(r.stderr).toMatch(/restored .*tracing_on=0/);
    expect(readFileSync(out, 'utf8')).toContain('block_rq_complete');
    expect(fake.snapshot()).toEqual(before);
    expect(fake.read('trace')).toBe('');
  });

  it('SIGINT with --format dat: the reader thread drains the buffer, the trace.dat is written, exit 130', async () => {
    fake = makeFakeTracefs({ files: { ...datFiles(), tracing_on: '0\n' } });
    const events = [schedSwitch(5_000n, { prev: 'fio', prevPid: 7888, state: 1n, next: 'x', nextPid: 3 }), schedSwitch(9_000n, { prev: 'x', prevPid: 3, state: 0n, next: 'fio', nextPid: 7888 })];
    writeFileSync(join(fake.root, 'per_cpu/cpu1/trace_pipe_raw'), makePages(events));
    const before = fake.snapshot();
    const out = join(fake.dir, 't.dat');
    const r = await captureAndSignal(fake, out, 'SIGINT', ['sh', '-c', `touch ${q(join(fake.dir, 'started'))}; exec sleep 30`], ['--format', 'dat']);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/reading the ring buffer \(on its own thread\)/);
    expect(readDat(readFileSync(out)).events.map((e) => e.ts)).toEqual([5_000n, 9_000n]);
    expect(readdirSync(fake.dir).filter((n) => n.includes('partial'))).toEqual([]);
    expect(fake.snapshot()).toEqual(before);
  });

  it('SIGINT to a capture in its own instance: trace saved, the instance removed, the top level untouched, exit 130', async () => {
    fake = makeFakeTracefs({ files: { tracing_on: '1\n', set_event: 'sched:sched_process_exec\n', trace: '# the user\'s own trace\n' } });
    const before = fake.snapshot();
    const out = join(fake.dir, 't.txt');
    const line = '     fio-7888    [001] d.h1.   505.925043: block_rq_complete: 254,0 WS () 46699392 + 8 be,0,4 [0]';
    const inInstance = `for f in ${q(fake.root)}/instances/iopath-*/trace; do echo ${q(line)} >> "$f"; done`;
    const r = await captureAndSignal(fake, out, 'SIGINT', ['sh', '-c', `${inInstance}; touch ${q(join(fake.dir, 'started'))}; exec sleep 30`], [], false);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/tracing into its own tracefs instance .*\/instances\/iopath-\d+/);
    expect(r.stderr).toMatch(/removed the tracefs instance/);
    expect(readFileSync(out, 'utf8')).toContain('block_rq_complete');
    expect(readdirSync(join(fake.root, 'instances'))).toEqual([]);
    expect(fake.snapshot()).toEqual(before);
    expect(fake.read('trace')).toBe("# the user's own trace\n");
  });

  it('SIGTERM: exit 143, tracefs restored', async () => {
    fake = makeFakeTracefs({ files: { tracing_on: '1\n', current_tracer: 'function\n' } });
    const before = fake.snapshot();
    const r = await captureAndSignal(fake, join(fake.dir, 't.txt.gz'), 'SIGTERM', sleeper(fake));
    expect(r.code, r.stderr).toBe(143);
    expect(fake.snapshot()).toEqual(before);
  });

  it('a command that is not found: one line on stderr, exit 2, nothing touched', async () => {
    fake = makeFakeTracefs();
    const before = fake.snapshot();
    const r = await captureAndSignal(fake, join(fake.dir, 't.txt'), undefined, ['iopath-no-such-command-xyz']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('iopath: capture: iopath-no-such-command-xyz: command not found\n');
    expect(fake.snapshot()).toEqual(before);
  });

  it('a command that fails: exit 1, trace saved, restored', async () => {
    fake = makeFakeTracefs({ files: { tracing_on: '0\n' } });
    const before = fake.snapshot();
    const out = join(fake.dir, 't.txt');
    const r = await captureAndSignal(fake, out, undefined, ['sh', '-c', 'exit 7']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/command exited with status 7/);
    expect(r.stderr).toMatch(/the command failed; the trace was saved anyway/);
    expect(existsSync(out)).toBe(true);
    expect(fake.snapshot()).toEqual(before);
  });
});
