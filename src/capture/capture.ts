import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { StdioOptions } from 'node:child_process';
import { arm, startTracing, stopTracing } from './arm.js';
import { defaultBufferKb, memAvailableKb } from './buffer-size.js';
import { describeDat, describeReading, finishDatRecording, startDatRecording, type DatRecording } from './dat-capture.js';
import { DatMetaError, readPageLayout } from './dat-meta.js';
import { CaptureRefusal } from './errors.js';
import { resolveEvents, type EventSetName } from './events.js';
import { RestoreJournal, type RestoreReport } from './journal.js';
import { createInstance, instanceName, SYSTEM_INSTANCES, type InstanceOps } from './instance.js';
import { ensureTracefs, SYSTEM_MOUNT, type MountOps } from './mount.js';
import { formatLossWarning, lossBetween, readAllStats, type CpuLoss } from './overruns.js';
import { findOnPath, isExecutable, runCommand, signalOf, type CommandOutcome } from './run-command.js';
import { saveFtrace, saveTraceCmd, type SaveResult } from './save.js';
import type { PageLayout } from './ring-page.js';
import { DEFAULT_TRACEFS, Tracefs } from './tracefs.js';

/**
 * `capture`: check → mount if needed → make an instance → arm → run the command → stop → save →
 * restore (remove the instance) → unmount. The capture has a tracefs instance of its own
 * (`instances/iopath-<pid>`: a ring buffer, events and options apart from the top level's), so
 * another capture, or the user's own tracing in the top-level buffer, neither clears it nor is
 * cleared by it; `--top-level` arms the top-level buffer itself instead, as before instances.
 * Every tracefs change goes through the journal, and the restore sits in a `finally` around
 * everything after the first change, so a failing command, a signal or an exception in the middle
 * all end with tracefs as it was found. Refusals happen before anything is touched.
 */

export type CaptureFormat = 'ftrace' | 'trace-cmd' | 'dat';
export const CAPTURE_FORMATS: readonly CaptureFormat[] = ['ftrace', 'trace-cmd', 'dat'];

/**
 * The format when none is given: text for a name that says text (`.txt`, `.gz`), a trace.dat
 * otherwise. dat is the default because, measured on the 20000-I/O fio job of the shared captures
 * (16 rounds, shuffled): the workload ran as fast as under a text capture (median IOPS ratio 0.99),
 * the capture took 1.0–1.3 s of CPU against 2.3–7.3 s and was saved 3–4× sooner (the kernel need not
 * format the trace as text), the file was half the size of the text, and the ring buffer need not
 * hold the whole trace (2 MiB per CPU lost nothing where text lost 28k–214k events).
 */
export function formatForOutput(output: string): CaptureFormat {
  return /\.(txt|gz)$/i.test(output) ? 'ftrace' : 'dat';
}

export interface CaptureOptions {
  output: string;
  command: readonly string[];
  /** The tracefs directory (default /sys/kernel/tracing). */
  root?: string;
  events?: EventSetName;
  /** Per-CPU ring buffer size in KB (default: see defaultBufferKb). */
  bufferKb?: number;
  /** Default: from the output's name (formatForOutput). */
  format?: CaptureFormat;
  /** Aborting stops the command: the abort reason (`SIGINT`, `SIGTERM`) is forwarded to it. */
  signal?: AbortSignal;
  /** Aborting gives up saving the trace (a second Ctrl-C); tracefs is still restored. */
  abandon?: AbortSignal;
  /** The caller's journal, so that it can also restore from a process exit handler. */
  journal?: RestoreJournal;
  /** Arm the top-level buffer instead of an instance of its own (default false). */
  topLevel?: boolean;
}

export interface CaptureDeps {
  isRoot: () => boolean;
  mount: MountOps;
  /** Making and removing a tracefs instance (mkdir/rmdir under `instances/`). */
  instances: InstanceOps;
  /** Path of an installed program (trace-cmd), or undefined. */
  findProgram: (name: string) => string | undefined;
  memAvailableKb: () => number | undefined;
  /** /proc/kallsyms, stored in a trace.dat to name `%ps` work functions (empty when unreadable). */
  readKallsyms: () => Buffer;
  /** One line of progress or warning, for stderr. */
  log: (line: string) => void;
  /** The command's stdio (inherited by default). */
  stdio?: StdioOptions;
}

export const SYSTEM_DEPS: CaptureDeps = {
  isRoot: () => process.getuid?.() === 0,
  mount: SYSTEM_MOUNT,
  instances: SYSTEM_INSTANCES,
  findProgram: (name) => {
    const p = findOnPath(name);
    return p !== undefined && isExecutable(p) ? p : undefined;
  },
  memAvailableKb: () => {
    try {
      return memAvailableKb(readFileSync('/proc/meminfo', 'utf8'));
    } catch {
      return undefined;
    }
  },
  readKallsyms: () => {
    try {
      return readFileSync('/proc/kallsyms');
    } catch {
      return Buffer.alloc(0);
    }
  },
  log: (line) => process.stderr.write(`iopath capture: ${line}\n`),
};

