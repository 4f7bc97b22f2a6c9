import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureTrace } from '../../src/capture/capture.js';
import { CaptureRefusal } from '../../src/capture/errors.js';
import { findOnPath } from '../../src/capture/run-command.js';
import { REPO } from '../helpers/paths.js';
import { buildCli } from '../cli/run.js';
import { readDat, type DatFile } from './dat-reader.js';
import { blockRqIssue, CMDLINES, datFiles, irqHandlerEntry, schedSwitch, workqueueExecuteStart } from './fake-dat.js';
import { makeFakeTracefs, q, ZERO_STATS, testDeps, type FakeTracefs } from './fake-tracefs.js';
import { makePages, PAGE_SIZE, type RawEvent } from './ring-pages.js';

/**
 * `capture --format dat` against a fake tracefs whose trace_pipe_raw files hold hand-made kernel
 * pages: the written trace.dat is read back by an independent reader (and by `trace-cmd report`
 * when it is installed), every event, field, CPU and timestamp compared with what the fake kernel
 * wrote.
 */

const KALLSYMS = 'ffffffff81000000 T _stext\nffffffff8155d0a0 t iomap_dio_complete_work\nffffffff8155e000 T iomap_dio_bio_end_io\n';
const WORK_FN = 0xffffffff8155d0a0n;
const HAS_TRACE_CMD = findOnPath('trace-cmd') !== undefined;
if (!HAS_TRACE_CMD) console.warn('trace-cmd report checks skipped: trace-cmd is not installed');

let fake: FakeTracefs | undefined;
afterEach(() => fake?.cleanup());

/** The built modules (dist/), as the CLI runs them: there the ring buffer is read on a worker thread. */
let built: typeof captureTrace;
beforeAll(async () => {
  buildCli();
  built = ((await import(join(REPO, 'dist', 'capture', 'capture.js'))) as { captureTrace: typeof captureTrace }).captureTrace;
}, 180_000);

function setup(cpus = 2): FakeTracefs {
  fake = makeFakeTracefs({ cpus, files: datFiles(cpus) });
  return fake;
}

const deps = (): ReturnType<typeof testDeps> => testDeps({ readKallsyms: () => Buffer.from(KALLSYMS) });

/** stats as the kernel shows them after `read` events were handed out to readers. */
function statsAfter(read: number, overrun = 0): string {
  return ZERO_STATS.replace('read events: 0', `read events: ${read}`).replace('overrun: 0\ncommit', `overrun: ${overrun}\ncommit`);
}

/** A command that plays the kernel's reader counters: each CPU's `read events` becomes what its pages hold. */
function bumpStats(f: FakeTracefs, perCpu: number[], extra = ''): string[] {
  const writes = perCpu.map((n, cpu) => `printf '%s' ${q(statsAfter(n))} > ${q(join(f.root, `per_cpu/cpu${cpu}/stats`))}`);
  return ['sh', '-c', [...writes, extra || 'true'].join('; ')];
}

/** A busy CPU 1 (block issue, irq, work, switches; a time extend, a long-form record, padding) and a quiet CPU 0. */
function workload(): RawEvent[][] {
  const cpu1: RawEvent[] = [];
  let ts = 505_925_043_000n;
  for (let i = 0; i < 150; i++) {
    cpu1.push(blockRqIssue(ts, 7888, { dev: (254 << 20) | 0, sector: 46699392n + BigInt(i * 8), nr: 8, rwbs: 'WS', comm: 'fio' }));
    cpu1.push({ ...irqHandlerEntry(ts + 20_000n, 7888, 36, 'virtio1-req.0'), ...(i === 3 ? { long: true } : {}), ...(i === 5 ? { paddingBefore: 24 } : {}) });
    cpu1.push(workqueueExecuteStart(ts + 31_000n, 44, 0xffff888003a1c0e8n + BigInt(i), WORK_FN));
    cpu1.push(schedSwitch(ts + 40_000n, { prev: 'kworker/1:1', prevPid: 44, state: 128n, next: 'fio', nextPid: 7888 }));
    // Every 50th gap is 0.2 s, past the 27-bit delta (134 ms): a time extend record.
    ts += i % 50 === 49 ? 200_000_000n : 61_000n;
  }
  const cpu0 = [schedSwitch(505_925_100_000n, { prev: '<idle>', prevPid: 0, state: 0n, next: 'fio', nextPid: 7888 }), schedSwitch(505_925_900_000n, { prev: 'fio', prevPid: 7888, state: 1n, next: '<idle>', nextPid: 0 })];
  return [cpu0, cpu1];
}

