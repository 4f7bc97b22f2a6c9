import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../../../src/analyze/pipeline.js';
import { createDiagnostics, type DiagnosticsCollector } from '../../../../src/model/diagnostics.js';
import { PERF_DATA_READER } from '../../../../src/parse/binary/perfdata/reader.js';
import type { Attr } from '../../../../src/parse/binary/perfdata/attr.js';
import { PERF_TYPE_TRACEPOINT, SAMPLE } from '../../../../src/parse/binary/perfdata/constants.js';
import { createScopeCollector, readCpuMap, scopeLine, scopeVerdict, type RecordingScope } from '../../../../src/parse/binary/perfdata/scope.js';
import type { StreamResult } from '../../../../src/parse/stream-types.js';
import { dataPath, readAll } from './helpers.js';

/**
 * What a perf.data recorded (scope.ts), read from real recordings (fixtures/README.md) and held to
 * what perf itself says of them. The expected values were read with perf 6.1 from each file:
 *   perf report -D -i F | grep -E 'PERF_RECORD_(THREAD_MAP|CPU_MAP)'   the maps
 *   perf report -D -i F | grep -c PERF_RECORD_SAMPLE                    the samples
 *   perf report -D -i F | grep 'PERF_RECORD_COMM exec'                  the recorded task's name
 *   perf report --header-only -i F | grep -E 'nrcpus online|freq'       online CPUs, -F's attr
 *   perf script -F period -i F | awk '{s+=$1; if ($1>1) m++} END {print s, m}'   events, samples > 1
 */

interface Expected {
  tasks: { tid: number; comm: string }[];
  cpus: number[];
  samples: number;
  events: number;
  multi: number;
  freqHz: number | null;
  verdict: { perTask: boolean; someCpus: boolean; sampled: boolean };
}

const EXPECTED: Record<string, Expected> = {
  // THREAD_MAP nr: 1 thread: 10961; CPU_MAP: 0-1; COMM exec: fio:10961/10961; 624 samples.
  'perf-pertask': { tasks: [{ tid: 10961, comm: 'fio' }], cpus: [0, 1], samples: 624, events: 624, multi: 0, freqHz: null, verdict: { perTask: true, someCpus: false, sampled: false } },
  // The same in pipe mode: THREAD_MAP nr: 1 thread: 11029; CPU_MAP: 0-1; 643 samples.
  'perf-pertask-pipe': { tasks: [{ tid: 11029, comm: 'fio' }], cpus: [0, 1], samples: 643, events: 643, multi: 0, freqHz: null, verdict: { perTask: true, someCpus: false, sampled: false } },
  // THREAD_MAP thread: -1; CPU_MAP: 1 (of nrcpus online 2); 1975 samples.
  'perf-cpu1': { tasks: [], cpus: [1], samples: 1975, events: 1975, multi: 0, freqHz: null, verdict: { perTask: false, someCpus: true, sampled: false } },
  // THREAD_MAP thread: -1; CPU_MAP: 0-1; attrs `freq = 1`, sample_freq 1000; 1964 samples whose periods sum to 15731, 837 above 1.
  'perf-f1000': { tasks: [], cpus: [0, 1], samples: 1964, events: 15731, multi: 837, freqHz: 1000, verdict: { perTask: false, someCpus: false, sampled: true } },
  // perf record -a: THREAD_MAP thread: -1; CPU_MAP: 0-1; 2391 samples.
  'perf-randwrite': { tasks: [], cpus: [0, 1], samples: 2391, events: 2391, multi: 0, freqHz: null, verdict: { perTask: false, someCpus: false, sampled: false } },
};

