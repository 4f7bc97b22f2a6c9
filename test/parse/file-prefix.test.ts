import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FALLBACK_STRIDE } from '../../src/parse/file-prefix.js';
import { collect, ROOT } from './helpers.js';

/**
 * `trace-cmd report -i a.dat -i b.dat`: each line behind its file's name, each file's CPUs a
 * timeline of their own, the task name without the prefix. The public excerpt is a KVM host/guest
 * report quoted on LKML (fixtures/README.md).
 */

const KVM = join(ROOT, 'fixtures', 'public', 'trace-cmd-two-files-kvm.txt');

describe('several files in one trace-cmd report', () => {
  it('public KVM host+guest excerpt: detected, names clean, one CPU space per file', async () => {
    const { events, result } = await collect(KVM);
    expect(result.format).toBe('trace-cmd');
    expect(result.diagnostics.counts()).toEqual({});
    const host = events.filter((e) => e.comm === 'CPU 0/KVM');
    const guest = events.filter((e) => e.comm === '<idle>');
    expect(host).toHaveLength(7);
    expect(guest).toHaveLength(4);
    expect(new Set(host.map((e) => e.cpu))).toEqual(new Set([1]));
    // The guest's CPU 0 is not the host's CPU 0 (nor its CPU 1).
    expect(new Set(guest.map((e) => e.cpu))).toEqual(new Set([FALLBACK_STRIDE]));
  });

  it('with cpus= headers, files are spaced by the largest CPU count, in every report mode', async () => {
    const lines = [
      'cpus=16',
      'cpus=4',
      ' host.dat:             fio-7909  [013]   508.368487: softirq_entry:        vec=4 [action=BLOCK]',
      'guest.dat:             fio-7909  [003]   508.368490: softirq_entry:        vec=4 [action=BLOCK]',
      // -l: CPU glued to the flags.
      'guest.dat:     bash-2891    1d..2.   508.368495: softirq_exit:         vec=4 [action=BLOCK]',
    ];
    const { events, result } = await collect(Readable.from([Buffer.from(`${lines.join('\n')}\n`)]), { format: 'trace-cmd' });
    expect(result.diagnostics.counts()).toEqual({});
    expect(events.map((e) => [e.comm, e.pid, e.cpu])).toEqual([
      ['fio', 7909, 13],
      ['fio', 7909, 16 + 3],
      ['bash', 2891, 16 + 1],
    ]);
    expect(result.cpusHeader).toBe(20);
  });

  it('a loss marker behind a file name is that file\'s CPU', async () => {
    const lines = [
      'cpus=2',
      'cpus=2',
      ' host.dat:             fio-7909  [001]   508.368487: softirq_entry:        vec=4 [action=BLOCK]',
      // trace-cmd's marker (fixtures/excerpts/trace-cmd-events-dropped.txt) behind the guest's name.
      'guest.dat: CPU:1 [188240 EVENTS DROPPED]',
      'guest.dat:             fio-7909  [001]   508.368490: softirq_entry:        vec=4 [action=BLOCK]',
    ];
    const { events, result } = await collect(Readable.from([Buffer.from(`${lines.join('\n')}\n`)]), { format: 'trace-cmd' });
    expect(result.diagnostics.counts()).toEqual({ lost_events: 1 });
    expect(events.map((e) => [e.kind, e.cpu])).toEqual([
      ['softirq_entry', 1],
      ['lost', 3],
      ['softirq_entry', 3],
    ]);
  });

  it('a task name holding ": " is not a file prefix in a one-file report', async () => {
    const line = '   my task: x-4242  [001]   508.368487: softirq_entry:        vec=4 [action=BLOCK]';
    const { events } = await collect(Readable.from([Buffer.from(`cpus=2\n${line}\n`)]), { format: 'trace-cmd' });
    expect(events.map((e) => [e.comm, e.cpu])).toEqual([['my task: x', 1]]);
  });
});
