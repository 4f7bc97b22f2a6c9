import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/model/events.js';
import { collect, ROOT } from './helpers.js';

/**
 * Against the perf installed on this machine, when there is one: the perf.data fixtures printed
 * whole with each option gives the events of their default print (fixtures/excerpts' perf-script-*
 * pairs are cuts of such prints, for the machines without perf).
 */

const hasPerf = (() => {
  const r = spawnSync('perf', ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
})();

const DATA = ['perf-randwrite.data', 'perf-randread.data', 'perf-lost.data'];

function print(file: string, args: string[]): string {
  const r = spawnSync('perf', ['script', '-i', join(ROOT, 'fixtures', 'binary', file), ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return r.stdout;
}

async function eventsOf(text: string) {
  return collect(Readable.from([Buffer.from(text)]));
}

function fields(e: TraceEvent, drop: readonly string[] = []): Record<string, unknown> {
  const o: Record<string, unknown> = { ...e };
  delete o.line;
  for (const k of drop) delete o[k];
  return o;
}

describe.skipIf(!hasPerf).each(DATA)('%s printed with perf script options, live', { timeout: 300_000 }, (file) => {
  it('gives the default print\'s events in every form', async () => {
    const def = await eventsOf(print(file, ['--show-lost-events']));
    const ns = await eventsOf(print(file, ['--ns', '--show-lost-events']));
    const base = def.events.map((e) => fields(e));
    expect(base.length).toBeGreaterThan(1000);

    const task = await eventsOf(print(file, ['--show-lost-events', '--show-task-events', '--show-mmap-events', '--show-round-events']));
    expect(task.result.diagnostics.count('malformed_line')).toBe(0);
    expect(task.result.diagnostics.count('perf_script_text')).toBeGreaterThan(0);
    // Round events change perf's delivery order, not the events: compare in time order.
    const byTime = (a: Record<string, unknown>, b: Record<string, unknown>) => (a.ts as number) - (b.ts as number) || (a.cpu as number) - (b.cpu as number);
    expect(task.events.map((e) => fields(e)).sort(byTime)).toEqual([...base].sort(byTime));

    const pidTid = await eventsOf(print(file, ['--show-lost-events', '-F', 'comm,pid,tid,cpu,time,event,trace']));
    expect(pidTid.result.diagnostics.count('malformed_line')).toBe(0);
    expect(pidTid.events.map((e) => fields(e, ['tgid']))).toEqual(base);

    const noComm = await eventsOf(print(file, ['--show-lost-events', '-F', 'tid,cpu,time,event,trace']));
    expect(noComm.result.diagnostics.count('malformed_line')).toBe(0);
    expect(noComm.events.map((e) => fields(e, ['comm']))).toEqual(def.events.map((e) => fields(e, ['comm'])));

    const flags = await eventsOf(print(file, ['--show-lost-events', '-F', '+flags']));
    expect(flags.result.diagnostics.counts()).toEqual(def.result.diagnostics.counts());
    expect(flags.events.map((e) => fields(e))).toEqual(base);

    const rel = await eventsOf(print(file, ['--show-lost-events', '--reltime', '--ns']));
    const t0 = ns.events.find((e) => e.kind !== 'lost')?.ts as number;
    expect(rel.events.map((e) => ({ ...fields(e), ts: e.ts + t0 }))).toEqual(ns.events.map((e) => fields(e)));

    const delta = await eventsOf(print(file, ['--show-lost-events', '--deltatime', '--ns']));
    expect(delta.result.detection?.times).toBe('delta');
    expect(delta.result.diagnostics.count('delta_times')).toBe(1);
    expect(delta.result.diagnostics.count('timestamp_regression')).toBe(ns.result.diagnostics.count('timestamp_regression'));
    const d0 = delta.events.find((e) => e.kind !== 'lost')?.ts as number;
    expect(delta.events.map((e) => ({ ...fields(e), ts: e.ts - d0 + t0 }))).toEqual(ns.events.map((e) => fields(e)));
  });
});