function expectSameEvents(dat: DatFile, cpus: RawEvent[][]): void {
  const want = cpus.flatMap((evs, cpu) => evs.map((e) => ({ cpu, ts: e.ts, id: e.id, pid: e.pid })));
  expect(dat.events.map((e) => ({ cpu: e.cpu, ts: e.ts, id: e.id, pid: e.pid }))).toEqual(want);
}

describe('capture --format dat (fake tracefs)', () => {
  it('writes a trace.dat v6 that parses back: every event, timestamp, field and the metadata', async () => {
    const f = setup();
    const cpus = workload();
    cpus.forEach((evs, cpu) => writeFileSync(join(f.root, `per_cpu/cpu${cpu}/trace_pipe_raw`), makePages(evs)));
    const out = join(f.dir, 't.dat');
    const d = deps();
    const r = await captureTrace({ topLevel: true, root: f.root, output: out, command: bumpStats(f, cpus.map((e) => e.length)), format: 'dat', bufferKb: 1024 }, d);
    expect(r.error, d.lines.join('\n')).toBeUndefined();

    const dat = readDat(readFileSync(out));
    expect(dat).toMatchObject({ version: '6', longSize: 8, pageSize: PAGE_SIZE, cpuCount: 2, clock: '[local]', kallsyms: KALLSYMS, printk: '0xffffffff8281245c : "thaw_processes"\n' });
    expect([...dat.cmdlines.values()]).toEqual(CMDLINES.trim().split('\n').map((l) => l.split(' ')[1]));
    expectSameEvents(dat, cpus);
    for (const { offset } of dat.cpuData) expect(offset % PAGE_SIZE).toBe(0);
    expect(dat.cpuData.map((c) => c.size)).toEqual(cpus.map((evs) => makePages(evs).length));

    const issue = dat.events.find((e) => e.name === 'block_rq_issue');
    expect(issue?.fields).toMatchObject({ dev: (254 << 20) | 0, sector: 46699392n, nr_sector: 8, bytes: 4096, rwbs: 'WS', comm: 'fio', cmd: '' });
    expect(dat.events.find((e) => e.name === 'irq_handler_entry')?.fields).toEqual({ irq: 36, name: 'virtio1-req.0' });
    expect(dat.events.find((e) => e.name === 'workqueue_execute_start')?.fields.function).toBe(WORK_FN);
    // Stats are stored per CPU as trace-cmd record stores them, with what the kernel showed at the end.
    expect(dat.options.filter((o) => o.id === 2).map((o) => o.text)).toEqual([`CPU: 0\n${statsAfter(2)}`, `CPU: 1\n${statsAfter(600)}`]);
    expect(dat.options.find((o) => o.id === 4)?.text).toMatch(/^\[local\] global/);
    // Event formats: the enabled events only, each under its system.
    expect(new Set([...dat.formats.values()].map((fm) => `${fm.system}:${fm.name}`))).toEqual(new Set(r.events));

    expect(d.lines).toContain('trace.dat v6: 602 events in ' + (dat.cpuData.reduce((n, c) => n + c.size, 0) / PAGE_SIZE) + ' pages (cpu0 2, cpu1 600)');
    expect(d.lines.filter((l) => l.startsWith('warning'))).toEqual([]);
    // The pages waited in temporary files beside the output; none is left.
    expect(readdirSync(f.dir).filter((n) => n.includes('partial'))).toEqual([]);
    // tracefs is put back: the events it had enabled, the buffer size, tracing_on.
    expect(r.restore.errors).toEqual([]);
    expect(f.read('set_event')).toBe('');
  });

  it.skipIf(!HAS_TRACE_CMD)('trace-cmd report prints every event of the file, with the kernel print formats', async () => {
    const f = setup();
    const cpus = workload();
    cpus.forEach((evs, cpu) => writeFileSync(join(f.root, `per_cpu/cpu${cpu}/trace_pipe_raw`), makePages(evs)));
    const out = join(f.dir, 't.dat');
    const r = await captureTrace({ topLevel: true, root: f.root, output: out, command: bumpStats(f, cpus.map((e) => e.length)), format: 'dat', bufferKb: 1024 }, deps());
    expect(r.error).toBeUndefined();
    const rep = spawnSync('trace-cmd', ['report', '-i', out], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(rep.status, rep.stderr).toBe(0);
    const lines = rep.stdout.split('\n').filter((l) => /^\s*\S.*\[\d{3}\]\s+\d+\.\d{6}: \w+:/.test(l));
    expect(lines).toHaveLength(602);
    // As trace-cmd prints a real capture's: the I/O priority class is an enum libtraceevent leaves in hex.
    expect(lines[0]).toMatch(/fio-7888 +\[001\] +505\.925043: block_rq_issue: +254,0 WS 4096 \(\) 46699392 \+ 8 0x2,0,4 \[fio\]/);
    expect(rep.stdout).toMatch(/kworker\/1:1-44 +\[001\] +505\.925074: workqueue_execute_start: work struct 0xffff888003a1c0e8: function iomap_dio_complete_work/);
    expect(rep.stdout).toMatch(/\[001\] +505\.925063: irq_handler_entry: +irq=36 name=virtio1-req\.0/);
    // The 0.2 s gap after the 50th I/O went through a time-extend record.
    expect(rep.stdout).toMatch(/\[001\] +506\.128032: block_rq_issue:/);
    expect(rep.stdout).toMatch(/<idle>-0 +\[000\] +505\.925100: sched_switch:/);
  });

  it.each(['main thread', 'worker thread'])('reads the ring buffer while the command runs, and the rest after it stopped (%s)', async (where) => {
    const run = where === 'worker thread' ? built : captureTrace;
    const f = setup(1);
    const evs = workload()[1]!;
    const first = makePages(evs.slice(0, 300));
    const rest = makePages(evs.slice(300));
    const out = join(f.dir, 't.dat');
    const pipe = q(join(f.root, 'per_cpu/cpu0/trace_pipe_raw'));
    const stats = q(join(f.root, 'per_cpu/cpu0/stats'));
    const firstFile = join(f.dir, 'first');
    const restFile = join(f.dir, 'rest');
    writeFileSync(firstFile, first);
    writeFileSync(restFile, rest);
    // The "kernel" fills its buffer and says how many bytes wait; once the capture's temporary
    // file for cpu0 has pages (it read them while the command ran), it writes the rest and ends.
    const script =
      `cat ${q(firstFile)} >> ${pipe}; printf 'entries: 300\\nbytes: ${first.length}\\nread events: 0\\n' > ${stats}; ` +
      `i=0; while [ $i -lt 100 ]; do for t in ${q(out)}.cpu0.partial-*; do [ -s "$t" ] && { echo seen > ${q(join(f.dir, 'seen'))}; i=100; }; done; i=$((i+1)); sleep 0.05; done; ` +
      `cat ${q(restFile)} >> ${pipe}; printf 'entries: 0\\nbytes: 0\\nread events: ${evs.length}\\n' > ${stats}`;
    const d = deps();
    const r = await run({ topLevel: true, root: f.root, output: out, command: ['sh', '-c', script], format: 'dat', bufferKb: 1024 }, d);
    expect(r.error, d.lines.join('\n')).toBeUndefined();
    expect(existsSync(join(f.dir, 'seen'))).toBe(true);
    const dat = readDat(readFileSync(out));
    expectSameEvents(dat, [evs]);
    expect(dat.cpuData[0]?.size).toBe(first.length + rest.length);
  });

  it('the built modules read on a worker thread and write the same file, byte for byte', async () => {
    const f = setup();
    const cpus = workload();
    const files: Buffer[] = [];
    for (const [i, run] of [captureTrace, built].entries()) {
      cpus.forEach((evs, cpu) => writeFileSync(join(f.root, `per_cpu/cpu${cpu}/trace_pipe_raw`), makePages(evs)));
      const out = join(f.dir, `t${i}.dat`);
      const d = deps();
      const r = await run({ topLevel: true, root: f.root, output: out, command: bumpStats(f, cpus.map((e) => e.length)), format: 'dat', bufferKb: 1024 }, d);
      expect(r.error, d.lines.join('\n')).toBeUndefined();
      expect(d.lines.find((l) => l.startsWith('reading the ring buffer'))).toContain(i === 0 ? 'on the main thread' : 'on its own thread');
      files.push(readFileSync(out));
    }
    expect(files[1]!.equals(files[0]!)).toBe(true);
    expectSameEvents(readDat(files[1]!), cpus);
  });

  it('counts pages the kernel flagged with lost events, and warns when the file disagrees with the kernel', async () => {
    const f = setup(1);
    const evs = workload()[1]!;
    const pages = makePages(evs, { lost: new Map([[1, 37], [3, undefined]]) });
    writeFileSync(join(f.root, 'per_cpu/cpu0/trace_pipe_raw'), pages);
    const out = join(f.dir, 't.dat');
    const d = deps();
    // The kernel says it handed out one event more than the pages hold.
    const r = await captureTrace({ topLevel: true, root: f.root, output: out, command: bumpStats(f, [evs.length + 1]), format: 'dat', bufferKb: 1024 }, d);
    expect(r.error).toBeUndefined();
    expect(readDat(readFileSync(out)).lost).toEqual([
      { cpu: 0, ts: expect.any(BigInt), count: 37 },
      { cpu: 0, ts: expect.any(BigInt) },
    ]);
    expect(d.lines).toContain('warning: cpu0: 2 pages follow lost events (37 events counted by the kernel): the reader fell behind');
    expect(d.lines).toContain(`warning: cpu0: the kernel handed out ${evs.length + 1} events but the file holds ${evs.length}`);
  });

  it('refuses a .gz output and a tracefs without header_page before touching anything', async () => {
    const f = setup();
    const before = f.snapshot();
    await expect(captureTrace({ topLevel: true, root: f.root, output: join(f.dir, 't.dat.gz'), command: ['true'], format: 'dat' }, deps())).rejects.toThrow(/name the output without \.gz \(e\.g\. .*t\.dat\)/);
    f.write('events/header_page', 'field: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n');
    const err = await captureTrace({ topLevel: true, root: f.root, output: join(f.dir, 't.dat'), command: ['true'], format: 'dat' }, deps()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureRefusal);
    expect((err as Error).message).toMatch(/header_page/);
    expect(f.snapshot()).toEqual({ ...before, 'events/header_page': 'field: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n' });
  });

  it('leaves no temporary file when the command cannot start or saving is abandoned', async () => {
    const f = setup();
    writeFileSync(join(f.root, 'per_cpu/cpu1/trace_pipe_raw'), makePages(workload()[1]!));
    const out = join(f.dir, 't.dat');
    const failed = await captureTrace({ topLevel: true, root: f.root, output: out, command: [join(f.dir, 'not-executable')], format: 'dat' }, deps()).catch((e: unknown) => e);
    writeFileSync(join(f.dir, 'not-executable'), 'x');
    const r1 = await captureTrace({ topLevel: true, root: f.root, output: out, command: [join(f.dir, 'not-executable')], format: 'dat' }, deps());
    expect(failed).toBeInstanceOf(CaptureRefusal);
    expect(r1.command?.kind).toBe('spawn-failed');
    const abandon = new AbortController();
    abandon.abort('SIGINT');
    const r2 = await captureTrace({ topLevel: true, root: f.root, output: out, command: ['true'], format: 'dat', abandon: abandon.signal }, deps());
    expect(r2.saved).toBeUndefined();
    expect(readdirSync(f.dir).filter((n) => n.startsWith('t.dat'))).toEqual([]);
    expect(r2.restore.errors).toEqual([]);
  });
});
