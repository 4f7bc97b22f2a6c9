import type { DiagnosticsCollector } from '../../../model/diagnostics.js';
import type { Attr } from './attr.js';
import { cString, u64 } from './bytes.js';
import { CPU_MAP_CPUS, CPU_MAP_MASK, CPU_MAP_RANGE, PERF_TYPE_TRACEPOINT, SAMPLE } from './constants.js';

/**
 * What a perf.data recorded of what happened. `perf record -- fio …` without `-a` (perf's default)
 * records only the workload's tasks: an event that fires in the kworker completing a direct I/O,
 * or in an interrupt while another task runs, is not in the file. `-C 1` records one CPU. `-F 1000`
 * (and `-c N` where the kernel honours it) keeps one sample for many events. The file says each
 * exactly (records perf writes at the start of the data, tools/perf/util/synthetic-events.c,
 * formats in tools/lib/perf/include/perf/event.h):
 *
 *   THREAD_MAP (73)  u64 nr; nr × { u64 pid; char comm[16] }   `nr: 1 thread: 10961` per task,
 *                                                                `thread: -1` system-wide (-a)
 *   CPU_MAP (74)     u16 type, then by type (the struct is packed: the u16 fields are unaligned)
 *                      0 CPUS   u16 nr; u16 cpu[nr]           (0xffff: "any CPU", -1)
 *                      1 MASK   u16 nr; u16 long_size; 4: u32 mask[nr] | 8: u32 pad; u64 mask[nr]
 *                      2 RANGE  u8 any_cpu; u8 pad; u16 start_cpu; u16 end_cpu   (`-C 1`: 1..1)
 *   ID_INDEX (69)    u64 nr; nr × { u64 id, idx, cpu, tid }     the cpu and tid each event
 *                                                                instance was opened on (tid -1: all)
 *   attrs            `freq` + sample_freq (-F), sample_period (-c), `inherit`, `enable_on_exec`
 *   SAMPLE's PERIOD  how many events this sample stands for
 *   HEADER_NRCPUS    the machine's online CPUs, to compare the CPU map with
 *
 * perf record writes THREAD_MAP and CPU_MAP in record__synthesize (tools/perf/builtin-record.c);
 * a file of an older perf may lack them, and ID_INDEX's tids and cpus say the same. A CPU map with
 * "any CPU" (-1: events that follow their task everywhere) is no subset. A record that does not parse
 * is ignored with a note (`bad_scope_record`), never an error of the whole file: it says what was
 * recorded, not how to read the rest.
 */

export interface RecordedTask {
  /** The thread id perf opened its events on. */
  tid: number;
  /** Its name: the last COMM record of that tid (the map's own comm is empty in perf record), '' when none. */
  comm: string;
}

export interface RecordingScope {
  /** The tasks recorded (per task: perf record without -a, or -p/-t/-u); empty when system-wide. */
  tasks: RecordedTask[];
  /** Children of those tasks were recorded too (the attrs' `inherit`, perf record's default). */
  inherit: boolean;
  /** The events were enabled when the workload exec'd (`enable_on_exec`: perf record -- COMMAND, not -p/-t). */
  workload: boolean;
  /** The CPUs recorded, ascending; empty when the file does not say or any CPU was (-1). */
  cpus: number[];
  /** The machine's online CPUs (HEADER_NRCPUS); null when not said. */
  cpusOnline: number | null;
  /** perf record -F: the frequency asked for, in Hz; null when no attr is in freq mode. */
  freqHz: number | null;
  /** perf record -c: the largest sample_period asked for (1: every event). */
  period: number;
  /** Whether the samples carry PERIOD (what each stands for is then read, not assumed). */
  periods: boolean;
  /** Samples read, and the events they stand for (the sum of their PERIOD; = samples without it). */
  samples: number;
  events: number;
  /** Samples standing for more than one event. */
  multi: number;
}

/** What the scope leaves out, as the analysis and inspect judge it. */
export interface ScopeVerdict {
  perTask: boolean;
  someCpus: boolean;
  sampled: boolean;
}

