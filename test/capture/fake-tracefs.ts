import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { CaptureDeps } from '../../src/capture/capture.js';
import { EVENT_SETS } from '../../src/capture/events.js';
import type { InstanceOps } from '../../src/capture/instance.js';
import type { MountOps } from '../../src/capture/mount.js';

/**
 * A fake tracefs: the control files as plain files in a temp directory, with the values a freshly
 * booted kernel shows. Plain files behave like tracefs for what capture does with them (a write
 * replaces, an append adds, O_TRUNC empties); the "kernel side" (events landing in `trace`, stats
 * counters growing) is played by the traced command itself, a shell script.
 */

export interface FakeTracefs {
  /** Parent temp directory (for outputs and markers). */
  dir: string;
  /** The tracefs root inside it. */
  root: string;
  /** Every file's content except the ring buffer (`trace`) and the per-CPU stats counters. */
  snapshot(): Record<string, string>;
  read(rel: string): string;
  write(rel: string, text: string): void;
  cleanup(): void;
}

const OPTIONS: Record<string, string> = {
  annotate: '1',
  bin: '0',
  'context-info': '1',
  fields: '0',
  hex: '0',
  'irq-info': '1',
  'latency-format': '0',
  overwrite: '1',
  raw: '0',
  'record-cmd': '1',
  'record-tgid': '0',
  stacktrace: '0',
  userstacktrace: '0',
  'hash-ptr': '1',
};

export const ZERO_STATS = 'entries: 0\noverrun: 0\ncommit overrun: 0\nbytes: 0\noldest event ts:   663.292780\nnow ts:  2252.948127\ndropped events: 0\nread events: 0\n';

export function stats(overrun: number, dropped: number, entries = 0): string {
  return ZERO_STATS.replace('entries: 0', `entries: ${entries}`).replace('overrun: 0\ncommit', `overrun: ${overrun}\ncommit`).replace('dropped events: 0', `dropped events: ${dropped}`);
}

export interface FakeOptions {
  cpus?: number;
  /** `system:event` entries the fake kernel lacks. */
  missing?: string[];
  /** Files to start with other values (relative path → content). */
  files?: Record<string, string>;
  /** Leave the root empty, as an unmounted mount point. */
  unmounted?: boolean;
  /**
   * An instance's directory (`instances/NAME`), as the kernel fills it: no instances of its own,
   * and none of the global files (saved_cmdlines_size, the record-cmd option).
   */
  instance?: boolean;
}

export function populate(root: string, o: FakeOptions = {}): void {
  const cpus = o.cpus ?? 2;
  const put = (rel: string, text: string): void => {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
  };
  put('tracing_on', '1\n');
  put('buffer_size_kb', '1408\n');
  put('current_tracer', 'nop\n');
  put('trace_clock', '[local] global counter uptime perf mono mono_raw boot tai x86-tsc\n');
  put('set_event', '');
  put('set_event_pid', '');
  put('set_event_notrace_pid', '');
  if (!o.instance) {
    put('saved_cmdlines_size', '6552\n');
    mkdirSync(join(root, 'instances'), { recursive: true });
  }
  put('tracing_cpumask', ((1 << cpus) - 1).toString(16) + '\n');
  put('trace', '# tracer: nop\n#\n');
  for (const [k, v] of Object.entries(OPTIONS)) if (!(o.instance && k === 'record-cmd')) put(`options/${k}`, `${v}\n`);
  for (let c = 0; c < cpus; c++) {
    put(`per_cpu/cpu${c}/stats`, ZERO_STATS);
    put(`per_cpu/cpu${c}/buffer_size_kb`, '1408\n');
  }
  const missing = new Set(o.missing ?? []);
  for (const ev of EVENT_SETS.full) {
    if (missing.has(ev)) continue;
    const [sys = '', name = ''] = ev.split(':');
    put(`events/${sys}/${name}/enable`, '0\n');
    put(`events/${sys}/${name}/filter`, 'none\n');
  }
  for (const [rel, text] of Object.entries(o.files ?? {})) put(rel, text);
}

function walk(root: string, dir: string, out: Record<string, string>): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(root, p, out);
    else {
      const rel = relative(root, p);
      if (rel === 'trace' || /^per_cpu\/cpu\d+\/stats$/.test(rel)) continue;
      out[rel] = readFileSync(p, 'utf8');
    }
  }
}

export function makeFakeTracefs(o: FakeOptions = {}): FakeTracefs {
  const dir = mkdtempSync(join(tmpdir(), 'iopath-capture-test-'));
  const root = join(dir, 'tracing');
  mkdirSync(root);
  if (!o.unmounted) populate(root, o);
  return {
    dir,
    root,
    snapshot: () => {
      const out: Record<string, string> = {};
      walk(root, root, out);
      return out;
    },
    read: (rel) => readFileSync(join(root, rel), 'utf8'),
    write: (rel, text) => writeFileSync(join(root, rel), text),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Instance operations as the kernel does them on a fake tree: `create` makes the directory and
 * fills it like a new instance (tracing on, no events, the kernel's default options), then lets
 * the test add to it (ring-buffer pages, stats); `remove` takes it away whole. Both are recorded.
 */
export function fakeInstances(o: { cpus?: number; onCreate?: (path: string) => void } = {}): InstanceOps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    create: (path) => {
      calls.push(`mkdir ${path}`);
      mkdirSync(path);
      populate(path, { instance: true, ...(o.cpus !== undefined ? { cpus: o.cpus } : {}) });
      o.onCreate?.(path);
    },
    remove: (path) => {
      calls.push(`rmdir ${path}`);
      rmSync(path, { recursive: true });
    },
  };
}

/** Mount operations that only record their calls (and can "mount" a fake tree). */
export function fakeMount(onMount?: (root: string) => string | undefined): MountOps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    mount: (root) => {
      calls.push(`mount ${root}`);
      return onMount ? onMount(root) : 'mount: permission denied';
    },
    unmount: (root) => {
      calls.push(`umount ${root}`);
      return undefined;
    },
  };
}

export function testDeps(over: Partial<CaptureDeps> = {}): CaptureDeps & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    isRoot: () => true,
    mount: fakeMount(),
    instances: fakeInstances(),
    findProgram: () => undefined,
    memAvailableKb: () => undefined,
    readKallsyms: () => Buffer.alloc(0),
    log: (l) => lines.push(l),
    ...over,
  };
}

/** Single-quotes a value for sh -c scripts. */
export function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