describe('the recording scope read from real perf.data files', () => {
  it.each(Object.keys(EXPECTED))('%s: the tasks, CPUs and sampling perf reports', async (name) => {
    const want = EXPECTED[name] as Expected;
    const { result } = await readAll(dataPath(name), { payloads: 'none' });
    const s = result.scope;
    expect(s.tasks).toEqual(want.tasks);
    expect(s.cpus).toEqual(want.cpus);
    expect(s.cpusOnline).toBe(2);
    expect(s.samples).toBe(want.samples);
    expect(s.samples).toBe(result.samples);
    expect(s.events).toBe(want.events);
    expect(s.multi).toBe(want.multi);
    expect(s.freqHz).toBe(want.freqHz);
    expect(s.inherit).toBe(true);
    // `enable_on_exec = 1` in the per-task files' attrs (perf report --header-only), not in -a's.
    expect(s.workload).toBe(want.verdict.perTask);
    expect(scopeVerdict(s)).toEqual(want.verdict);
    const partial = want.verdict.perTask || want.verdict.someCpus;
    expect(result.diagnostics.count('partial_recording')).toBe(partial ? 1 : 0);
    expect(result.diagnostics.count('sampled_recording')).toBe(want.verdict.sampled ? 1 : 0);
    expect(result.diagnostics.count('bad_scope_record')).toBe(0);
  });

  it('inspect names the scope in one line', () => {
    const base: RecordingScope = { tasks: [{ tid: 10961, comm: 'fio' }], inherit: true, workload: true, cpus: [0, 1], cpusOnline: 2, freqHz: null, period: 1, periods: true, samples: 624, events: 624, multi: 0 };
    expect(scopeLine(base)).toBe('per task: fio pid 10961 and its children; CPUs 0-1 of 2 online; every event (624 samples)');
    expect(scopeLine({ ...base, tasks: [], cpus: [1] })).toBe('system-wide (-a); only CPU 1 of 2 online; every event (624 samples)');
    expect(scopeLine({ ...base, tasks: [], freqHz: 1000, events: 10793, multi: 57 })).toMatch(/sampled \(perf record -F 1000: 624 samples stand for 10793 events\)$/);
  });

  it('sampling is read from the samples when they carry PERIOD: -c 10 whose every PERIOD is 1 recorded every event', () => {
    // A `perf record -a -c 10` of the same job on Linux 6.18: attrs sample_period 10, yet every sample's PERIOD is 1.
    const c10: RecordingScope = { tasks: [], inherit: true, workload: true, cpus: [0, 1], cpusOnline: 2, freqHz: null, period: 10, periods: true, samples: 20073, events: 20073, multi: 0 };
    expect(scopeVerdict(c10).sampled).toBe(false);
    // A PERIOD above 1 there is a hit's count (sched_stat_runtime's runtime, `__perf_count()`), not sampling.
    expect(scopeVerdict({ ...c10, events: 20083, multi: 1 }).sampled).toBe(false);
    // Without PERIOD in the samples, the attr is all there is.
    expect(scopeVerdict({ ...c10, periods: false }).sampled).toBe(true);
    expect(scopeVerdict({ ...c10, periods: false, period: 1 }).sampled).toBe(false);
    // -F is sampling whatever the periods came out as.
    expect(scopeVerdict({ ...c10, period: 1, freqHz: 4000 }).sampled).toBe(true);
    // All CPUs of the machine, or the machine's count unknown: not "some CPUs".
    expect(scopeVerdict({ ...c10, cpus: [0, 1] }).someCpus).toBe(false);
    expect(scopeVerdict({ ...c10, cpus: [1], cpusOnline: null }).someCpus).toBe(false);
  });
});

