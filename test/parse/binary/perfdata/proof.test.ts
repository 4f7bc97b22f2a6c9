import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../../../src/analyze/pipeline.js';
import { useKallsyms } from '../../../../src/parse/binary/perfdata/reader.js';
import type { TraceEvent } from '../../../../src/model/events.js';
import { textSource } from '../../../helpers/paths.js';
import { comparable, comparableAnalysis, dataPath, kallsymsExcerpt, PERF_FIXTURES, readAll, resolveFunctions, scriptText, textEvents } from './helpers.js';
import { readFileSync } from 'node:fs';
import { parseKallsyms } from '../../../../src/parse/binary/tep/kallsyms.js';
import { KALLSYMS } from './helpers.js';

/**
 * The proof: each real perf.data (file mode, `-z`, pipe mode, reads, lost chunks) yields the events
 * `perf script` printed from it, line for line, and so the same analysis: same I/Os, modes, stage
 * times, lost events. The texts were printed with `--ns --show-lost-events` on the boot of the
 * recording (so perf named work functions from /proc/kallsyms; in pipe mode it does not, and the
 * addresses are named here from the kept kallsyms lines, as perf does in file mode).
 */

const syms = kallsymsExcerpt();
const textOf = (name: string): string => resolveFunctions(scriptText(name), syms);



describe('perf.data equals its own perf script text', () => {
  it.each(PERF_FIXTURES)('%s: the same events, line for line', async (name) => {
    // With the symbols, every work function is named as perf named it (not only those of DIO queues).
    const kallsyms = parseKallsyms(readFileSync(KALLSYMS, 'latin1'));
    const [{ events, result }, text] = await Promise.all([readAll(dataPath(name), { kallsyms }), textEvents(textOf(name))]);
    expect(events.length).toBeGreaterThan(1000);
    expect(events.length).toBe(text.length);
    for (let i = 0; i < events.length; i++) {
      const b = comparable(events[i] as TraceEvent);
      const t = comparable(text[i] as TraceEvent);
      if (JSON.stringify(b) !== JSON.stringify(t)) expect(b, `event ${i + 1}`).toEqual(t);
    }
    expect(result.mode).toBe(name.includes('pipe') ? 'pipe' : 'file');
    expect(result.compressed).toBe(name.endsWith('-z'));
  });

  it.each(PERF_FIXTURES)('%s: the same analysis', async (name) => {
    const [bin, txt] = await Promise.all([analyzeTrace(dataPath(name)), analyzeTrace(textSource(textOf(name)))]);
    expect(bin.analysis.input.format).toBe('perf.data');
    expect(bin.analysis.ios.total).toBeGreaterThanOrEqual(name === 'perf-lost' ? 50 : 200);
    expect(comparableAnalysis(bin.analysis)).toEqual(comparableAnalysis(txt.analysis));
  });

  it('reads and writes are told apart: writes deferred to a kworker, reads inline in the softirq', async () => {
    const w = (await analyzeTrace(dataPath('perf-randwrite'))).analysis;
    const r = (await analyzeTrace(dataPath('perf-randread'))).analysis;
    expect(w.ios.byMode['kworker-deferred']).toBe(200);
    expect(r.ios.byMode['irq-inline']).toBe(200);
    expect(r.ios.irqContext.softirq).toBe(200);
  });

  it('lost chunks become lost events with their CPU and time, where perf prints them', async () => {
    const { events } = await readAll(dataPath('perf-lost'));
    const lost = events.filter((e) => e.kind === 'lost');
    const printed = scriptText('perf-lost').split('\n').filter((l) => l.includes('PERF_RECORD_LOST'));
    expect(lost.length).toBe(11);
    expect(lost.map((e) => e.count)).toEqual(printed.map((l) => Number(/lost (\d+)/.exec(l)?.[1])));
    expect(lost.map((e) => e.line)).toEqual(printed.map((l) => scriptText('perf-lost').split('\n').indexOf(l) + 1));
    for (const e of lost) expect(e.cpu).toBe(1);
  });

  it('to the microsecond of the default text: the same I/Os and modes, stage times within the 2 µs two truncated timestamps allow', async () => {
    for (const name of ['perf-randwrite', 'perf-randread'] as const) {
      // perf script without --ns prints microseconds (truncated).
      const us = textOf(name).replace(/ (\d+\.\d{6})\d{3}: /g, ' $1: ');
      const [bin, txt] = await Promise.all([analyzeTrace(dataPath(name)), analyzeTrace(textSource(us))]);
      expect(bin.analysis.ios).toEqual(txt.analysis.ios);
      for (const [phase, s] of Object.entries(bin.analysis.latencyUs)) {
        const t = txt.analysis.latencyUs[phase as keyof typeof txt.analysis.latencyUs];
        expect(t, phase).toBeDefined();
        for (const k of ['mean', 'p50', 'p90', 'p99', 'max'] as const) expect(Math.abs((s?.[k] ?? 0) - (t?.[k] ?? 0)), `${phase} ${k}`).toBeLessThan(2);
      }
    }
  });

  it('--kallsyms names work functions from the symbols instead of the workqueue, with the same result', async () => {
    const plain = await readAll(dataPath('perf-randwrite-pipe'), { workFunctionsFromQueues: false });
    const fns = new Set(plain.events.flatMap((e) => (e.kind === 'workqueue_queue_work' ? [e.function] : [])));
    // Unnamed, they stay addresses, as perf prints them in pipe mode.
    expect([...fns].every((f) => f.startsWith('0x'))).toBe(true);
    try {
      useKallsyms(KALLSYMS);
      const withSyms = await analyzeTrace(dataPath('perf-randwrite-pipe'));
      useKallsyms(undefined);
      const byQueue = await analyzeTrace(dataPath('perf-randwrite-pipe'));
      expect(withSyms.analysis.ios.byMode['kworker-deferred']).toBe(200);
      expect(comparableAnalysis(withSyms.analysis)).toEqual(comparableAnalysis(byQueue.analysis));
    } finally {
      useKallsyms(undefined);
    }
  });

  it('reads the same in tiny chunks (records straddling every boundary)', async () => {
    for (const name of ['perf-randwrite', 'perf-randwrite-pipe', 'perf-randwrite-z'] as const) {
      const whole = await readAll(dataPath(name));
      const tiny = await readAll(dataPath(name), {}, { chunkBytes: 1000 });
      expect(tiny.events.map(comparable)).toEqual(whole.events.map(comparable));
    }
  });
});
