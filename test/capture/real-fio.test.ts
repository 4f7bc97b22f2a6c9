import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { captureTrace, SYSTEM_DEPS, type CaptureDeps, type CaptureFormat } from '../../src/capture/capture.js';
import { tracefsReady } from '../../src/capture/mount.js';
import { findOnPath } from '../../src/capture/run-command.js';
import { DEFAULT_TRACEFS } from '../../src/capture/tracefs.js';
import { readDat } from './dat-reader.js';
import { buildCli } from '../cli/run.js';
import { REPO } from '../helpers/paths.js';

/**
 * A real capture on this machine: a short fio job (500 O_DIRECT 4 KiB random overwrites) traced
 * through the kernel's tracefs (in an instance of the capture's own, as by default), analysed,
 * and tracefs checked to be exactly as it was, with another user's tracing, running beside the
 * capture in an instance of its own, left as it was. The top-level buffer is never armed. Skipped,
 * with the reason printed, where that cannot run. The test file must sit on a block-device
 * filesystem (O_DIRECT, iomap): tmpdir, or IOPATH_CAPTURE_TEST_DIR.
 */

const ROOT = DEFAULT_TRACEFS;
const BASE = process.env.IOPATH_CAPTURE_TEST_DIR ?? tmpdir();

function fsType(dir: string): string {
  return spawnSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' }).stdout?.trim() ?? '';
}

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  if (!tracefsReady(ROOT) && !existsSync(ROOT)) return `no tracefs at ${ROOT}`;
  if (findOnPath('fio') === undefined) return 'fio is not installed';
  if (['tmpfs', 'ramfs', 'overlayfs'].includes(fsType(BASE))) return `${BASE} is ${fsType(BASE)}, not a block-device filesystem (set IOPATH_CAPTURE_TEST_DIR)`;
  return undefined;
}

const SKIP = skipReason();
if (SKIP) console.warn(`real capture test skipped: ${SKIP}`);
const HAS_TRACE_CMD = findOnPath('trace-cmd') !== undefined;
if (!SKIP && !HAS_TRACE_CMD) console.warn('real trace-cmd capture test skipped: trace-cmd is not installed');

/** Everything capture may touch, as the kernel shows it. */
function tracefsState(): Record<string, string> {
  if (!tracefsReady(ROOT)) return { mounted: 'no' };
  const out: Record<string, string> = { mounted: 'yes' };
  const read = (rel: string): void => {
    const p = join(ROOT, rel);
    if (existsSync(p)) out[rel] = spawnSync('cat', [p], { encoding: 'utf8' }).stdout;
  };
  for (const f of ['tracing_on', 'set_event', 'buffer_size_kb', 'current_tracer', 'trace_clock', 'saved_cmdlines_size', 'set_event_pid', 'set_event_notrace_pid', 'tracing_cpumask']) read(f);
  for (const o of readdirSync(join(ROOT, 'options'))) read(`options/${o}`);
  return out;
}

/**
 * Another user's tracing while the capture runs: an instance with tracing on, an event enabled and
 * a line in its buffer. `untouched()` says whether all of it is still so.
 */
function otherTracing(): { untouched: () => Record<string, string>; expected: Record<string, string>; remove: () => void } {
  const inst = join(ROOT, 'instances', `iopath-test-other-${process.pid}`);
  mkdirSync(inst);
  writeFileSync(join(inst, 'set_event'), 'sched:sched_process_exec\n');
  writeFileSync(join(inst, 'trace_marker'), 'another user was tracing here\n');
  const state = (): Record<string, string> => {
    const trace = readFileSync(join(inst, 'trace'), 'utf8');
    return {
      tracing_on: readFileSync(join(inst, 'tracing_on'), 'utf8'),
      set_event: readFileSync(join(inst, 'set_event'), 'utf8'),
      buffer_size_kb: readFileSync(join(inst, 'buffer_size_kb'), 'utf8'),
      marker: trace.split('\n').find((l) => l.includes('another user was tracing here'))?.replace(/^.*tracing_mark_write: /, '') ?? 'gone',
    };
  };
  const expected = state();
  return { untouched: state, expected, remove: () => rmdirSync(inst) };
}

/**
 * The state to expect afterwards: the same, except that a never-used buffer (`7 (expanded: 1408)`)
 * comes back expanded, which is the closest tracefs allows.
 */
function expectedAfter(before: Record<string, string>): Record<string, string> {
  const b = before.buffer_size_kb;
  const m = b === undefined ? null : /^\d+ \(expanded: (\d+)\)/.exec(b);
  return m ? { ...before, buffer_size_kb: `${m[1]}\n` } : before;
}

