import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatInspection } from '../../src/commands/inspect.js';
import { inspectTrace } from '../../src/inspect/inspect.js';
import { FIXTURES } from '../helpers/paths.js';

/** inspect of a perf.data names what it recorded (parse/binary/perfdata/scope.ts); of text, nothing. */

const bin = (name: string): string => join(FIXTURES, 'binary', `${name}.data`);

describe('inspect: the recording scope of a perf.data', () => {
  it('per task: the JSON field and the `recorded` line', async () => {
    const r = await inspectTrace(bin('perf-pertask'));
    expect(r.recording?.tasks).toEqual([{ tid: 10961, comm: 'fio' }]);
    expect(formatInspection(r)).toContain('\nrecorded  per task: fio pid 10961 and its children; CPUs 0-1 of 2 online; every event (624 samples)\n');
    expect(r.diagnostics.partial_recording).toBe(1);
  });

  it('-C 1 and -F 1000', async () => {
    expect(formatInspection(await inspectTrace(bin('perf-cpu1')))).toContain('\nrecorded  system-wide (-a); only CPU 1 of 2 online; every event (1975 samples)\n');
    expect(formatInspection(await inspectTrace(bin('perf-f1000')))).toContain('\nrecorded  system-wide (-a); CPUs 0-1 of 2 online; sampled (perf record -F 1000: 1964 samples stand for 15731 events)\n');
  });

  it('perf record -a: said too, with no diagnostic; text: no field, no line', async () => {
    const r = await inspectTrace(bin('perf-randwrite'));
    expect(formatInspection(r)).toContain('\nrecorded  system-wide (-a); CPUs 0-1 of 2 online; every event (2391 samples)\n');
    expect(r.diagnostics.partial_recording).toBeUndefined();
    const t = await inspectTrace(join(FIXTURES, 'real', 'libaio-randwrite-cpu1.ftrace.txt.gz'));
    expect('recording' in t).toBe(false);
    expect(formatInspection(t)).not.toContain('recorded  ');
  });
});