export interface CaptureResult {
  /** Undefined when the capture was interrupted before the command started. */
  command?: CommandOutcome;
  /** Set when a signal (or the abort signal) ended the capture. */
  interrupted?: NodeJS.Signals;
  events: string[];
  skipped: { event: string; reason: string }[];
  bufferKb: number;
  cpus: number[];
  saved?: SaveResult;
  /** Per-CPU ring-buffer loss during the capture (CPUs that lost nothing are left out). */
  loss: CpuLoss[];
  restore: RestoreReport;
  mountedHere: boolean;
  /** The instance the capture armed (`instances/iopath-<pid>`), undefined with `topLevel`. */
  instance?: string;
  /** A failure after arming (e.g. saving), reported once tracefs was restored. */
  error?: Error;
}

function checkOutput(output: string): void {
  const dir = dirname(resolve(output));
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.W_OK);
  } catch {
    throw new CaptureRefusal('output', `cannot write ${output}: ${dir} is not a writable directory`);
  }
  try {
    if (statSync(output).isDirectory()) throw new CaptureRefusal('output', `cannot write ${output}: it is a directory`);
  } catch (err) {
    if (err instanceof CaptureRefusal) throw err;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) (v /= 1024), i++;
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

function describeOutcome(o: CommandOutcome): string {
  if (o.kind === 'spawn-failed') return `could not start the command: ${o.message}`;
  const secs = `${(o.durationMs / 1000).toFixed(2)} s`;
  if (o.interrupted) return `command stopped by ${o.interrupted} after ${secs}${o.code !== null ? ` (exit status ${o.code})` : o.signal ? ` (killed by ${o.signal})` : ''}`;
  if (o.signal) return `command killed by ${o.signal} after ${secs}`;
  return `command exited with status ${o.code} after ${secs}`;
}