export function scopeVerdict(s: RecordingScope): ScopeVerdict {
  return {
    perTask: s.tasks.length > 0,
    someCpus: s.cpus.length > 0 && s.cpusOnline !== null && s.cpus.length < s.cpusOnline,
    // A tracepoint whose sample_type has PERIOD and is not in freq mode makes every hit a sample,
    // whatever sample_period says (kernel/events/core.c, perf_swevent_event: `data->period = nr;
    // return perf_swevent_overflow(…)`), so `-c 10` records every event; its PERIOD is then the hit's
    // count, 1 but for tracepoints that count something (`__perf_count()`: sched_stat_runtime's
    // runtime), which is no sampling either. Without PERIOD, sample_period N keeps 1 hit in N. Freq
    // mode is sampling. Only the tracepoints' attrs count (freqHz, period and periods are theirs): a
    // `-e cpu-clock` beside them samples at 4000 Hz without making the tracepoints sampled.
    sampled: s.freqHz !== null || (!s.periods && s.period > 1),
  };
}

/** Whether events the recording did not cover are missing from it (per task, some CPUs, sampled). */
export function recordedPartly(s: RecordingScope | undefined): boolean {
  if (s === undefined) return false;
  const v = scopeVerdict(s);
  return v.perTask || v.someCpus || v.sampled;
}

/** `0-3, 6`: CPU numbers as perf prints a CPU list. */
export function cpuList(cpus: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < cpus.length; ) {
    let j = i;
    while (j + 1 < cpus.length && (cpus[j + 1] as number) === (cpus[j] as number) + 1) j++;
    out.push(j > i ? `${cpus[i]}-${cpus[j]}` : `${cpus[i]}`);
    i = j + 1;
  }
  return out.join(', ');
}

/** `fio pid 10961 and its children`: the recorded tasks, named. */
export function tasksPhrase(s: RecordingScope): string {
  const shown = s.tasks.slice(0, 4).map((t) => (t.comm ? `${t.comm} pid ${t.tid}` : `pid ${t.tid}`));
  const more = s.tasks.length > shown.length ? `, ${s.tasks.length - shown.length} more` : '';
  const children = s.inherit ? ` and ${s.tasks.length === 1 ? 'its' : 'their'} children` : '';
  return `${shown.join(', ')}${more}${children}`;
}

/** `CPU 1 of 2 online` / `CPUs 0-1 of 2 online`. */
export function cpusPhrase(s: RecordingScope): string {
  const of = s.cpusOnline !== null ? ` of ${s.cpusOnline} online` : '';
  return s.cpus.length === 0 ? 'any CPU' : `CPU${s.cpus.length === 1 ? '' : 's'} ${cpuList(s.cpus)}${of}`;
}

/** `-F 1000 Hz: 144 samples stand for 10793 events`. */
export function samplingPhrase(s: RecordingScope): string {
  const how = s.freqHz !== null ? `perf record -F ${s.freqHz}` : `perf record -c ${s.period}`;
  return s.periods ? `${how}: ${s.samples} samples stand for ${s.events} events` : `${how}: ${s.samples} samples, each for about ${s.freqHz !== null ? 'a varying number of' : s.period} events`;
}

/** One line for inspect: `per task: fio pid 10961 and its children; CPUs 0-1 of 2 online; every event (624 samples)`. */
export function scopeLine(s: RecordingScope): string {
  const v = scopeVerdict(s);
  const who = v.perTask ? `per task: ${tasksPhrase(s)}` : 'system-wide (-a)';
  const where = `${v.someCpus ? 'only ' : ''}${cpusPhrase(s)}`;
  const what = v.sampled ? `sampled (${samplingPhrase(s)})` : `every event (${s.samples} samples)`;
  return `${who}; ${where}; ${what}`;
}

/** Who was recorded and where, as one clause: `per task (perf record -- COMMAND without -a: fio pid 10961 and its children); on CPU 1 of 2 online only (perf record -C)`. */
export function coverageClause(s: RecordingScope): string {
  const v = scopeVerdict(s);
  const parts: string[] = [];
  if (v.perTask) parts.push(`per task (perf record ${s.workload ? '-- COMMAND without -a' : '-p/-t'}: ${tasksPhrase(s)})`);
  if (v.someCpus) parts.push(`on ${cpusPhrase(s)} only (perf record -C)`);
  return parts.join('; ');
}

