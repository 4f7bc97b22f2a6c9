import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { captureTrace } from '../../src/capture/capture.js';
import { CliError } from '../../src/commands/common.js';
import { captureExitCode, runCapture, signalExitCode } from '../../src/commands/capture.js';
import { registerCapture } from '../../src/commands/capture-command.js';
import { fakeMount, makeFakeTracefs, populate, testDeps, type FakeTracefs } from './fake-tracefs.js';

/** Refusals (not root, no tracefs, no trace-cmd), mounting, the trace-cmd path and the command's exit codes. */

let fake: FakeTracefs | undefined;
afterEach(() => fake?.cleanup());

describe('refusals', () => {
  it('not root: one-line refusal with exit 2, tracefs untouched', async () => {
    fake = makeFakeTracefs({ files: { tracing_on: '0\n' } });
    const before = fake.snapshot();
    const opts = { topLevel: true, root: fake.root, output: join(fake.dir, 't.txt'), command: ['true'] };
    await expect(captureTrace(opts, testDeps({ isRoot: () => false }))).rejects.toMatchObject({ kind: 'not-root' });
    const err = await runCapture(['true'], { output: opts.output, tracefs: fake.root }, testDeps({ isRoot: () => false })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ exitCode: 2, message: 'capture: must run as root (tracefs is writable by root only): run it with sudo' });
    expect((err as Error).message).not.toContain('\n');
    expect(fake.snapshot()).toEqual(before);
    expect(existsSync(opts.output)).toBe(false);
  });

  it('tracefs not mounted and mounting fails: refused with the reason, exit 2', async () => {
    fake = makeFakeTracefs({ unmounted: true });
    const mount = fakeMount(() => 'mount: /sys/kernel/tracing: permission denied.');
    const deps = testDeps({ mount });
    const err = await runCapture(['true'], { output: join(fake.dir, 't.txt'), tracefs: fake.root }, deps).catch((e: unknown) => e);
    expect(err).toMatchObject({ exitCode: 2 });
    expect((err as Error).message).toMatch(/^capture: tracefs is not mounted at .* and mounting it failed: mount: .*permission denied\.$/);
    expect(mount.calls).toEqual([`mount ${fake.root}`]);
  });

  it('no directory to mount tracefs on: refused', async () => {
    fake = makeFakeTracefs();
    await expect(captureTrace({ root: join(fake.dir, 'nowhere'), output: join(fake.dir, 't.txt'), command: ['true'] }, testDeps())).rejects.toMatchObject({ kind: 'no-tracefs' });
  });

  it('mounts tracefs when needed and unmounts only what it mounted', async () => {
    fake = makeFakeTracefs({ unmounted: true });
    const mount = fakeMount((root) => {
      populate(root);
      return undefined;
    });
    const r = await captureTrace({ topLevel: true, root: fake.root, output: join(fake.dir, 't.txt'), command: ['true'] }, testDeps({ mount }));
    expect(r.mountedHere).toBe(true);
    expect(mount.calls).toEqual([`mount ${fake.root}`, `umount ${fake.root}`]);

    fake.cleanup();
    fake = makeFakeTracefs();
    const already = fakeMount();
    const r2 = await captureTrace({ topLevel: true, root: fake.root, output: join(fake.dir, 't.txt'), command: ['true'] }, testDeps({ mount: already }));
    expect(r2.mountedHere).toBe(false);
    expect(already.calls).toEqual([]);
  });

  it('--format trace-cmd without trace-cmd installed: refused before anything is touched', async () => {
    fake = makeFakeTracefs();
    const before = fake.snapshot();
    await expect(
      captureTrace({ topLevel: true, root: fake.root, output: join(fake.dir, 't.txt'), command: ['true'], format: 'trace-cmd' }, testDeps({ findProgram: () => undefined })),
    ).rejects.toMatchObject({ kind: 'no-trace-cmd', message: expect.stringMatching(/needs trace-cmd, which is not installed/) });
    expect(fake.snapshot()).toEqual(before);
  });
});

