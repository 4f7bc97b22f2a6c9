import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { captureTrace } from '../../src/capture/capture.js';
import { CaptureRefusal } from '../../src/capture/errors.js';
import { EVENT_SETS } from '../../src/capture/events.js';
import { makeFakeTracefs, q, testDeps, type FakeTracefs } from './fake-tracefs.js';

/**
 * Restore on every way a capture can end, against a fake tracefs that starts in a state unlike
 * what capture sets (tracing on, another event enabled, a function tracer, options changed), so
 * that "put back" cannot pass by accident.
 */

const NON_DEFAULT = {
  'tracing_on': '1\n',
  'set_event': 'sched:sched_process_exec\n',
  'buffer_size_kb': '4096\n',
  'current_tracer': 'function\n',
  'options/raw': '1\n',
  'options/annotate': '0\n',
  'saved_cmdlines_size': '128\n',
  'set_event_pid': '4242\n',
};

let fake: FakeTracefs | undefined;
afterEach(() => fake?.cleanup());

/** A command that records the armed state, then "traces" two lines into the ring buffer. */
function tracingScript(f: FakeTracefs, exit = 0): string[] {
  const during = join(f.dir, 'during');
  const t = (rel: string): string => q(join(f.root, rel));
  return [
    'sh',
    '-c',
    `{ cat ${t('tracing_on')} ${t('buffer_size_kb')} ${t('current_tracer')} ${t('options/raw')} ${t('options/annotate')}; echo ---; cat ${t('set_event')}; echo ---; cat ${t('set_event_pid')}; } > ${q(during)}; ` +
      `printf '%s\\n' '     fio-7888    [001] d.h1.   505.925043: block_rq_complete: 254,0 WS () 46699392 + 8 be,0,4 [0]' '     fio-7888    [001] ..... 505.925050: sched_switch: x' >> ${t('trace')}; exit ${exit}`,
  ];
}

