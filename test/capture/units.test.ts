import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cpusOutsideMask } from '../../src/capture/arm.js';
import { defaultBufferKb, memAvailableKb, parseBufferSize, restorableKb } from '../../src/capture/buffer-size.js';
import { captureTrace } from '../../src/capture/capture.js';
import { EVENT_SETS, resolveEvents } from '../../src/capture/events.js';
import { RestoreJournal } from '../../src/capture/journal.js';
import { selectedChoice, Tracefs } from '../../src/capture/tracefs.js';
import { makeFakeTracefs, testDeps, type FakeTracefs } from './fake-tracefs.js';

/** The small pieces: event sets, buffer sizes, the journal, cpumask. */

let fake: FakeTracefs | undefined;
afterEach(() => fake?.cleanup());

describe('event sets', () => {
  it('default is the 16 events of the shared captures; minimal ⊂ default ⊂ full', () => {
    expect(EVENT_SETS.default).toHaveLength(16);
    for (const e of EVENT_SETS.minimal) expect(EVENT_SETS.default).toContain(e);
    for (const e of EVENT_SETS.default) expect(EVENT_SETS.full).toContain(e);
    expect(EVENT_SETS.full).toEqual(expect.arrayContaining(['block:block_rq_insert', 'block:block_rq_error', 'sched:sched_wakeup_new', 'sched:sched_migrate_task', 'irq:softirq_raise']));
  });

  it('skips, with a reason, events the kernel lacks (iomap before 6.4)', async () => {
    const iomap = EVENT_SETS.default.filter((e) => e.startsWith('iomap:'));
    fake = makeFakeTracefs({ missing: iomap });
    const r = resolveEvents(new Tracefs(fake.root), 'default');
    expect(r.enabled).toHaveLength(13);
    expect(r.skipped.map((s) => s.event)).toEqual(iomap);
    expect(r.skipped[0]?.reason).toMatch(/Linux 6\.4/);

    const deps = testDeps();
    const res = await captureTrace({ topLevel: true, root: fake.root, output: join(fake.dir, 't.txt'), command: ['true'], events: 'full' }, deps);
    expect(res.events).toHaveLength(EVENT_SETS.full.length - 3);
    expect(deps.lines.filter((l) => l.startsWith('warning: skipping iomap:'))).toHaveLength(3);
    expect(fake.read('set_event')).toBe('');
  });

  it('warns about an event filter that would hide events', async () => {
    fake = makeFakeTracefs({ files: { 'events/block/block_rq_complete/filter': 'dev == 1\n' } });
    const deps = testDeps();
    await captureTrace({ topLevel: true, root: fake.root, output: join(fake.dir, 't.txt'), command: ['true'], events: 'minimal' }, deps);
    expect(deps.lines).toContain('warning: block:block_rq_complete has a filter set: some of its events will be missing');
  });
});

describe('buffer size', () => {
  it('parses the three forms of buffer_size_kb', () => {
    expect(parseBufferSize('8195\n')).toEqual({ kb: 8195 });
    expect(parseBufferSize('7 (expanded: 1408)\n')).toEqual({ kb: 7, expandedKb: 1408 });
    expect(parseBufferSize('X\n')).toBeUndefined();
    expect(restorableKb('7 (expanded: 1408)')).toBe(1408);
  });

  it('defaults to 256 MiB per CPU, capped at a quarter of available memory', () => {
    expect(defaultBufferKb(2, 23 * 1024 * 1024)).toBe(262144);
    expect(defaultBufferKb(64, 16 * 1024 * 1024)).toBe(65536);
    expect(defaultBufferKb(4, 1024)).toBe(1024);
    expect(defaultBufferKb(2, undefined)).toBe(262144);
    // Read while the command runs (--format dat): a smaller buffer, under the same cap.
    expect(defaultBufferKb(2, 23 * 1024 * 1024, true)).toBe(16384);
    expect(defaultBufferKb(64, 2 * 1024 * 1024, true)).toBe(8192);
    expect(memAvailableKb('MemTotal:       24000000 kB\nMemAvailable:   20000000 kB\n')).toBe(20000000);
  });
});

describe('journal and tracefs wrapper', () => {
  it('keeps the first value per file, undoes in reverse order, once, and goes on past a failing step', () => {
    const j = new RestoreJournal();
    const order: string[] = [];
    j.record('a', 'a=1', () => order.push('a'));
    j.record('a', 'a=2', () => order.push('a again'));
    j.record('b', 'b=1', () => {
      throw new Error('EBUSY');
    });
    j.record('c', 'c=1', () => order.push('c'));
    const r = j.restore();
    expect(order).toEqual(['c', 'a']);
    expect(r).toEqual({ restored: ['c=1', 'a=1'], errors: ['b=1: EBUSY'] });
    expect(j.restore()).toEqual({ restored: [], errors: [] });
  });

  it('reads the selected entry of choice files and the CPUs of per_cpu', () => {
    expect(selectedChoice('[local] global counter\n')).toBe('local');
    expect(selectedChoice('nop\n')).toBe('nop');
    fake = makeFakeTracefs({ cpus: 3 });
    expect(new Tracefs(fake.root).cpus()).toEqual([0, 1, 2]);
  });

  it('tells which CPUs tracing_cpumask leaves out', () => {
    expect(cpusOutsideMask('3', [0, 1])).toEqual([]);
    expect(cpusOutsideMask('2', [0, 1])).toEqual([0]);
    expect(cpusOutsideMask('00000001,00000000', [0, 32, 33])).toEqual([0, 33]);
  });
});