describe('trace-cmd format', () => {
  it('runs trace-cmd extract then report, with tracing stopped, and saves the report', async () => {
    fake = makeFakeTracefs();
    const calls = join(fake.dir, 'calls');
    // A stand-in for trace-cmd: records each call with the tracing_on it saw, writes a .dat, reports it.
    const tc = join(fake.dir, 'trace-cmd');
    writeFileSync(
      tc,
      `#!/bin/sh\necho "$1 tracing_on=$(cat '${fake.root}/tracing_on')" >> '${calls}'\n` +
        `case "$1" in extract) echo dat > "$3"; echo 'CPU 1: 12 events lost' >&2;; report) echo cpus=2; echo '  fio-1 [001]   1.000001: block_rq_issue: 254,0 WS 4096 () 8 + 8 0x2,0,4 [fio]';; esac\n`,
    );
    chmodSync(tc, 0o755);
    const out = join(fake.dir, 't.txt.gz');
    const deps = testDeps({ findProgram: (n) => (n === 'trace-cmd' ? tc : undefined) });
    const r = await captureTrace({ topLevel: true, root: fake.root, output: out, command: ['true'], format: 'trace-cmd' }, deps);
    expect(readFileSync(calls, 'utf8')).toBe('extract tracing_on=0\nreport tracing_on=0\n');
    expect(gunzipSync(readFileSync(out)).toString()).toMatch(/^cpus=2\n.*block_rq_issue/);
    expect(r.saved?.log).toContain('12 events lost');
    expect(deps.lines).toContain('trace-cmd: CPU 1: 12 events lost');
    expect(fake.read('tracing_on')).toBe('1\n');
  });
});

describe('the capture command', () => {
  it('maps results to exit codes: 0, 1 (command failed), 2 (could not start), 130/143 (signals)', () => {
    const base = { events: [], skipped: [], bufferKb: 1, cpus: [], loss: [], restore: { restored: [], errors: [] }, mountedHere: false };
    const exited = (code: number | null, signal: NodeJS.Signals | null = null) => ({ kind: 'exited' as const, code, signal, durationMs: 1 });
    expect(captureExitCode({ ...base, command: exited(0) })).toBe(0);
    expect(captureExitCode({ ...base, command: exited(3) })).toBe(1);
    expect(captureExitCode({ ...base, command: exited(null, 'SIGKILL') })).toBe(1);
    expect(captureExitCode({ ...base, command: { kind: 'spawn-failed', message: 'x', durationMs: 0 } })).toBe(2);
    expect(captureExitCode({ ...base, command: exited(0), restore: { restored: [], errors: ['tracing_on=1: EBUSY'] } })).toBe(1);
    expect(captureExitCode({ ...base, interrupted: 'SIGINT' })).toBe(130);
    expect(signalExitCode('SIGTERM')).toBe(143);
  });

  it('parses its options through commander and rejects bad ones with a usage error', async () => {
    fake = makeFakeTracefs();
    const out = join(fake.dir, 't.txt');
    const program = new Command().exitOverride();
    registerCapture(program, testDeps());
    const saved = process.exitCode;
    try {
      await program.parseAsync(['node', 'iopath', 'capture', '--tracefs', fake.root, '--top-level', '-o', out, '--events', 'minimal', '--buffer-kb', '512', '--', 'sh', '-c', 'exit 3']);
      expect(process.exitCode).toBe(1);
      expect(existsSync(out)).toBe(true);
    } finally {
      process.exitCode = saved;
    }
    await expect(runCapture(['true'], { output: out, tracefs: fake.root, topLevel: true, events: 'most' }, testDeps())).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/--events must be one of default, minimal, full/) });
    await expect(runCapture(['true'], { output: out, tracefs: fake.root, topLevel: true, bufferKb: '1e3' }, testDeps())).rejects.toMatchObject({ exitCode: 2 });
    await expect(runCapture(['true'], { output: out, tracefs: fake.root, topLevel: true, format: 'perf' }, testDeps())).rejects.toMatchObject({ exitCode: 2 });
  });
});