const dir = SKIP ? '' : mkdtempSync(join(BASE, 'iopath-capture-real-'));
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function fioArgs(file: string): string[] {
  return ['fio', '--name=t', `--filename=${file}`, '--size=16M', '--direct=1', '--bs=4k', '--rw=randwrite', '--ioengine=libaio', '--iodepth=8', '--number_ios=500'];
}

async function captureFio(output: string, format: CaptureFormat, run = captureTrace): Promise<{ lines: string[]; r: Awaited<ReturnType<typeof captureTrace>> }> {
  const file = join(dir, 'fio-file');
  if (!existsSync(file)) {
    // Preallocated and fully written, so the job overwrites (DIO completions deferred to a kworker).
    const dd = spawnSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', 'count=16', 'oflag=direct', 'status=none'], { encoding: 'utf8' });
    expect(dd.status, dd.stderr).toBe(0);
  }
  const lines: string[] = [];
  const deps: CaptureDeps = { ...SYSTEM_DEPS, log: (l) => lines.push(l), stdio: ['ignore', 'ignore', 'inherit'] };
  const r = await run({ root: ROOT, output, command: fioArgs(file), bufferKb: 65536, format }, deps);
  return { lines, r };
}

describe.skipIf(SKIP !== undefined)('real capture of a fio job on this machine', () => {
  it('captures ~500 DIOs, analyses them, and leaves tracefs, and another user\'s tracing beside it, exactly as they were', async () => {
    const other = otherTracing();
    const before = tracefsState();
    const out = join(dir, 't.txt');
    let lines: string[];
    let r: Awaited<ReturnType<typeof captureTrace>>;
    try {
      ({ lines, r } = await captureFio(out, 'ftrace'));
      expect(other.untouched()).toEqual(other.expected);
      expect(other.expected.tracing_on).toBe('1\n');
      expect(other.expected.marker).toBe('another user was tracing here');
    } finally {
      other.remove();
    }
    const after = tracefsState();
    console.log(lines.map((l) => `  capture: ${l}`).join('\n'));
    expect(r.instance).toMatch(/^instances\/iopath-\d+$/);
    expect(lines).toContain(`removed the tracefs instance ${ROOT}/${r.instance}`);
    // Other instances come and go on a shared machine: only this capture's own is checked.
    expect(existsSync(join(ROOT, r.instance ?? 'instances/?'))).toBe(false);

    expect(r.error, lines.join('\n')).toBeUndefined();
    expect(r.command).toMatchObject({ kind: 'exited', code: 0 });
    expect(r.restore.errors).toEqual([]);
    expect(after).toEqual(expectedAfter(before));
    if (before.tracing_on === '0\n') expect(after.tracing_on).toBe('0\n');
    expect(r.events).toHaveLength(16);
    expect(r.saved?.bytes).toBeGreaterThan(10_000);

    const { analysis } = await analyzeTrace(out);
    const fioIos = analysis.submitters.filter((s) => s.comm === 'fio').reduce((n, s) => n + s.ios, 0);
    console.log(
      `  real capture: ${r.saved?.bytes} bytes, ${analysis.input.lines} lines, ${analysis.input.events} events, unit ${analysis.unit}, ` +
        `${analysis.ios.total} I/Os (fio ${fioIos}), by mode ${JSON.stringify(analysis.ios.byMode)}, ${analysis.iops.toFixed(0)} IOPS, ` +
        `lost ${r.loss.reduce((n, l) => n + l.lost, 0)} events`,
    );
    expect(analysis.unit).toBe('dio');
    expect(fioIos).toBeGreaterThanOrEqual(490);
    expect(fioIos).toBeLessThanOrEqual(510);
    if (r.loss.length === 0) expect(analysis.ios.byMode.unresolved).toBeLessThanOrEqual(10);
  });

  it.skipIf(!HAS_TRACE_CMD)('with --format trace-cmd, gzipped: the same DIOs, tracefs as it was', async () => {
    const before = tracefsState();
    const out = join(dir, 't.tcmd.txt.gz');
    const { lines, r } = await captureFio(out, 'trace-cmd');
    expect(r.error, lines.join('\n')).toBeUndefined();
    expect(tracefsState()).toEqual(expectedAfter(before));
    const { analysis } = await analyzeTrace(out);
    expect(analysis.input.format).toBe('trace-cmd');
    const fioIos = analysis.submitters.filter((s) => s.comm === 'fio').reduce((n, s) => n + s.ios, 0);
    console.log(`  real trace-cmd capture: ${r.saved?.bytes} bytes gzip (${r.saved?.textBytes} of text), ${analysis.ios.total} I/Os (fio ${fioIos})`);
    expect(fioIos).toBeGreaterThanOrEqual(490);
    expect(fioIos).toBeLessThanOrEqual(510);
  });

  it('with --format dat: a trace.dat holding every event the kernel handed out, that trace-cmd report prints in full', async () => {
    const before = tracefsState();
    const out = join(dir, 't.dat');
    // The built modules, as the CLI runs them: the ring buffer is read on a worker thread.
    buildCli();
    const built = (await import(join(REPO, 'dist', 'capture', 'capture.js'))) as { captureTrace: typeof captureTrace };
    const { lines, r } = await captureFio(out, 'dat', built.captureTrace);
    expect(lines.find((l) => l.startsWith('reading the ring buffer'))).toContain('on its own thread');
    expect(r.error, lines.join('\n')).toBeUndefined();
    expect(r.restore.errors).toEqual([]);
    expect(tracefsState()).toEqual(expectedAfter(before));

    const dat = readDat(readFileSync(out));
    // The kernel's own count of events read from each CPU's buffer, stored in the file's CPU stats.
    const kernelRead = dat.options.filter((o) => o.id === 2).map((o) => Number(/^read events: (\d+)/m.exec(o.text)?.[1]));
    const perCpu = kernelRead.map((_, cpu) => dat.events.filter((e) => e.cpu === cpu).length);
    const lost = r.loss.reduce((n, l) => n + l.lost, 0);
    const comm = (pid: number): string | undefined => dat.cmdlines.get(pid);
    const fioDios = dat.events.filter((e) => e.name === 'iomap_dio_rw_begin' && comm(e.pid) === 'fio').length;
    const names = new Set(dat.events.map((e) => e.name));
    console.log(`  real dat capture: ${r.saved?.bytes} bytes, ${dat.events.length} events (per CPU ${perCpu.join('/')}, kernel read ${kernelRead.join('/')}), ` + `${dat.lost.length} pages flagged lost, ${lost} lost by the stats, ${fioDios} fio DIOs, ${dat.kallsyms.length} bytes of kallsyms`);
    expect(perCpu).toEqual(kernelRead);
    expect(dat.events.length).toBeGreaterThan(5000);
    if (lost === 0) expect(dat.lost).toEqual([]);
    expect(fioDios).toBeGreaterThanOrEqual(490);
    expect(fioDios).toBeLessThanOrEqual(510);
    for (const ev of ['block_rq_issue', 'block_rq_complete', 'workqueue_execute_start', 'sched_switch', 'iomap_dio_complete']) expect(names).toContain(ev);
    // %ps work functions resolve through the stored kallsyms.
    expect(dat.kallsyms).toMatch(/ iomap_dio_complete_work\n/);

    // iopath reads it: every DIO of the job.
    const { analysis } = await analyzeTrace(out);
    const fioIos = analysis.submitters.filter((s) => s.comm === 'fio').reduce((n, s) => n + s.ios, 0);
    console.log(`  analyze of the dat capture: ${analysis.input.events} events, ${analysis.ios.total} I/Os (fio ${fioIos}), by mode ${JSON.stringify(analysis.ios.byMode)}`);
    expect(analysis.input.format).toBe('trace.dat');
    expect(analysis.input.events).toBe(dat.events.length);
    expect(analysis.unit).toBe('dio');
    expect(fioIos).toBe(fioDios);
    if (lost === 0) expect(analysis.ios.byMode.unresolved).toBeLessThanOrEqual(10);

    if (!HAS_TRACE_CMD) return;
    const rep = spawnSync('trace-cmd', ['report', '-i', out], { encoding: 'utf8', maxBuffer: 1 << 30 });
    expect(rep.status, rep.stderr).toBe(0);
    const printed = rep.stdout.split('\n').filter((l) => /^\s*\S.*\[\d{3}\]\s+\d+\.\d{6}: \w+:/.test(l));
    expect(printed).toHaveLength(dat.events.length);
    expect(rep.stdout).toMatch(/workqueue_execute_start: +work struct 0x[0-9a-f]+: function iomap_dio_complete_work/);
    // trace-cmd's rendering of the same file analyses to the same I/Os and completion modes.
    const text = join(dir, 't.dat.report.txt');
    writeFileSync(text, rep.stdout);
    const fromText = (await analyzeTrace(text)).analysis;
    expect(fromText.ios).toEqual(analysis.ios);
  }, 180_000);
});