describe('CPU_MAP encodings (tools/lib/perf/include/perf/event.h)', () => {
  /** A CPU_MAP body (after the 8-byte record header) from u16/u32/u64 pieces, little-endian. */
  const body = (parts: [number, 2 | 4 | 8][]): DataView => {
    const b = Buffer.alloc(parts.reduce((n, [, w]) => n + w, 0));
    let at = 0;
    for (const [v, w] of parts) {
      if (w === 2) b.writeUInt16LE(v, at);
      else if (w === 4) b.writeUInt32LE(v, at);
      else b.writeBigUInt64LE(BigInt(v), at);
      at += w;
    }
    return new DataView(b.buffer, b.byteOffset, b.length);
  };
  const read = (dv: DataView): number[] | string => readCpuMap(dv, 0, dv.byteLength, true);

  it('a list of CPUs, 0xffff being "any CPU" (-1)', () => {
    expect(read(body([[0, 2], [3, 2], [4, 2], [0, 2], [0xffff, 2]]))).toEqual([-1, 0, 4]);
  });
  it('a mask of 32-bit words (u16 nr, u16 long_size 4, u32 mask[])', () => {
    expect(read(body([[1, 2], [2, 2], [4, 2], [0b1010, 4], [1, 4]]))).toEqual([1, 3, 32]);
  });
  it('a mask of 64-bit words starts after 4 bytes of padding (offset 10)', () => {
    // Bits 0 and 33 of the first word, bit 1 of the second: CPUs 0, 33, 65.
    expect(read(body([[1, 2], [2, 2], [8, 2], [0, 4], [2 ** 33 + 1, 8], [2, 8]]))).toEqual([0, 33, 65]);
  });
  it('a range (perf 6.1 writes `-C 1` as 1..1), with "any CPU" when any_cpu is set', () => {
    const b = Buffer.from([2, 0, 0, 0, 1, 0, 1, 0]);
    expect(readCpuMap(new DataView(b.buffer, b.byteOffset, 8), 0, 8, true)).toEqual([1]);
    const any = Buffer.from([2, 0, 1, 0, 0, 0, 3, 0]);
    expect(readCpuMap(new DataView(any.buffer, any.byteOffset, 8), 0, 8, true)).toEqual([-1, 0, 1, 2, 3]);
  });
  it('big-endian: the same CPUs', () => {
    const b = Buffer.alloc(10);
    b.writeUInt16BE(1, 0);
    b.writeUInt16BE(1, 2);
    b.writeUInt16BE(4, 4);
    b.writeUInt32BE(0b110, 6);
    expect(readCpuMap(new DataView(b.buffer, b.byteOffset, 10), 0, 10, false)).toEqual([1, 2]);
  });
  it('what does not parse is said, never thrown: counts past the record, unknown encodings, word sizes, ranges', () => {
    for (const dv of [
      body([[0, 2], [0xfff0, 2], [1, 2]]),
      body([[1, 2], [0xffff, 2], [8, 2], [0, 4], [1, 8]]),
      body([[1, 2], [1, 2], [3, 2], [1, 4]]),
      body([[1, 2], [2000, 2], [4, 2], ...Array.from({ length: 2000 }, () => [1, 4] as [number, 4])]),
      body([[2, 2], [0, 2], [5, 2], [3, 2]]),
      body([[7, 2], [0, 2]]),
      body([[0, 2]]),
      body([]),
    ])
      expect(typeof read(dv)).toBe('string');
  });
});

/** Offsets of a pipe-mode perf.data's records (its tracing data follows record 66, outside its size). */
function pipeRecords(b: Buffer): number[] {
  const out: number[] = [];
  for (let at = 16; at + 8 <= b.length; ) {
    out.push(at);
    at += b.readUInt16LE(at + 6) + (b.readUInt32LE(at) === 66 ? b.readUInt32LE(at + 8) : 0);
  }
  return out;
}

/** The pipe fixture with the record of `type` replaced by `replacement` (a whole record, header included), or removed. */
function withRecord(b: Buffer, type: number, replacement: Buffer | null): Buffer {
  const at = pipeRecords(b).find((r) => b.readUInt32LE(r) === type) as number;
  expect(at).toBeGreaterThan(0);
  return Buffer.concat([b.subarray(0, at), replacement ?? Buffer.alloc(0), b.subarray(at + b.readUInt16LE(at + 6))]);
}

function record(type: number, bodyBytes: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32LE(type, 0);
  h.writeUInt16LE(8 + bodyBytes.length, 6);
  return Buffer.concat([h, bodyBytes]);
}

