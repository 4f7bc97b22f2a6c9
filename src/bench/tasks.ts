import { readLines } from '../input/lines.js';
import { inspectTrace } from '../inspect/inspect.js';
import { streamEvents } from '../parse/stream.js';
import { countNewlines } from './newline-count.js';
import { benchTask } from './registry.js';

/** The built-in benchmark tasks. Importing this module registers them. */

benchTask(
  'newline-count',
  'bare newline count: 1 MiB fs reads, Buffer.indexOf(10) in a loop',
  (src) => {
    if (typeof src !== 'string' || src === '-') throw new Error('the benchmark needs a file path');
    return countNewlines(src);
  },
  { baseline: true },
);

benchTask('read-lines', 'readLines alone: read, decode and split into lines, no parsing (the floor of any line reader)', async (src) => {
  let chars = 0;
  const r = await readLines(src, (line) => {
    chars += line.length;
  });
  return { bytes: r.bytes, lines: r.lines, note: chars < 0 ? '!' : '' };
});

benchTask('parse', 'streamEvents with every modelled payload parsed', async (src) => {
  let kept = 0;
  const r = await streamEvents(src, (e) => {
    // Touch the event so the work cannot be optimised away.
    kept += e.cpu;
  });
  const diags = Object.entries(r.diagnostics.counts())
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return { bytes: r.read.bytes, lines: r.read.lines, events: r.events, note: `${r.format ?? 'unknown'} ${diags}`.trim() + (kept < 0 ? '!' : '') };
});

benchTask('inspect', 'the `iopath inspect` census (the payloads analyze reads are parsed)', async (src) => {
  const r = await inspectTrace(src);
  return { bytes: r.bytes, lines: r.lines, events: r.events, note: r.format ?? 'unknown' };
});
