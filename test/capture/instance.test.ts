import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { captureTrace } from '../../src/capture/capture.js';
import { EVENT_SETS } from '../../src/capture/events.js';
import { instanceName } from '../../src/capture/instance.js';
import { readDat } from './dat-reader.js';
import { datFiles, schedSwitch } from './fake-dat.js';
import { fakeInstances, makeFakeTracefs, q, testDeps, type FakeTracefs } from './fake-tracefs.js';
import { makePages } from './ring-pages.js';

/**
 * By default a capture traces into a tracefs instance of its own (`instances/iopath-<pid>`), made
 * when it starts and removed when it ends however it ends, and leaves the top level alone: a user
 * tracing there (tracing on, an event enabled, lines in its buffer) finds all of it as it was,
 * also while the capture runs. The fake kernel fills a new instance's directory as the real one does.
 */

const USER_TRACING = {
  tracing_on: '1\n',
  set_event: 'sched:sched_process_exec\n',
  buffer_size_kb: '4096\n',
  current_tracer: 'function\n',
  'options/raw': '1\n',
  trace: "# tracer: function\n          bash-3213    [000] .....   143.959116: sched_process_exec: filename=/bin/ls pid=3213 old_pid=3213\n",
};

let fake: FakeTracefs | undefined;
afterEach(() => fake?.cleanup());

const INSTANCE = `instances/${instanceName()}`;
const LINE = '     fio-7888    [001] d.h1.   505.925043: block_rq_complete: 254,0 WS () 46699392 + 8 be,0,4 [0]';

/** A command that records the top level and the instance as they are while it runs, and "traces" a line into the instance. */
function script(f: FakeTracefs, exit = 0): string[] {
  const t = (rel: string): string => q(join(f.root, rel));
  return [
    'sh',
    '-c',
    `{ cat ${t('tracing_on')} ${t('set_event')} ${t('trace')}; echo ---; cat ${t(`${INSTANCE}/tracing_on`)} ${t(`${INSTANCE}/buffer_size_kb`)}; echo ---; cat ${t(`${INSTANCE}/set_event`)}; } > ${q(join(f.dir, 'during'))}; ` +
      `echo ${q(LINE)} >> ${t(`${INSTANCE}/trace`)}; exit ${exit}`,
  ];
}

