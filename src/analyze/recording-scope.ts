import type { IoUnit } from '../model/io.js';
import { coverageClause, cpusPhrase, samplingPhrase, scopeVerdict, type RecordingScope } from '../parse/binary/perfdata/scope.js';

/**
 * What the analysis says of a perf.data that recorded only part of what happened (per task, some
 * CPUs, sampled: parse/binary/perfdata/scope.ts), with its numbers: a limitation sentence, and a
 * short lead for the explanation, whose shares and rates would otherwise read as the workload's.
 * A system-wide, unsampled recording (and any text input) gets neither.
 */

export interface ScopeCounts {
  unit: IoUnit;
  /** I/Os in the analysis, those followed to their completion, those with none in the trace. */
  total: number;
  followed: number;
  noCompletion: number;
  /**
   * Of those, the ones given up during the pass as outstanding past the block layer's 30 s
   * (io-end.ts sweeps before the scope is known, at the end of the reading): in a long partial
   * recording, I/Os completed out of its sight are swept so too.
   */
  timeouts: number;
  submissions: number;
  /** IOPS from the submissions (the workload's own, when the recorded tasks are the workload). */
  submissionIops: number;
}

export interface ScopeNote {
  limitations: string[];
  lead: string;
  /** A sampled recording's I/O counts are chance: IOPS and MB/s are not given (0), nor completions per window. */
  noRates: boolean;
}

const unitName = (u: IoUnit): string => (u === 'dio' ? 'direct I/Os' : 'block requests');

export function scopeNote(s: RecordingScope | undefined, n: ScopeCounts): ScopeNote | undefined {
  if (s === undefined) return undefined;
  const v = scopeVerdict(s);
  if (!v.perTask && !v.someCpus && !v.sampled) return undefined;
  const unit = unitName(n.unit);
  const limitations: string[] = [];
  const leads: string[] = [];
  const as = n.timeouts > 0 ? `missing_events, or timeout for the ${n.timeouts} outstanding past the block layer's 30 s` : 'missing_events';
  const missing = `${n.noCompletion} of the ${n.total} ${unit} have no completion in it (unresolved as ${as})`;
  if (v.perTask || v.someCpus) {
    const elsewhere = v.perTask
      ? `events of other tasks${v.someCpus ? ' and on the other CPUs' : ''} — the kworkers that complete deferred I/Os, interrupts while other tasks ran — are not in the trace`
      : 'events on the other CPUs — interrupts, kworkers and tasks that ran there — are not in the trace';
    const followed =
      n.noCompletion > 0
        ? `${missing}${n.followed > 0 ? `, and the ${n.followed} followed are those that completed where the recording looked: the shares of completion modes are theirs, not the workload's` : ''}`
        : `every ${n.unit === 'dio' ? 'direct I/O' : 'block request'} in it was followed to its completion, but CPU time spent where the recording did not look is not counted`;
    const rate = n.noCompletion > 0 && n.submissionIops > 0 ? ` From the ${n.submissions} submissions it holds, the rate is ${n.submissionIops.toFixed(0)} IOPS.` : '';
    limitations.push(`Recorded ${coverageClause(s)}: ${elsewhere}; ${followed}.${rate}`);
    const how = [v.perTask ? 'per task (without -a)' : '', v.someCpus ? `on ${cpusPhrase(s)} only (-C)` : ''].filter((x) => x).join(' and ');
    leads.push(
      n.noCompletion > 0
        ? `This perf.data was recorded ${how}: ${n.noCompletion} of the ${n.total} ${unit} have no completion in it, and what follows describes only what it recorded.`
        : `This perf.data was recorded ${how}: every I/O in it was followed, but what ran where it did not look is not in what follows.`,
    );
  }
  if (v.sampled) {
    limitations.push(
      `Sampled recording (${samplingPhrase(s)}): most events are not in the trace, so an I/O is paired only where its start and its end both happened to be sampled; the ${n.total} ${unit} here are a chance few (${n.noCompletion} with no completion in it), their shares and latencies are not the workload's, and IOPS and MB/s are not given (0).`,
    );
    leads.push(`This perf.data is sampled (${s.freqHz !== null ? `-F ${s.freqHz}` : `-c ${s.period}`}): the I/Os below are the few whose events happened to be sampled, and no rate is given.`);
  }
  return { limitations, lead: leads.join(' '), noRates: v.sampled };
}