export async function captureTrace(opts: CaptureOptions, deps: CaptureDeps = SYSTEM_DEPS): Promise<CaptureResult> {
  const root = opts.root ?? DEFAULT_TRACEFS;
  const format = opts.format ?? formatForOutput(opts.output);
  const set = opts.events ?? 'default';
  const log = deps.log;

  // Refusals: nothing is touched yet.
  if (!deps.isRoot()) throw new CaptureRefusal('not-root', 'must run as root (tracefs is writable by root only): run it with sudo');
  const cmd = opts.command[0];
  if (cmd === undefined || cmd === '') throw new CaptureRefusal('command-not-found', 'no command to trace: give it after --, e.g. iopath capture -o t.txt -- fio job.fio');
  if (findOnPath(cmd) === undefined) throw new CaptureRefusal('command-not-found', `${cmd}: command not found`);
  let traceCmd: string | undefined;
  if (format === 'trace-cmd') {
    traceCmd = deps.findProgram('trace-cmd');
    if (traceCmd === undefined) throw new CaptureRefusal('no-trace-cmd', '--format trace-cmd needs trace-cmd, which is not installed (install it, or use --format ftrace)');
  }
  checkOutput(opts.output);
  if (format === 'dat' && /\.gz$/i.test(opts.output))
    throw new CaptureRefusal('output', `--format dat writes a trace.dat, which trace-cmd cannot read gzipped: name the output without .gz (e.g. ${opts.output.slice(0, -3)})`);

  const { mountedHere } = ensureTracefs(root, deps.mount);
  const journal = opts.journal ?? new RestoreJournal();
  const result: CaptureResult = { events: [], skipped: [], bufferKb: 0, cpus: [], loss: [], restore: { restored: [], errors: [] }, mountedHere };
  try {
    // The instance is removed whole afterwards, settings and buffer with it: what is changed inside
    // it needs no undo of its own, so its files are written through a journal nobody restores.
    const instance = opts.topLevel ? undefined : instanceName();
    if (instance !== undefined) createInstance(root, instance, journal, deps.instances);
    const tfs = instance === undefined ? new Tracefs(root, journal) : new Tracefs(join(root, 'instances', instance), new RestoreJournal());
    if (instance !== undefined) {
      result.instance = `instances/${instance}`;
      log(`tracing into its own tracefs instance ${root}/instances/${instance} (the top-level buffer is left alone)`);
    }
    const resolved = resolveEvents(tfs, set);
    result.events = resolved.enabled;
    result.skipped = resolved.skipped;
    for (const s of resolved.skipped) log(`warning: skipping ${s.event}: ${s.reason}`);
    if (resolved.enabled.length === 0) throw new CaptureRefusal('no-events', `none of the ${set} events exist under ${root}/events: nothing to capture`);
    result.cpus = tfs.cpus();
    let layout: PageLayout | undefined;
    try {
      if (format === 'dat') layout = readPageLayout(tfs);
    } catch (err) {
      if (err instanceof DatMetaError) throw new CaptureRefusal('no-tracefs', err.message);
      throw err;
    }
    result.bufferKb = opts.bufferKb ?? defaultBufferKb(result.cpus.length, deps.memAvailableKb(), format === 'dat');

    let dat: DatRecording | undefined;
    try {
      for (const w of arm(tfs, { events: resolved.enabled, bufferKb: result.bufferKb })) log(`warning: ${w}`);
      log(`enabled ${resolved.enabled.length} events (${set}): ${resolved.enabled.map((e) => e.split(':')[1]).join(' ')}`);
      log(`ring buffer ${result.bufferKb} KB per CPU × ${result.cpus.length} CPUs (${formatBytes(result.bufferKb * 1024 * result.cpus.length)})`);
      const before = readAllStats(tfs);
      if (opts.signal?.aborted) {
        result.interrupted = signalOf(opts.signal.reason);
        log(`interrupted by ${result.interrupted} before the command started`);
        return result;
      }
      // Before tracing starts, so that the buffer is read from its first page.
      if (layout) dat = startDatRecording(tfs, result.cpus, layout, opts.output, result.bufferKb);
      log(`running: ${opts.command.join(' ')}`);
      const cpuAtStart = process.cpuUsage();
      startTracing(tfs);
      const outcome = await runCommand(opts.command, { ...(opts.signal ? { signal: opts.signal } : {}), ...(deps.stdio ? { stdio: deps.stdio } : {}) });
      stopTracing(tfs);
      result.command = outcome;
      if (outcome.interrupted) result.interrupted = outcome.interrupted;
      log(describeOutcome(outcome));
      if (dat) log(describeReading(process.cpuUsage(cpuAtStart), outcome.durationMs, dat.recorder.threaded));
      result.loss = lossBetween(before, readAllStats(tfs));
      if (outcome.kind === 'spawn-failed') return result;

      if (opts.abandon?.aborted) {
        log('not saving the trace: interrupted twice');
        return result;
      }
      log(`saving the trace to ${opts.output}${format === 'trace-cmd' ? ' (trace-cmd extract + report)' : ''}…`);
      const saveOpts = opts.abandon ? { signal: opts.abandon } : {};
      if (dat) {
        const saved = await finishDatRecording(tfs, dat, { ...saveOpts, output: opts.output, events: result.events, cpus: result.cpus, kallsyms: deps.readKallsyms() });
        result.saved = saved;
        if (saved.kallsymsWarning) log(`warning: ${saved.kallsymsWarning}`);
        for (const l of describeDat(saved.cpus, before, readAllStats(tfs))) log(l);
      } else {
        result.saved = traceCmd !== undefined ? await saveTraceCmd(traceCmd, opts.output, { ...saveOpts, ...(instance !== undefined ? { instance } : {}) }) : await saveFtrace(tfs, opts.output, saveOpts);
      }
      const s = result.saved;
      log(`wrote ${opts.output}: ${formatBytes(s.bytes)}${s.gzip ? ` gzip, ${formatBytes(s.textBytes)} of text` : ''} (${s.bytes} bytes)`);
      if (s.log) for (const l of s.log.split('\n')) if (/\b[1-9]\d*\s+events?\s+(lost|dropped)/i.test(l)) log(`trace-cmd: ${l.trim()}`);
      if (result.loss.length === 0) log(`no events lost (per-CPU overrun and dropped counters unchanged on ${result.cpus.length} CPUs)`);
      for (const w of formatLossWarning(result.loss, result.bufferKb)) log(w);
    } catch (err) {
      // Report after the restore below, so the user sees both and tracefs is back either way.
      result.error = err as Error;
      if ((err as Error).name === 'AbortError') {
        result.error = undefined;
        log('saving abandoned: interrupted again');
      }
    } finally {
      // The pipes must be closed before the restore (an open trace_pipe_raw keeps the tracer busy).
      await dat?.recorder.discard();
      result.restore = journal.restore();
      if (result.restore.restored.length > 0) log(instance !== undefined ? `removed the tracefs instance ${root}/instances/${instance}` : `restored ${result.restore.restored.join(', ')}`);
      for (const e of result.restore.errors) log(`error: could not restore ${e}`);
    }
    return result;
  } finally {
    // A refusal after the instance was made (no events, no page layout): remove it.
    if (journal.pending > 0) for (const e of journal.restore().errors) log(`error: could not restore ${e}`);
    if (mountedHere) {
      const err = deps.mount.unmount(root);
      if (err !== undefined) log(`warning: could not unmount the tracefs mounted at ${root}: ${err}`);
      else log(`unmounted the tracefs mounted at ${root}`);
    }
  }
}