async function readBytes(bytes: Uint8Array): Promise<{ events: number; diags: DiagnosticsCollector; result: StreamResult }> {
  const diags = createDiagnostics('hostile');
  let events = 0;
  const result = await PERF_DATA_READER.read({ bytes }, () => events++, { diagnostics: diags, label: 'hostile', payloads: 'none' });
  return { events, diags, result };
}

describe('hostile THREAD_MAP / CPU_MAP records: noted and ignored, the events all read', () => {
  const pipe = readFileSync(dataPath('perf-pertask-pipe'));
  const u64 = (v: bigint): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(v);
    return b;
  };
  const cases: [string, number, Buffer][] = [
    ['THREAD_MAP claiming 2^62 tasks', 73, record(73, Buffer.concat([u64(2n ** 62n), Buffer.alloc(24)]))],
    ['THREAD_MAP claiming 0xffffffff tasks', 73, record(73, Buffer.concat([u64(0xffffffffn), Buffer.alloc(24)]))],
    ['THREAD_MAP cut to 4 bytes of body', 73, record(73, Buffer.alloc(4))],
    ['THREAD_MAP with no body', 73, record(73, Buffer.alloc(0))],
    ['CPU_MAP list claiming 65535 CPUs', 74, record(74, Buffer.from([0, 0, 0xff, 0xff, 0, 0, 1, 0]))],
    ['CPU_MAP mask claiming 65535 64-bit words', 74, record(74, Buffer.from([1, 0, 0xff, 0xff, 8, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0]))],
    ['CPU_MAP of encoding 9', 74, record(74, Buffer.from([9, 0, 0, 0, 0, 0, 0, 0]))],
    ['CPU_MAP range ending before its start', 74, record(74, Buffer.from([2, 0, 0, 0, 5, 0, 1, 0]))],
    ['CPU_MAP cut to its type', 74, record(74, Buffer.from([0, 0]))],
  ];

  it.each(cases)('%s', async (_name, type, bad) => {
    const intact = await readBytes(pipe);
    const o = await readBytes(withRecord(pipe, type, bad));
    expect(o.events).toBe(intact.events);
    expect(o.diags.count('bad_scope_record')).toBe(1);
    expect(o.diags.count('binary_damaged')).toBe(0);
    // What the bad map would have said comes from ID_INDEX (the cpu and tid of each event's instances).
    expect(o.result.recording?.tasks.map((t) => t.tid)).toEqual([11029]);
    expect(o.result.recording?.cpus).toEqual([0, 1]);
  });

  it('without the maps at all (an older perf), ID_INDEX says the same', async () => {
    const o = await readBytes(withRecord(withRecord(pipe, 73, null), 74, null));
    expect(o.diags.count('bad_scope_record')).toBe(0);
    expect(o.result.recording?.tasks.map((t) => t.tid)).toEqual([11029]);
    expect(o.result.recording?.cpus).toEqual([0, 1]);
    expect(o.diags.count('partial_recording')).toBe(1);
  });
});