describe('capture restores tracefs', () => {
  it('after success: armed as asked while the command ran, everything put back afterwards', async () => {
    fake = makeFakeTracefs({ files: NON_DEFAULT });
    const before = fake.snapshot();
    const out = join(fake.dir, 't.txt');
    const deps = testDeps();
    const r = await captureTrace({ topLevel: true, root: fake.root, output: out, command: tracingScript(fake), bufferKb: 2048 }, deps);

    const during = readFileSync(join(fake.dir, 'during'), 'utf8').split('---\n');
    expect(during[0]).toBe('1\n2048\nnop\n0\n1\n');
    expect(during[1]?.trim().split('\n')).toEqual(EVENT_SETS.default);
    expect(during[2]).toBe('');

    expect(r.command).toMatchObject({ kind: 'exited', code: 0 });
    expect(r.error).toBeUndefined();
    expect(r.restore.errors).toEqual([]);
    expect(fake.snapshot()).toEqual(before);
    expect(fake.read('trace')).toBe('');
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('block_rq_complete: 254,0 WS () 46699392 + 8');
    expect(r.saved).toMatchObject({ gzip: false, bytes: Buffer.byteLength(text) });
    // What it did, on stderr.
    const log = deps.lines.join('\n');
    expect(log).toMatch(/enabled 16 events \(default\)/);
    expect(log).toMatch(/ring buffer 2048 KB per CPU × 2 CPUs/);
    expect(log).toMatch(/command exited with status 0 after \d+\.\d\d s/);
    expect(log).toMatch(new RegExp(`wrote .*t\\.txt: .*\\(${Buffer.byteLength(text)} bytes\\)`));
    expect(log).toMatch(/no events lost/);
    expect(log).toMatch(/restored .*tracing_on=1/);
  });

  it('after the command fails: the trace is still saved and tracefs is back', async () => {
    fake = makeFakeTracefs({ files: NON_DEFAULT });
    const before = fake.snapshot();
    const out = join(fake.dir, 't.txt.gz');
    const r = await captureTrace({ topLevel: true, root: fake.root, output: out, command: tracingScript(fake, 3), bufferKb: 2048 }, testDeps());
    expect(r.command).toMatchObject({ kind: 'exited', code: 3 });
    expect(fake.snapshot()).toEqual(before);
    expect(gunzipSync(readFileSync(out)).toString()).toContain('block_rq_complete');
    expect(r.saved?.gzip).toBe(true);
  });

  it('when the command is not found: refused before anything is touched, no output', async () => {
    fake = makeFakeTracefs({ files: NON_DEFAULT });
    const before = fake.snapshot();
    const out = join(fake.dir, 't.txt');
    await expect(captureTrace({ topLevel: true, root: fake.root, output: out, command: ['iopath-no-such-command-xyz', '-v'] }, testDeps())).rejects.toMatchObject({
      kind: 'command-not-found',
      message: 'iopath-no-such-command-xyz: command not found',
    });
    expect(fake.snapshot()).toEqual(before);
    expect(existsSync(out)).toBe(false);
  });

  it('when the command exists but cannot be started (not executable): restored after arming', async () => {
    fake = makeFakeTracefs({ files: NON_DEFAULT });
    const before = fake.snapshot();
    const script = join(fake.dir, 'not-executable.sh');
    writeFileSync(script, '#!/bin/sh\nexit 0\n');
    chmodSync(script, 0o644);
    const out = join(fake.dir, 't.txt');
    const r = await captureTrace({ topLevel: true, root: fake.root, output: out, command: [script] }, testDeps());
    expect(r.command).toMatchObject({ kind: 'spawn-failed' });
    expect(r.command?.kind === 'spawn-failed' && r.command.message).toMatch(/EACCES/);
    expect(r.restore.restored.length).toBeGreaterThan(0);
    expect(fake.snapshot()).toEqual(before);
    expect(existsSync(out)).toBe(false);
  });

  it('after an interrupt (SIGINT through the abort signal): forwarded to the command, trace so far saved, restored', async () => {
    fake = makeFakeTracefs({ files: NON_DEFAULT });
    const before = fake.snapshot();
    const marker = join(fake.dir, 'started');
    const out = join(fake.dir, 't.txt');
    const ac = new AbortController();
    const started = Date.now();
    const run = captureTrace(
      { topLevel: true, root: fake.root, output: out, command: ['sh', '-c', `echo 'x-1 [000] ..... 1.000000: sched_switch: y' >> ${q(join(fake.root, 'trace'))}; touch ${q(marker)}; exec sleep 30`], signal: ac.signal },
      testDeps(),
    );
    while (!existsSync(marker)) await new Promise((r) => setTimeout(r, 20));
    // The command runs with tracing armed.
    expect(fake.read('tracing_on')).toBe('1\n');
    ac.abort('SIGINT');
    const r = await run;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.interrupted).toBe('SIGINT');
    expect(r.command).toMatchObject({ kind: 'exited', signal: 'SIGINT', interrupted: 'SIGINT' });
    expect(readFileSync(out, 'utf8')).toContain('sched_switch');
    expect(fake.snapshot()).toEqual(before);
  });

  it('an interrupt before the command started: the command never runs, nothing saved, restored', async () => {
    fake = makeFakeTracefs({ files: NON_DEFAULT });
    const before = fake.snapshot();
    const marker = join(fake.dir, 'ran');
    const ac = new AbortController();
    ac.abort('SIGTERM');
    const r = await captureTrace({ topLevel: true, root: fake.root, output: join(fake.dir, 't.txt'), command: ['touch', marker], signal: ac.signal }, testDeps());
    expect(r.interrupted).toBe('SIGTERM');
    expect(r.command).toBeUndefined();
    expect(existsSync(marker)).toBe(false);
    expect(fake.snapshot()).toEqual(before);
  });

  it('a failure in the middle of arming restores what was already changed', async () => {
    fake = makeFakeTracefs({ files: NON_DEFAULT });
    // set_event cannot be written (a directory in its place): arming fails after tracing_on,
    // current_tracer, the options, set_event_pid, buffer_size_kb and trace were changed.
    rmSync(join(fake.root, 'set_event'));
    mkdirSync(join(fake.root, 'set_event'));
    const before = fake.snapshot();
    const r = await captureTrace({ topLevel: true, root: fake.root, output: join(fake.dir, 't.txt'), command: ['true'] }, testDeps());
    expect(r.error?.message).toMatch(/set_event/);
    expect(r.command).toBeUndefined();
    expect(r.restore.restored).toEqual(expect.arrayContaining(['buffer_size_kb=4096', 'current_tracer=function', 'tracing_on=1', 'options/raw=1']));
    expect(fake.snapshot()).toEqual(before);
  });

  it('a failure while saving (the trace vanished) still restores, and leaves no partial file', async () => {
    fake = makeFakeTracefs({ files: NON_DEFAULT });
    const before = fake.snapshot();
    const out = join(fake.dir, 't.txt');
    const r = await captureTrace({ topLevel: true, root: fake.root, output: out, command: ['rm', join(fake.root, 'trace')] }, testDeps());
    expect(r.error?.message).toMatch(/ENOENT/);
    // The undo of "trace cleared" recreates the file; everything else is as before.
    expect(fake.snapshot()).toEqual(before);
    expect(readdirSync(fake.dir).filter((n) => n.startsWith('t.txt'))).toEqual([]);
  });

  it('an unexpanded buffer (`7 (expanded: 1408)`) is restored to the size it would have expanded to', async () => {
    fake = makeFakeTracefs({ files: { buffer_size_kb: '7 (expanded: 1408)\n' } });
    await captureTrace({ topLevel: true, root: fake.root, output: join(fake.dir, 't.txt'), command: ['true'], bufferKb: 512 }, testDeps());
    expect(fake.read('buffer_size_kb')).toBe('1408\n');
  });

  it('per-CPU buffer sizes that differed (`X`) are restored CPU by CPU', async () => {
    fake = makeFakeTracefs({ files: { buffer_size_kb: 'X\n', 'per_cpu/cpu0/buffer_size_kb': '1408\n', 'per_cpu/cpu1/buffer_size_kb': '8192\n' } });
    await captureTrace({ topLevel: true, root: fake.root, output: join(fake.dir, 't.txt'), command: ['true'], bufferKb: 512 }, testDeps());
    expect(fake.read('per_cpu/cpu0/buffer_size_kb')).toBe('1408\n');
    expect(fake.read('per_cpu/cpu1/buffer_size_kb')).toBe('8192\n');
  });

  it('a non-nanosecond trace_clock is switched to local for the capture and put back', async () => {
    fake = makeFakeTracefs({ files: { trace_clock: 'local global [counter] uptime\n' } });
    const marker = join(fake.dir, 'clock');
    const r = await captureTrace({ topLevel: true, root: fake.root, output: join(fake.dir, 't.txt'), command: ['sh', '-c', `cat ${q(join(fake.root, 'trace_clock'))} > ${q(marker)}`] }, testDeps());
    expect(readFileSync(marker, 'utf8')).toBe('local\n');
    expect(r.restore.restored).toContain('trace_clock=counter');
    expect(fake.read('trace_clock')).toBe('counter\n');
  });

  it('refusals are CaptureRefusal and happen before any change', async () => {
    fake = makeFakeTracefs();
    await expect(captureTrace({ topLevel: true, root: fake.root, output: join(fake.dir, 'no-such-dir', 't.txt'), command: ['true'] }, testDeps())).rejects.toBeInstanceOf(CaptureRefusal);
    await expect(captureTrace({ topLevel: true, root: fake.root, output: join(fake.dir, 't.txt'), command: [] }, testDeps())).rejects.toMatchObject({ kind: 'command-not-found' });
  });
});
