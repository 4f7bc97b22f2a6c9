import type { TraceFormat } from './formats.js';
import { newHeader, tokenizeHeader } from './header.js';
import { CPUS_HEADER } from './markers.js';

/**
 * Sniffs the format from the first lines, without a file-name hint. Detection reuses the header
 * tokenizer (as Perfetto's perf importer asks "does the first line parse?"):
 *  - perf script prints `comm tid [cpu] ts: system:event:`;
 *  - trace-cmd report starts with `cpus=N`, pads event names to 20 columns and prints sched events
 *    through libtraceevent's plugin (`fio:7909 [120] R ==> …`); with `-l` its CPU column has no
 *    brackets (`    bash-2891    1d..2.   128.143630: …`), which nothing else prints;
 *  - the tracefs `trace` file starts with `# tracer:`; `trace_pipe` has no header at all, and then
 *    single-space-separated event names tell it apart from trace-cmd.
 */

/**
 * trace-cmd prints `name:` left-aligned in 21 columns and a space (`softirq_entry:        vec=7`):
 * a `name:` shorter than this is always followed by more than one space there.
 */
export const TRACE_CMD_PADS_BELOW = 20;

/** `trace-cmd report -i a.dat -i b.dat` prints each line behind its file's name (file-prefix.ts). */
const FILE_PREFIX = /^\S+\.dat: +\S/;

export interface Detection {
  format: TraceFormat;
  /** Event lines among those sniffed. */
  eventLines: number;
  reason: string;
}

export function detectFormat(lines: readonly string[]): Detection | null {
  const h = newHeader();
  let perf = 0;
  let dash = 0;
  let padded = 0;
  let single = 0;
  let plugin = 0;
  let latency = 0;
  let cpusHeader = false;
  let filePrefix = 0;
  let tracerHeader = false;
  for (const line of lines) {
    if (CPUS_HEADER.test(line)) cpusHeader = true;
    if (line.startsWith('# tracer:')) tracerHeader = true;
    // perf=true also accepts perf's pid/tid column; ftrace and trace-cmd lines still read as comm-pid.
    if (line.charCodeAt(0) === 35 || !tokenizeHeader(line, h, true)) continue;
    if (h.style === 'space') {
      if (h.system !== undefined) perf++;
      continue;
    }
    dash++;
    if (FILE_PREFIX.test(h.comm)) filePrefix++;
    if (h.layout === 'latency') latency++;
    // trace-cmd pads "name:" (the kernel writes exactly one space after it).
    const gap = h.payloadStart - h.afterName;
    if (h.name.length + 1 < TRACE_CMD_PADS_BELOW && h.payloadStart < line.length) {
      if (gap > 1) padded++;
      else if (gap === 1) single++;
    }
    if (h.name === 'sched_switch' && !line.includes('prev_comm=', h.payloadStart)) plugin++;
  }
  if (perf === 0 && dash === 0) return null;
  if (perf > dash) return { format: 'perf', eventLines: perf, reason: 'lines of the form "comm tid [cpu] ts: system:event:"' };
  if (filePrefix > dash / 2) return { format: 'trace-cmd', eventLines: dash, reason: 'trace-cmd report of several files ("trace.dat: " before each line)' };
  if (cpusHeader) return { format: 'trace-cmd', eventLines: dash, reason: 'trace-cmd report "cpus=N" header' };
  if (tracerHeader) return { format: 'ftrace', eventLines: dash, reason: 'tracefs "# tracer:" header' };
  if (latency > dash / 2) return { format: 'trace-cmd', eventLines: dash, reason: 'trace-cmd report -l lines (CPU without brackets, glued to the flags)' };
  if (plugin > 0 || padded > single) return { format: 'trace-cmd', eventLines: dash, reason: 'event names padded to 20 columns / sched plugin output' };
  return { format: 'ftrace', eventLines: dash, reason: 'comm-pid [cpu] lines with single-spaced event names' };
}
