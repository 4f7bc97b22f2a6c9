import { openBinary } from './binary/dispatch.js';
import { readLines, type ReadStats, type Source } from '../input/lines.js';
import { createDiagnostics, type DiagnosticsCollector } from '../model/diagnostics.js';
import type { TraceEvent } from '../model/events.js';
import { NS_PER_MS } from '../model/time.js';
import { detectFormat, type Detection } from './detect.js';
import type { TraceFormat } from './formats.js';
import { createLineParser, type LineParser, type PayloadSelection } from './line-parser.js';
import { newHeader, tokenizeHeader } from './header.js';
import { quoteLine } from './printable.js';
import { createReorderer, REORDER_WINDOW_NS, type Reorderer } from './reorder.js';
import { createHtmlUnwrapper } from './systrace-html.js';

/**
 * Reads a trace and calls `onEvent` for each event in input order, in one streaming pass.
 * The format is sniffed from the first lines (held back in a small buffer, then replayed) unless
 * forced; a forced format is still checked against what the first lines look like, so a caller can
 * say "looks like trace-cmd" when the forced one finds nothing. Per-CPU timestamp regressions and
 * cross-CPU disorder are counted here, once, for every consumer.
 */

export type { StreamOptions, StreamResult } from './stream-types.js';
import type { StreamOptions, StreamResult } from './stream-types.js';

/** The text format a result was read in (null for a binary one, which is recognised anew from its bytes). */
export function textFormat(r: StreamResult): TraceFormat | null {
  return r.format === 'trace.dat' || r.format === 'perf.data' ? null : r.format;
}

/** Lines held back for sniffing; enough for a tracefs header and a few hundred events. */
const SNIFF_LINES = 400;
const SNIFF_MIN_EVENTS = 40;
/**
 * Lines read without a single event line before we give up on an unforced input: a binary file
 * or a CSV ends here with "nothing recognisable" instead of being read to its end.
 */
const GIVE_UP_LINES = 20_000;
const GIVE_UP_BYTES = 64 << 20;

export async function streamEvents(source: Source, onEvent: (e: TraceEvent) => void, opts: StreamOptions = {}): Promise<StreamResult> {
  const label = opts.label ?? (typeof source === 'string' ? (source === '-' ? '<stdin>' : source) : '<stream>');
  const diagnostics = opts.diagnostics ?? createDiagnostics(label, opts.strict ?? false);
  // trace.dat and perf.data, known by their first bytes, go to their own readers (binary/dispatch.ts).
  const opened = await openBinary(source);
  if (opened.reader && opened.binary) return opened.reader.read(opened.binary, onEvent, { ...opts, diagnostics, label });
  source = opened.text;
  let parser: LineParser | null = null;
  let detection: Detection | null = null;
  let format: TraceFormat | null = opts.format ?? null;
  let events = 0;
  const lastTsByCpu: number[] = [];
  let prevTs = -Infinity;
  /**
   * Merged input out of time order: from the first event that arrives earlier than the line
   * before it (from another CPU), events pass through a reorder buffer of REORDER_WINDOW_NS.
   * Input in order (the tracefs file, trace-cmd report, perf script) never pays for it.
   */
  let reorder: Reorderer | null = null;

  const makeParser = (f: TraceFormat): LineParser => {
    const lp = createLineParser({ format: f, diagnostics, payloads: opts.payloads ?? 'all', times: (detection as Detection | null)?.times });
    return lp;
  };

  const deliver = (line: string, lineNo: number): void => {
    const ev = (parser as LineParser).parse(line, lineNo);
    if (ev === null) return;
    events++;
    if (ev.kind !== 'lost') {
      const ts = ev.ts;
      const prev = lastTsByCpu[ev.cpu];
      if (prev !== undefined && ts < prev) {
        diagnostics.add('timestamp_regression', lineNo, `CPU ${ev.cpu} went back ${prev - ts} ns`, quoteLine(line));
      } else if (ts < prevTs) {
        // Compared with the previous event, not the latest seen: one late line is one diagnostic.
        diagnostics.add('out_of_order', lineNo, `event ${prevTs - ts} ns earlier than the previous line (another CPU)${reorder ? '' : `; reordering from here within ${REORDER_WINDOW_NS / NS_PER_MS} ms`}`, quoteLine(line));
        reorder ??= createReorderer(onEvent);
      }
      lastTsByCpu[ev.cpu] = ts;
      prevTs = ts;
    }
    if (reorder) reorder.push(ev);
    else onEvent(ev);
  };

  let held: { line: string; no: number }[] = [];
  let heldEvents = 0;
  const sniffHeader = newHeader();

  const decide = (): void => {
    detection = detectFormat(held.map((l) => l.line));
    if (detection) format = detection.format;
    // Nothing recognisable yet: classify the held lines (as non-events) and keep looking.
    parser = makeParser(format ?? 'ftrace');
    const replay = held;
    held = [];
    for (const l of replay) deliver(l.line, l.no);
    if (!format) parser = null;
  };

  /** With a forced format: the first lines, kept only to tell what the input looks like. */
  let sniff: string[] | null = null;
  if (format) {
    parser = makeParser(format);
    sniff = [];
  }

  let linesSeen = 0;
  /** Android systrace's HTML around the trace text (systrace-html.ts). */
  const html = createHtmlUnwrapper();
  let tooLongBytes = 0;
  const read = await readLines(
    source,
    (raw, no) => {
      const line = html.unwrap(raw);
      if (line === null) return;
      linesSeen = no - html.skipped();
      if (parser) {
        if (sniff !== null) {
          sniff.push(line);
          if (sniff.length >= SNIFF_LINES) {
            detection = detectFormat(sniff);
            sniff = null;
          }
        }
        return deliver(line, no);
      }
      held.push({ line, no });
      if (line.charCodeAt(0) !== 35 && tokenizeHeader(line, sniffHeader, true)) heldEvents++;
      if (heldEvents >= SNIFF_MIN_EVENTS || held.length >= SNIFF_LINES) decide();
    },
    {
      chunkBytes: opts.chunkBytes,
      maxLineBytes: opts.maxLineBytes,
      pace: opts.pace,
      onChunk: opts.onProgress,
      onTooLong: (no, bytes) => {
        tooLongBytes += bytes;
        diagnostics.add('line_too_long', no, `line of ${bytes} bytes skipped`);
      },
      stop: () => format === null && events === 0 && (linesSeen > GIVE_UP_LINES || tooLongBytes > GIVE_UP_BYTES),
    },
  );
  if (!parser && held.length > 0) decide();
  if (html.skipped() > 0) diagnostics.add('ftrace_text', 1, `systrace HTML: ${html.skipped()} lines of the viewer around the trace text skipped`, undefined, html.skipped());
  (reorder as Reorderer | null)?.flush();
  if (sniff !== null) detection = detectFormat(sniff);
  if (read.gzipError) diagnostics.add('malformed_line', read.lines, `gzip stream damaged or truncated: ${read.gzipError}`);
  const p = parser as LineParser | null;
  return {
    format,
    detection,
    read,
    events,
    cpusHeader: p?.cpusHeader(),
    baseSec: p?.baseSec() ?? 0,
    ...(p?.clockTicks() ? { clockTicks: { clock: undefined } } : {}),
    diagnostics,
  };
}
