import { describe, expect, it } from 'vitest';
import { scopeNote, type ScopeCounts } from '../../src/analyze/recording-scope.js';
import type { RecordingScope } from '../../src/parse/binary/perfdata/scope.js';

/** The sentences a partial perf.data recording gets (the real files' are in test/parse/binary/perfdata/scope.test.ts). */

const all: RecordingScope = { tasks: [], inherit: true, workload: true, cpus: [0, 1], cpusOnline: 2, freqHz: null, period: 1, periods: true, samples: 2000, events: 2000, multi: 0 };
const counts: ScopeCounts = { unit: 'dio', total: 2000, followed: 15, noCompletion: 1985, timeouts: 0, submissions: 2000, submissionIops: 70177.2 };

describe('scopeNote', () => {
  it('a system-wide, unsampled recording, and text (no scope): nothing', () => {
    expect(scopeNote(all, counts)).toBeUndefined();
    expect(scopeNote(undefined, counts)).toBeUndefined();
  });

  it('per task: the tasks, how many I/Os have no completion, the followed share caveat and the rate from submissions', () => {
    const n = scopeNote({ ...all, tasks: [{ tid: 5359, comm: 'fio' }] }, counts);
    expect(n?.limitations).toEqual([
      'Recorded per task (perf record -- COMMAND without -a: fio pid 5359 and its children): events of other tasks — the kworkers that complete deferred I/Os, interrupts while other tasks ran — are not in the trace; 1985 of the 2000 direct I/Os have no completion in it (unresolved as missing_events), and the 15 followed are those that completed where the recording looked: the shares of completion modes are theirs, not the workload\'s. From the 2000 submissions it holds, the rate is 70177 IOPS.',
    ]);
    expect(n?.lead).toMatch(/^This perf\.data was recorded per task \(without -a\): 1985 of the 2000 direct I\/Os have no completion in it/);
    expect(n?.noRates).toBe(false);
  });

  it('I/Os swept as timeout during a long recording are counted and named', () => {
    const n = scopeNote({ ...all, tasks: [{ tid: 1, comm: 'fio' }] }, { ...counts, timeouts: 500 });
    expect(n?.limitations[0]).toContain('(unresolved as missing_events, or timeout for the 500 outstanding past the block layer\'s 30 s)');
  });

  it('some CPUs, every I/O followed: says what the CPU times miss instead', () => {
    const n = scopeNote({ ...all, cpus: [1] }, { ...counts, followed: 2000, noCompletion: 0 });
    expect(n?.limitations[0]).toMatch(/^Recorded on CPU 1 of 2 online only \(perf record -C\): events on the other CPUs/);
    expect(n?.limitations[0]).toContain('every direct I/O in it was followed to its completion');
    expect(n?.limitations[0]).not.toContain('IOPS');
  });

  it('sampled: no rates, and the samples and events named; with per task too, both said', () => {
    const sampled = { ...all, freqHz: 1000, samples: 144, events: 10793, multi: 57 };
    const n = scopeNote(sampled, { ...counts, total: 7, followed: 4, noCompletion: 2 });
    expect(n?.noRates).toBe(true);
    expect(n?.limitations).toHaveLength(1);
    expect(n?.limitations[0]).toMatch(/^Sampled recording \(perf record -F 1000: 144 samples stand for 10793 events\)/);
    const both = scopeNote({ ...sampled, tasks: [{ tid: 9, comm: 'fio' }] }, counts);
    expect(both?.limitations.map((l) => l.split(' ')[0])).toEqual(['Recorded', 'Sampled']);
  });
});