/**
 * The reader's diagnostics for a recording of part of what happened (one each, numbered after the
 * last event, as the scope is known whole only at the end) and for maps it could not read.
 */
export function noteScope(s: RecordingScope, problems: string[], diagnostics: DiagnosticsCollector, line: number): void {
  for (const p of problems) diagnostics.add('bad_scope_record', line, `${p}: ignored`);
  const v = scopeVerdict(s);
  if (v.perTask || v.someCpus) diagnostics.add('partial_recording', line, `recorded ${coverageClause(s)}: events ${v.perTask ? 'of other tasks' : 'on other CPUs'}${v.perTask && v.someCpus ? ' and CPUs' : ''} are not in the file`);
  if (v.sampled) diagnostics.add('sampled_recording', line, `sampled (${samplingPhrase(s)}): the other events are not in the file`);
}

/** Collects the scope while the records are read: the maps and ID_INDEX at the start, COMM and PERIOD along. */
export interface ScopeCollector {
  /** THREAD_MAP body [at, end) after the record header, the record at stream offset `offset`. */
  threadMap(dv: DataView, bytes: Uint8Array, at: number, end: number, little: boolean, offset: number): void;
  /** CPU_MAP body [at, end). */
  cpuMap(dv: DataView, at: number, end: number, little: boolean, offset: number): void;
  /** One ID_INDEX entry's cpu and tid (-1: any). */
  idIndex(cpu: number, tid: number): void;
  comm(tid: number, comm: string): void;
  /** A sample's PERIOD (called for every sample: keep it cheap). */
  sample(period: number): void;
  result(attrs: Attr[], cpusOnline: number | undefined): RecordingScope;
  /** What was wrong with maps that were ignored (`bad_scope_record`). */
  problems(): string[];
}

/** CPU numbers past the kernel's NR_CPUS limit (8192) are damage, not a machine. */
const MAX_CPU = 8191;
/** Entries of a thread map kept (a `-u USER` recording opens every task of the user). */
const MAX_TASKS = 4096;
const ANY = 0xffff;

export function createScopeCollector(): ScopeCollector {
  let tasks: RecordedTask[] | null = null;
  let cpus: number[] | null = null;
  const indexTids = new Set<number>();
  const indexCpus = new Set<number>();
  const byTid = new Map<number, RecordedTask>();
  let samples = 0;
  let events = 0;
  let multi = 0;
  const problems: string[] = [];

  return {
    threadMap(dv, bytes, at, end, little, offset) {
      if (end - at < 8) return void problems.push(`THREAD_MAP record at offset ${offset} is ${end - at + 8} bytes`);
      const nr = u64(dv, at, little);
      if (nr > (end - at - 8) / 24) return void problems.push(`THREAD_MAP record at offset ${offset} claims ${nr} tasks in ${end - at + 8} bytes`);
      const list: RecordedTask[] = [];
      for (let i = 0; i < nr && i < MAX_TASKS; i++) {
        const e = at + 8 + i * 24;
        // pid is a u64 holding a pid_t: -1 (all ones) for "any task", i.e. system-wide.
        const tid = dv.getInt32(e + (little ? 0 : 4), little);
        if (tid < 0) continue;
        list.push({ tid, comm: cString(bytes, e + 8, e + 24) });
      }
      tasks = list;
      byTid.clear();
      for (const t of list) byTid.set(t.tid, t);
    },
    cpuMap(dv, at, end, little, offset) {
      const r = readCpuMap(dv, at, end, little);
      if (typeof r === 'string') problems.push(`${r} (record at offset ${offset})`);
      else cpus = r;
    },
    idIndex(cpu, tid) {
      if (indexTids.size < MAX_TASKS) indexTids.add(tid);
      if (cpu >= 0 && cpu <= MAX_CPU) indexCpus.add(cpu);
      else indexCpus.add(-1);
    },
    comm(tid, comm) {
      const t = byTid.get(tid);
      if (t !== undefined) t.comm = comm;
    },
    sample(period) {
      samples++;
      if (period === 1) {
        events++;
        return;
      }
      // A period of 0 is no real sample's; one past 2^53 is damage: neither adds events.
      if (period > 1 && Number.isFinite(period)) {
        multi++;
        events += period;
      }
    },
    result(attrs, cpusOnline) {
      // Without a THREAD_MAP, ID_INDEX's tids: all -1 is system-wide, others name the tasks.
      let t = tasks;
      if (t === null) t = [...indexTids].filter((x) => x >= 0).sort((a, b) => a - b).map((tid) => ({ tid, comm: '' }));
      let c = cpus ?? [...indexCpus].sort((a, b) => a - b);
      if (c.includes(-1)) c = [];
      const tp = attrs.filter((a) => a.type === PERF_TYPE_TRACEPOINT);
      const freq = tp.filter((a) => a.freq);
      return {
        tasks: t,
        inherit: attrs.some((a) => a.inherit),
        workload: attrs.some((a) => a.enableOnExec),
        cpus: c,
        cpusOnline: cpusOnline ?? null,
        freqHz: freq.length > 0 ? Math.max(...freq.map((a) => a.samplePeriod)) : null,
        period: Math.max(1, ...tp.filter((a) => !a.freq).map((a) => a.samplePeriod)),
        periods: tp.length > 0 && tp.every((a) => (a.sampleType & SAMPLE.PERIOD) !== 0),
        samples,
        events,
        multi,
      };
    },
    problems: () => problems,
  };
}

