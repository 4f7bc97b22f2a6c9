import type { TraceFormat } from './formats.js';
import { newHeader, tokenizeHeader } from './header.js';
import { CPUS_HEADER } from './markers.js';
import { MISSING_COLUMN, missingColumn, sideBandRecord, sideBandTime } from './perf-text.js';
import { parseTimestampNs } from '../model/time.js';

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
  /** `delta`: perf script `--deltatime` times, each since the line before (see deltaTimes). */
  times?: 'delta';
}

/**
 * `perf script --deltatime` prints each time as the time since the line before, the first as 0.
 * `--reltime` also starts at 0, but its times never go back (perf script prints in time order), and
 * default times start far from 0 (the first ones only at 0 for synthesized side-band records).
 * So: times starting at exactly 0 and going back between consecutive sample lines often (deltas go
 * down about every other line; a sorted print almost never does). `first`: the first perf line's
 * time in ns (a side-band record's too); `times`: each sample line's, in order.
 */
export function deltaTimes(first: number | undefined, times: readonly number[]): boolean {
  if (times.length < 3 || first !== 0) return false;
  let back = 0;
  for (let i = 1; i < times.length; i++) if ((times[i] as number) < (times[i - 1] as number)) back++;
  return back > 0 && back >= (times.length - 1) / 10;
}

/**
 * tracefs text with `options/context-info` off: each line is the event alone, no task, CPU or time
 * (kernel/trace/trace_output.c prints the context only with TRACE_ITER_CONTEXT_INFO):
 *   `block_rq_issue: 254,0 WS 4096 () 141569776 + 8 be,0,4 [fio]`
 * Recognised only to say why nothing can be analysed (the events of the analysis' families).
 */
const NO_CONTEXT = /^(?:block|workqueue|sched|irq|softirq|iomap)_\w{1,60}: \S/;
/** A line of tracefs text printed with context-info off (see NO_CONTEXT). */
export const isContextLess = (line: string): boolean => NO_CONTEXT.test(line);
const NO_CONTEXT_REASON =
  'tracefs text printed without its context columns (options/context-info off): no task, CPU or time, which is what the analysis follows, so nothing can be analysed; record with context-info on (the default)';

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
  /** The first perf line's time (a side-band record's too) and the sample lines' times, in order. */
  let firstTime: number | undefined;
  const perfTimes: number[] = [];
  let missingCpu = 0;
  let missingTime = 0;
  let missingTask = 0;
  let noContext = 0;
  for (const line of lines) {
    if (CPUS_HEADER.test(line)) cpusHeader = true;
    if (line.startsWith('# tracer:')) tracerHeader = true;
    if (line.charCodeAt(0) === 35) continue;
    // perf's side-band records (`--show-task-events`…) are perf's alone, wherever they stand.
    const at = line.lastIndexOf(': PERF_RECORD_');
    if (sideBandRecord(line, at < 0 ? 0 : at + 2) !== null) {
      perf++;
      const t = sideBandTime(line);
      if (t !== null) firstTime ??= parseTimestampNs(line, t[0], t[1]);
      continue;
    }
    // perf=true also accepts perf's pid/tid column; ftrace and trace-cmd lines still read as comm-pid.
    if (!tokenizeHeader(line, h, true)) {
      const missing = missingColumn(line);
      if (missing === 'cpu') missingCpu++;
      else if (missing === 'time') missingTime++;
      else if (missing === 'task') missingTask++;
      else if (isContextLess(line)) noContext++;
      continue;
    }
    if (h.style === 'space') {
      if (h.system !== undefined) {
        perf++;
        const t = parseTimestampNs(line, h.tsStart, h.tsEnd);
        firstTime ??= t;
        perfTimes.push(t);
      }
      continue;
    }
    // A comm-pid header with `system:` before the event name is perf's (tracefs and trace-cmd print
    // the name alone) without its tid column, whose comm ends in `-N` (perf-text.ts, NO_TASK).
    if (h.system !== undefined) {
      missingTask++;
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
  if (perf === 0 && dash === 0) {
    const missing = Math.max(missingCpu, missingTime, missingTask);
    if (missing === 0) return noContext > 0 ? { format: 'ftrace', eventLines: 0, reason: NO_CONTEXT_REASON } : null;
    if (missingTask === missing) return { format: 'perf', eventLines: 0, reason: MISSING_COLUMN.task };
    // perf lines without the CPU or time column: perf's, but nothing in them can be analysed.
    return { format: 'perf', eventLines: 0, reason: MISSING_COLUMN[missingCpu >= missingTime ? 'cpu' : 'time'] };
  }
  if (perf > dash) {
    const d: Detection = { format: 'perf', eventLines: perf, reason: 'lines of the form "comm tid [cpu] ts: system:event:"' };
    if (deltaTimes(firstTime, perfTimes)) {
      d.times = 'delta';
      d.reason += ', times printed as deltas from the line before (perf script --deltatime)';
    }
    return d;
  }
  if (filePrefix > dash / 2) return { format: 'trace-cmd', eventLines: dash, reason: 'trace-cmd report of several files ("trace.dat: " before each line)' };
  if (cpusHeader) return { format: 'trace-cmd', eventLines: dash, reason: 'trace-cmd report "cpus=N" header' };
  if (tracerHeader) return { format: 'ftrace', eventLines: dash, reason: 'tracefs "# tracer:" header' };
  if (latency > dash / 2) return { format: 'trace-cmd', eventLines: dash, reason: 'trace-cmd report -l lines (CPU without brackets, glued to the flags)' };
  if (plugin > 0 || padded > single) return { format: 'trace-cmd', eventLines: dash, reason: 'event names padded to 20 columns / sched plugin output' };
  return { format: 'ftrace', eventLines: dash, reason: 'comm-pid [cpu] lines with single-spaced event names' };
}