describe('the analysis of a partial recording says so, once, with its numbers', () => {
  it('per task: the limitation, the lead, missing_events for I/Os with no completion, one diagnostic', async () => {
    for (const name of ['perf-pertask', 'perf-pertask-pipe']) {
      const a = (await analyzeTrace(dataPath(name))).analysis;
      const missing = a.ios.unresolvedReasons.missing_events ?? 0;
      expect(missing).toBeGreaterThan(0);
      expect(a.ios.unresolvedReasons.trace_end).toBeUndefined();
      expect(a.dataLoss.vanishedIos).toBe(0);
      const lim = a.limitations.filter((l) => l.startsWith('Recorded per task'));
      expect(lim).toHaveLength(1);
      expect(lim[0]).toContain(`${missing} of the ${a.ios.total} direct I/Os have no completion in it`);
      expect(lim[0]).toMatch(/fio pid \d+ and its children/);
      expect(a.explanation).toMatch(/^This perf\.data was recorded per task \(without -a\)/);
      expect(a.input.diagnostics.partial_recording).toBe(1);
    }
  });

  it('-C 1: the CPUs named, and every I/O followed on this machine (fio and the interrupt on CPU 1)', async () => {
    const a = (await analyzeTrace(dataPath('perf-cpu1'))).analysis;
    expect(a.ios.byMode.unresolved).toBe(0);
    expect(a.limitations[0]).toMatch(/^Recorded on CPU 1 of 2 online only \(perf record -C\)/);
    expect(a.iops).toBeGreaterThan(0);
    expect(a.input.diagnostics.partial_recording).toBe(1);
  });

  it('-F 1000: sampled, no rate given (IOPS and MB/s 0, none stated, no completions per window for compare), one diagnostic', async () => {
    const a = (await analyzeTrace(dataPath('perf-f1000'))).analysis;
    expect(a.ios.total).toBeGreaterThan(0);
    // The I/Os span ~200 ms (fio --rate_iops=1000): windows there were, and their counts are not given.
    expect(a.window.endNs - a.window.startNs).toBeGreaterThan(100e6);
    expect(a.series.counts).toEqual([]);
    expect(a.iops).toBe(0);
    expect(a.mbps).toBe(0);
    expect(a.dataLoss.iopsFromSubmissions).toBe(0);
    expect(a.explanation).not.toMatch(/IOPS,/);
    expect(a.limitations.filter((l) => l.startsWith('Sampled recording (perf record -F 1000: 1964 samples stand for 15731 events)'))).toHaveLength(1);
    expect(a.input.diagnostics.sampled_recording).toBe(1);
  });

  it('perf record -a, every event: none of it', async () => {
    const a = (await analyzeTrace(dataPath('perf-randwrite'))).analysis;
    expect(a.limitations.some((l) => /^(Recorded|Sampled)/.test(l))).toBe(false);
    expect(a.explanation).not.toMatch(/This perf\.data/);
    expect(a.input.diagnostics.partial_recording ?? 0).toBe(0);
    expect(a.input.diagnostics.sampled_recording ?? 0).toBe(0);
    expect(a.iops).toBeGreaterThan(0);
  });
});

describe('only the tracepoints say whether the kernel events were sampled', () => {
  // perf record -a -e cpu-clock -e <tracepoints>: cpu-clock samples at 4000 Hz (freq, PERIOD = ns
  // of CPU time each), the tracepoints record every hit; sched_stat_runtime puts its runtime in PERIOD.
  const attr = (type: number, freq: boolean, samplePeriod: number, sampleType: number): Attr => ({ index: 0, type, config: 0, sampleType, readFormat: 0, sampleIdAll: true, freq, samplePeriod, inherit: true, enableOnExec: false, ids: [] });
  const WITH_PERIOD = SAMPLE.PERIOD | SAMPLE.TIME | SAMPLE.CPU | SAMPLE.RAW;
  it('a cpu-clock at -F 4000 beside them does not make them sampled, nor do its periods', () => {
    const c = createScopeCollector();
    c.sample(1);
    c.sample(1);
    const s = c.result([attr(1, true, 4000, WITH_PERIOD), attr(PERF_TYPE_TRACEPOINT, false, 1, WITH_PERIOD)], 2);
    expect(s.freqHz).toBeNull();
    expect(scopeVerdict(s).sampled).toBe(false);
  });
  it('a tracepoint at -F, or at -c N without PERIOD, is sampled', () => {
    const f = createScopeCollector().result([attr(PERF_TYPE_TRACEPOINT, true, 1000, WITH_PERIOD)], 2);
    expect(f.freqHz).toBe(1000);
    expect(scopeVerdict(f).sampled).toBe(true);
    const n = createScopeCollector().result([attr(PERF_TYPE_TRACEPOINT, false, 10, SAMPLE.TIME | SAMPLE.RAW)], 2);
    expect(scopeVerdict(n).sampled).toBe(true);
    const p = createScopeCollector().result([attr(PERF_TYPE_TRACEPOINT, false, 10, WITH_PERIOD)], 2);
    expect(scopeVerdict(p).sampled).toBe(false);
  });
});
