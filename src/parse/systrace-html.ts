/**
 * Android systrace (catapult) writes its trace inside the HTML of its viewer:
 *
 *   <!DOCTYPE html>
 *   <html> … thousands of lines of the viewer's script and style …
 *   <script class="trace-data" type="application/text">
 *   # tracer: nop
 *   …
 *             atrace-4160  [002] ...1  1010.468523: tracing_mark_write: trace_event_clock_sync: parent_ts=…
 *   </script>
 *
 * (a block may also hold JSON, the Chrome trace-event format, which is not ftrace text). The
 * ftrace text between the tags is the trace; every other line is the viewer. Systrace of 2012–13
 * put the text in a JavaScript string instead, each line ending in an escaped newline:
 *
 *     var linuxPerfData = "\
 *   # tracer: nop\n\
 *        hwc_eventmon-336   [000] 50260.929925: 0: C|124|VSYNC|1\n\
 *            \n";
 *
 * `atrace` and `systrace --no-html` print the plain text, which needs nothing of this.
 */

export interface HtmlUnwrapper {
  /** The trace text of `line`, or null when it is part of the HTML wrapper (to be skipped). */
  unwrap(line: string): string | null;
  /** Lines skipped so far, and the number of the first. */
  readonly skipped: () => number;
}

const HTML_START = /^\s*<(?:!DOCTYPE html|html)/i;
const DATA_OPEN = '<script class="trace-data"';
const DATA_CLOSE = /^\s*<\/script>/;
const JS_STRING_OPEN = /var linuxPerfData = "\\$/;
/** `…\n\` at the end of a line of the JavaScript string; `\n";` ends it. */
const JS_LINE_END = /\\n\\$/;
const JS_STRING_CLOSE = /";\s*$/;

export function createHtmlUnwrapper(): HtmlUnwrapper {
  let state: 'unknown' | 'plain' | 'outside' | 'first' | 'inside' | 'json' | 'js' = 'unknown';
  let skipped = 0;
  return {
    unwrap(line) {
      switch (state) {
        case 'plain':
          return line;
        case 'unknown':
          if (line.trim().length === 0) return line;
          if (!HTML_START.test(line)) {
            state = 'plain';
            return line;
          }
          state = 'outside';
          break;
        case 'outside':
          if (line.includes(DATA_OPEN)) state = 'first';
          else if (JS_STRING_OPEN.test(line)) state = 'js';
          break;
        case 'js':
          if (JS_LINE_END.test(line)) return line.slice(0, -3);
          if (JS_STRING_CLOSE.test(line)) state = 'outside';
          break;
        case 'first':
        case 'inside':
        case 'json':
          if (DATA_CLOSE.test(line)) state = 'outside';
          else if (state === 'json') break;
          else if (state === 'first' && line.trim().length > 0) {
            const c = line.trimStart().charCodeAt(0);
            state = c === 123 /* { */ || c === 91 /* [ */ ? 'json' : 'inside';
            if (state === 'inside') return line;
          } else return line;
          break;
      }
      skipped++;
      return null;
    },
    skipped: () => skipped,
  };
}
