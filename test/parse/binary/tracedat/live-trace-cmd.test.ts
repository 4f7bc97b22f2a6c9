import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readTraceDat } from '../../../../src/parse/binary/tracedat/read.js';
import { fileSource } from '../../../../src/parse/binary/tracedat/source.js';
import { createDiagnostics } from '../../../../src/model/diagnostics.js';
import type { TraceEvent } from '../../../../src/model/events.js';
import { collect } from '../../helpers.js';
import { asText, BINARY, textComparable } from '../helpers.js';

/**
 * Against the trace-cmd installed on this machine, when there is one: every trace.dat fixture, and
 * every `*.dat` in $IOPATH_DAT_CAPTURES (whole `trace-cmd extract` captures, too large to keep in
 * the repository: the proof on real files of any size), reads as the events of `trace-cmd report
 * -t` printed now. A file with several buffers is compared buffer by buffer (trace-cmd prefixes an
 * instance's lines with its name). An unmodelled event is compared by everything but its text:
 * libtraceevent's plugins print some in their own way (kmem's `(call_site)` prefix, hrtimer's
 * `function/0x0`), and it misreads a few print fmts (timer_start's flags).
 */

const hasTraceCmd = spawnSync('trace-cmd', ['--version'], { stdio: 'ignore' }).status !== null && !spawnSync('trace-cmd', ['--version'], { stdio: 'ignore' }).error;
const extra = process.env.IOPATH_DAT_CAPTURES;
const files: [string, string][] = [
  ...readdirSync(BINARY).filter((f) => f.endsWith('.dat')).map((f): [string, string] => [f, join(BINARY, f)]),
  ...(extra && existsSync(extra) ? readdirSync(extra).filter((f) => f.endsWith('.dat')).map((f): [string, string] => [`$IOPATH_DAT_CAPTURES/${f}`, join(extra, f)]) : []),
];

/** The lines of one buffer of a `trace-cmd report`, as a report of that buffer alone would print them. */
function bufferLines(text: string, buffer: string): string {
  const prefix = `${buffer}:`;
  return text
    .split('\n')
    .filter((l, i) => i === 0 || (buffer ? l.startsWith(prefix) : !/^\S+:\s/.test(l) || /^\s*CPU:\d+ \[/.test(l)))
    .map((l) => (buffer && l.startsWith(prefix) ? l.slice(prefix.length) : l.replace(/^\s+(?=CPU:\d+ \[)/, '')))
    .join('\n');
}

describe.skipIf(!hasTraceCmd)('trace.dat against trace-cmd report -t, live', { timeout: 600_000 }, () => {
  it.each(files)('%s', async (_name, file) => {
    const report = spawnSync('trace-cmd', ['report', '-t', '-i', file], { encoding: 'latin1', maxBuffer: 1 << 30 });
    expect(report.status).toBe(0);
    const events: TraceEvent[] = [];
    const r = await readTraceDat(fileSource(file), (e) => events.push(e), { diagnostics: createDiagnostics(file) });
    const text = (await collect(Readable.from([Buffer.from(bufferLines(report.stdout, r.buffer), 'latin1')]))).events;
    expect(events.length).toBe(text.length);
    // Several buffers: trace-cmd numbers lines over all of them, and a lost marker takes the time of
    // the line before it, whichever buffer that was.
    const several = r.layout.buffers.length > 1;
    const strip = (o: Record<string, unknown>): Record<string, unknown> => {
      if (o['kind'] === 'other') delete o['args'];
      if (several) {
        delete o['line'];
        if (o['kind'] === 'lost') delete o['ts'];
      }
      return o;
    };
    const mismatch = events.findIndex((e: TraceEvent, i) => JSON.stringify(strip(asText(e, true))) !== JSON.stringify(strip(textComparable(text[i] as TraceEvent))));
    if (mismatch >= 0) expect(strip(asText(events[mismatch] as TraceEvent, true))).toEqual(strip(textComparable(text[mismatch] as TraceEvent)));
  });
});
