import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { arch, endianness, hostname, machine, release, type } from 'node:os';
import { OPTION_CPUSTAT, OPTION_TRACECLOCK, OPTION_UNAME, textOption, type DatMeta } from './dat-file.js';
import { parseHeaderPage, type PageLayout } from './ring-page.js';
import { selectedChoice, type Tracefs } from './tracefs.js';

/**
 * What a trace.dat holds besides the pages, read from tracefs (and /proc/kallsyms) after tracing
 * stopped: the ring-buffer headers, the format of every event that can be in the buffer (the
 * enabled ones, and the ftrace system's: `trace_marker` writes land as ftrace:print), kallsyms for
 * `%ps` work functions, printk formats, saved cmdlines for task names, and per CPU the `stats` file
 * (overruns, drops), stored as CPUSTAT options as `trace-cmd record` does ("CPU: N\n" + the file).
 */

/** 64-bit user space (the file's long size; the kernel's comes from header_page). */
const ARCH_64 = new Set(['x64', 'arm64', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'mips64']);

export class DatMetaError extends Error {}

/** The page layout, or an error when header_page is missing or unreadable. */
export function readPageLayout(tfs: Tracefs): PageLayout {
  const text = tfs.exists('events/header_page') ? tfs.read('events/header_page') : '';
  const layout = parseHeaderPage(text);
  if (!layout) throw new DatMetaError(`events/header_page does not describe the ring-buffer page (commit and data fields): cannot write a trace.dat`);
  return layout;
}

/** A tracefs file as it is (saved_cmdlines holds task names in any bytes); empty when absent. */
function readBytes(tfs: Tracefs, rel: string, path = tfs.path(rel)): Buffer {
  try {
    return readFileSync(path);
  } catch {
    return Buffer.alloc(0);
  }
}

/**
 * saved_cmdlines and printk_formats are global to tracefs: an instance (`instances/NAME`, a buffer
 * of its own that leaves the top one alone) has neither, so they are read from the top directory.
 */
function globalFile(tfs: Tracefs, rel: string): string {
  if (tfs.exists(rel)) return tfs.path(rel);
  const top = dirname(dirname(tfs.root));
  return /\/instances\/[^/]+\/?$/.test(tfs.root) && existsSync(`${top}/${rel}`) ? `${top}/${rel}` : tfs.path(rel);
}

/** `system:event` entries grouped by system, in first-seen order. */
function bySystem(events: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const ev of events) {
    const [sys = '', name = ''] = ev.split(':');
    const list = out.get(sys) ?? [];
    list.push(name);
    out.set(sys, list);
  }
  return out;
}

export interface DatMetaInput {
  layout: PageLayout;
  events: readonly string[];
  cpus: readonly number[];
  kallsyms: Buffer;
}

export function readDatMeta(tfs: Tracefs, input: DatMetaInput): DatMeta {
  const ftraceDir = tfs.path('events/ftrace');
  let ftraceEvents: string[] = [];
  try {
    ftraceEvents = readdirSync(ftraceDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    // No ftrace system (a fake tracefs, or a kernel without it): nothing to add.
  }
  const ftraceFormats = ftraceEvents.map((ev) => readBytes(tfs, `events/ftrace/${ev}/format`)).filter((f) => f.length > 0);
  const systems = [...bySystem(input.events)].map(([name, evs]) => ({ name, formats: evs.map((ev) => readBytes(tfs, `events/${name}/${ev}/format`)) }));

  const clockText = tfs.exists('trace_clock') ? tfs.read('trace_clock') : '[local]\n';
  const options = [
    ...input.cpus.map((cpu) => textOption(OPTION_CPUSTAT, `CPU: ${cpu}\n${tfs.exists(`per_cpu/cpu${cpu}/stats`) ? tfs.read(`per_cpu/cpu${cpu}/stats`) : ''}`)),
    textOption(OPTION_TRACECLOCK, clockText),
    textOption(OPTION_UNAME, `${type()} ${hostname()} ${release()} ${machine()}`),
  ];
  return {
    littleEndian: endianness() === 'LE',
    longSize: ARCH_64.has(arch()) ? 8 : 4,
    pageSize: input.layout.pageSize,
    headerPage: readBytes(tfs, 'events/header_page'),
    headerEvent: readBytes(tfs, 'events/header_event'),
    ftraceFormats,
    systems,
    kallsyms: input.kallsyms,
    printkFormats: readBytes(tfs, 'printk_formats', globalFile(tfs, 'printk_formats')),
    savedCmdlines: readBytes(tfs, 'saved_cmdlines', globalFile(tfs, 'saved_cmdlines')),
    options,
    clock: selectedChoice(clockText),
  };
}
