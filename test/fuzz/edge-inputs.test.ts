import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { inspectTrace } from '../../src/inspect/inspect.js';
import type { TraceFormat } from '../../src/parse/formats.js';
import { textSource } from '../helpers/paths.js';
import { collect } from '../parse/helpers.js';
import { renderEvent } from '../parse/render.js';
import { expectSaneAnalysis } from './analyze-checks.js';
import { excerpt, excerpts, FORMATS } from './corpus.js';

/**
 * Inputs with nothing in them (an empty file, a header and no events) and inputs read in the wrong
 * format: no exception anywhere, an analysis that says it found nothing, and diagnostics that
 * count every line the forced format could not read.
 */

const dir = mkdtempSync(join(tmpdir(), 'iopath-edge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const TRACEFS_HEADER = excerpt('ftrace-libaio-randwrite-cpu1.txt').lines.filter((l) => l.startsWith('#')).join('\n');

describe.each([
  ['an empty file', '', 0],
  ['a tracefs header without events', `${TRACEFS_HEADER}\n`, 12],
  ['a trace-cmd "cpus=2" line alone', 'cpus=2\n', 1],
  ['a trace-cmd "cpus=2" line without a newline', 'cpus=2', 1],
  ['blank lines', '\n\n  \n\t\n', 4],
] as const)('%s', (_what, text, lines) => {
  it('streams to no event and no complaint', async () => {
    const { events, result } = await collect(file('input.txt', text));
    expect(events).toEqual([]);
    expect(result.format).toBeNull();
    expect(result.read.lines).toBe(lines);
    expect(result.diagnostics.counts()).toEqual({});
  });

  it('analyzes (from a file and from a stream) to an empty analysis', async () => {
    for (const source of [file('input.txt', text), textSource(text)]) {
      const r = await analyzeTrace(source);
      expectSaneAnalysis(r);
      expect(r.analysis.ios.total).toBe(0);
      expect(r.analysis.input.events).toBe(0);
    }
  });

  it('inspects to a census of nothing', async () => {
    const r = await inspectTrace(file('input.txt', text));
    expect(r).toMatchObject({ format: null, events: 0, lines, cpus: [], startNs: null, endNs: null });
  });
});

describe('a tracefs header that says the ring buffer overran, and no events', () => {
  it('reports the loss although no event survived', async () => {
    const text = TRACEFS_HEADER.replace('260721/260721', '1870/190898');
    const { result } = await collect(textSource(`${text}\n`));
    expect(result.events).toBe(0);
    expect(result.diagnostics.counts()).toEqual({ lost_events: 1 });
  });
});

/** ftrace and trace-cmd both print `comm-pid`; perf prints `comm tid`. */
const sameStyle = (a: TraceFormat, b: TraceFormat): boolean => (a === 'perf') === (b === 'perf');

describe.each(excerpts().map((e) => [e.name, e] as const))('%s read with a forced wrong --format', (_name, ex) => {
  it.each(FORMATS.filter((f) => f !== ex.format))('as %s: no throw, and every line it cannot read is counted', async (forced) => {
    const clean = await collect(textSource(ex.text));
    const { events, result } = await collect(textSource(ex.text), { format: forced });
    expect(result.format).toBe(forced);
    // What the lines look like is still said, for a "try --format" hint.
    expect(result.detection?.format).toBe(ex.format);
    const real = (es: typeof events): typeof events => es.filter((e) => e.kind !== 'lost');
    if (sameStyle(forced, ex.format)) {
      // The two `comm-pid` formats share every parser: forcing one for the other changes nothing.
      expect(events.map(renderEvent)).toEqual(clean.events.map(renderEvent));
    } else {
      // Only perf's unresolved task `:-1    -1 [001]` (or `:-1  6010/-1 [001]` with pid/tid) reads
      // as `comm-pid` (task ":-1", pid 1): a wrong forced format is the user's word, and such a line
      // is one in a hundred.
      const lines = ex.text.split('\n');
      expect(real(events).filter((e) => !/^\s*:-1\s+(?:\d+\/)?-1 +\[/.test(lines[e.line - 1] ?? ''))).toEqual([]);
      expect(result.diagnostics.count('malformed_line') + real(events).length).toBeGreaterThanOrEqual(real(clean.events).length);
    }
    const r = await analyzeTrace(textSource(ex.text), { format: forced });
    expectSaneAnalysis(r);
    if (!sameStyle(forced, ex.format)) expect(r.analysis.ios.total).toBe(0);
  });
});