/** The CPUs of a CPU_MAP body [at, end) (after the record header), ascending, -1 for "any"; or what is wrong with it. */
export function readCpuMap(dv: DataView, at: number, end: number, little: boolean): number[] | string {
  const size = end - at;
  if (size < 2) return `CPU_MAP record of ${size + 8} bytes`;
  const type = dv.getUint16(at, little);
  const out = new Set<number>();
  if (type === CPU_MAP_CPUS) {
    if (size < 4) return `CPU_MAP record of ${size + 8} bytes`;
    const nr = dv.getUint16(at + 2, little);
    if (nr > (size - 4) / 2) return `CPU_MAP list claims ${nr} CPUs in ${size + 8} bytes`;
    for (let i = 0; i < nr; i++) {
      const c = dv.getUint16(at + 4 + i * 2, little);
      if (c !== ANY && c > MAX_CPU) return `CPU_MAP list names CPU ${c}`;
      out.add(c === ANY ? -1 : c);
    }
  } else if (type === CPU_MAP_MASK) {
    if (size < 6) return `CPU_MAP record of ${size + 8} bytes`;
    const nr = dv.getUint16(at + 2, little);
    const longSize = dv.getUint16(at + 4, little);
    // A 64-bit mask keeps the 4 bytes of padding an earlier unaligned layout had (the words start at 10).
    const first = longSize === 8 ? at + 10 : at + 6;
    if (longSize !== 4 && longSize !== 8) return `CPU_MAP mask of ${longSize}-byte words`;
    if (nr > (end - first) / longSize) return `CPU_MAP mask claims ${nr} words in ${size + 8} bytes`;
    if (nr * longSize * 8 > MAX_CPU + 1) return `CPU_MAP mask of ${nr} ${longSize}-byte words is wider than any machine`;
    for (let w = 0; w < nr; w++) {
      for (let half = 0; half < longSize / 4; half++) {
        // A 64-bit word is read as two u32 halves: its low half is the first 4 bytes on little-endian.
        const lowFirst = (half === 0) === little;
        const word = dv.getUint32(first + w * longSize + (longSize === 8 && !lowFirst ? 4 : 0), little);
        for (let b = 0; b < 32; b++) if ((word >>> b) & 1) out.add(w * longSize * 8 + half * 32 + b);
      }
    }
  } else if (type === CPU_MAP_RANGE) {
    if (size < 8) return `CPU_MAP range record of ${size + 8} bytes`;
    const any = dv.getUint8(at + 2);
    const start = dv.getUint16(at + 4, little);
    const last = dv.getUint16(at + 6, little);
    if (last < start || last > MAX_CPU) return `CPU_MAP range ${start}-${last}`;
    if (any) out.add(-1);
    for (let c = start; c <= last; c++) out.add(c);
  } else return `CPU_MAP of unknown encoding ${type}`;
  return [...out].sort((a, b) => a - b);
}