describe('capture into its own instance', () => {
  it('arms the instance, saves its trace, removes it, and never touches the top level', async () => {
    fake = makeFakeTracefs({ files: USER_TRACING });
    const before = fake.snapshot();
    const topTrace = fake.read('trace');
    const out = join(fake.dir, 't.txt');
    const instances = fakeInstances();
    const deps = testDeps({ instances });
    const r = await captureTrace({ root: fake.root, output: out, command: script(fake), bufferKb: 2048 }, deps);

    expect(r.error).toBeUndefined();
    expect(r.instance).toBe(INSTANCE);
    const [top, inst, events] = readFileSync(join(fake.dir, 'during'), 'utf8').split('---\n');
    // While the command ran: the user's top level as they left it, the instance armed.
    expect(top).toBe(`1\nsched:sched_process_exec\n${topTrace}`);
    expect(inst).toBe('1\n2048\n');
    expect(events?.trim().split('\n')).toEqual(EVENT_SETS.default);
    // Afterwards: the instance's trace saved, the instance gone, the top level as it was.
    expect(readFileSync(out, 'utf8')).toContain(LINE);
    expect(instances.calls).toEqual([`mkdir ${join(fake.root, INSTANCE)}`, `rmdir ${join(fake.root, INSTANCE)}`]);
    expect(existsSync(join(fake.root, INSTANCE))).toBe(false);
    expect(fake.snapshot()).toEqual(before);
    expect(fake.read('trace')).toBe(topTrace);
    expect(r.restore).toEqual({ restored: [`${INSTANCE} (removed)`], errors: [] });
    expect(deps.lines).toContain(`removed the tracefs instance ${fake.root}/${INSTANCE}`);
  });

  it('a failing command, an interrupt before the start, a failure while arming: the instance is removed each time', async () => {
    fake = makeFakeTracefs({ files: USER_TRACING });
    const before = fake.snapshot();
    const failed = await captureTrace({ root: fake.root, output: join(fake.dir, 'a.txt'), command: script(fake, 3) }, testDeps());
    expect(failed.command).toMatchObject({ kind: 'exited', code: 3 });
    expect(readFileSync(join(fake.dir, 'a.txt'), 'utf8')).toContain(LINE);
    expect(fake.snapshot()).toEqual(before);

    const ac = new AbortController();
    ac.abort('SIGINT');
    const interrupted = await captureTrace({ root: fake.root, output: join(fake.dir, 'b.txt'), command: ['true'], signal: ac.signal }, testDeps());
    expect(interrupted.interrupted).toBe('SIGINT');
    expect(fake.snapshot()).toEqual(before);

    // The instance's set_event cannot be written: arming fails after the instance was made.
    const broken = fakeInstances({ onCreate: (p) => rmSync(join(p, 'set_event')) });
    const r = await captureTrace({ root: fake.root, output: join(fake.dir, 'c.txt'), command: ['true'] }, testDeps({ instances: broken }));
    expect(r.error?.message).toMatch(/set_event/);
    expect(broken.calls).toHaveLength(2);
    expect(fake.snapshot()).toEqual(before);
  });

  it('a refusal after the instance was made (its kernel has none of the events) still removes it', async () => {
    fake = makeFakeTracefs();
    const before = fake.snapshot();
    const empty = fakeInstances({ onCreate: (p) => rmSync(join(p, 'events'), { recursive: true }) });
    await expect(captureTrace({ root: fake.root, output: join(fake.dir, 't.txt'), command: ['true'] }, testDeps({ instances: empty }))).rejects.toMatchObject({ kind: 'no-events' });
    expect(empty.calls).toHaveLength(2);
    expect(fake.snapshot()).toEqual(before);
  });

  it('refuses, touching nothing, when the instance exists already or tracefs has no instances', async () => {
    fake = makeFakeTracefs();
    const stale = fakeInstances();
    stale.create(join(fake.root, INSTANCE));
    const before = fake.snapshot();
    await expect(captureTrace({ root: fake.root, output: join(fake.dir, 't.txt'), command: ['true'] }, testDeps())).rejects.toMatchObject({
      kind: 'no-tracefs',
      message: expect.stringMatching(/exists already .*rmdir, or capture with --top-level/),
    });
    expect(fake.snapshot()).toEqual(before);
    stale.remove(join(fake.root, INSTANCE));
    rmSync(join(fake.root, 'instances'), { recursive: true });
    await expect(captureTrace({ root: fake.root, output: join(fake.dir, 't.txt'), command: ['true'] }, testDeps())).rejects.toMatchObject({
      kind: 'no-tracefs',
      message: expect.stringMatching(/no instances directory .*--top-level/),
    });
  });

  it('--format dat reads the instance’s per-CPU raw buffers', async () => {
    fake = makeFakeTracefs({ files: USER_TRACING });
    const before = fake.snapshot();
    const page = makePages([schedSwitch(5_000n, { prev: 'fio', prevPid: 7888, state: 1n, next: 'x', nextPid: 3 })]);
    const instances = fakeInstances({
      onCreate: (p) => {
        for (const [rel, text] of Object.entries(datFiles())) if (!rel.startsWith('saved_cmdlines') && rel !== 'printk_formats') writeFileSync(join(p, rel), text);
        writeFileSync(join(p, 'per_cpu/cpu1/trace_pipe_raw'), page);
      },
    });
    // The top level's raw buffer holds a page of the user's own: it must stay unread.
    writeFileSync(join(fake.root, 'per_cpu/cpu0/trace_pipe_raw'), page);
    const out = join(fake.dir, 't.dat');
    const r = await captureTrace({ root: fake.root, output: out, command: ['true'], format: 'dat', bufferKb: 1024 }, testDeps({ instances }));
    expect(r.error).toBeUndefined();
    expect(readDat(readFileSync(out)).events.map((e) => [e.cpu, e.ts])).toEqual([[1, 5_000n]]);
    expect(fake.snapshot()).toEqual({ ...before, 'per_cpu/cpu0/trace_pipe_raw': page.toString('utf8') });
  });

  it('--format trace-cmd extracts the instance only (-B NAME)', async () => {
    fake = makeFakeTracefs();
    const calls = join(fake.dir, 'calls');
    const tc = join(fake.dir, 'trace-cmd');
    writeFileSync(tc, `#!/bin/sh\necho "$*" >> '${calls}'\ncase "$1" in extract) echo dat > "$5";; report) echo cpus=2; echo ${q(LINE)};; esac\n`);
    chmodSync(tc, 0o755);
    const out = join(fake.dir, 't.txt');
    const r = await captureTrace({ root: fake.root, output: out, command: ['true'], format: 'trace-cmd' }, testDeps({ findProgram: (n) => (n === 'trace-cmd' ? tc : undefined) }));
    expect(r.error).toBeUndefined();
    expect(readFileSync(calls, 'utf8').split('\n')[0]).toMatch(new RegExp(`^extract -B ${instanceName()} -o .*trace\\.dat$`));
    expect(readdirSync(join(fake.root, 'instances'))).toEqual([]);
  });
});
