import { createContextTracker, type ContextTracker } from '../kernel/cpu-context.js';
import { eventName } from '../model/events.js';
import type { DiagnosticsCollector } from '../model/diagnostics.js';
import type { IoPath, IoUnit } from '../model/io.js';
import { blockState, type BlockState } from './handlers/block-state.js';
import { cpuTimeState, type CpuTimeState } from './handlers/cpu-time-state.js';
import { iomapState, type IomapState } from './handlers/iomap-state.js';
import { schedState, type SchedState } from './handlers/sched-state.js';
import { workqueueState, type WorkqueueState } from './handlers/workqueue-state.js';
import { ioState, type IoState } from './io-state.js';
import { layersState, type LayersState } from './layers/layers-state.js';
import { forgetCompletions, newAnalyzerCpu, type AnalyzerCpu } from './records.js';

/**
 * The state of the one streaming pass: a slice per handler, each declared beside its handler
 * (handlers/*-state.ts, io-state.ts) with what it keeps when the unit switches. Handlers are plain
 * functions over it (`handleX(ctx, event)`), called in a fixed order by the pipeline; the joins
 * that need several handlers' data happen when an I/O finishes (io-tracker.ts), which is the
 * streaming form of a finalize step: it lets finished I/Os be folded away so memory follows
 * concurrency, not length.
 */
export interface AnalyzerContext {
  readonly unit: IoUnit;
  readonly diagnostics: DiagnosticsCollector;
  readonly onFinished: (p: IoPath) => void;
  /** Execution context of every CPU (kernel/cpu-context.ts), in the analyzer's per-CPU records. */
  readonly contexts: ContextTracker<AnalyzerCpu>;
  /** `contexts.cpus`: every CPU below the highest seen. */
  readonly cpus: AnalyzerCpu[];
  /** Event names seen, and `#flags` once an event had a flags column. */
  readonly seen: Set<string>;
  /** Latest timestamp seen. */
  lastTs: number;
  readonly block: BlockState;
  readonly iomap: IomapState;
  readonly work: WorkqueueState;
  readonly sched: SchedState;
  readonly time: CpuTimeState;
  readonly io: IoState;
  /** The storage stack's layers (layers/track.ts); a unit switch keeps the links, not the tallies. */
  readonly layers: LayersState;
}

/**
 * A new pass state, or (with `prev`) the state for a new unit after a switch: each slice decides
 * what it keeps; the CPUs keep their contexts, tasks and time (records.ts: forgetCompletions).
 */
export function createContext(unit: IoUnit, diagnostics: DiagnosticsCollector, onFinished: (p: IoPath) => void, prev?: AnalyzerContext): AnalyzerContext {
  const contexts =
    prev?.contexts ??
    createContextTracker(newAnalyzerCpu, (r) => {
      // A repair the flags column made is no news (the flags said so); one from brackets alone means
      // the tracer dropped the exit without saying so: a sign of event loss.
      if (!r.byFlags) diagnostics.add('context_repaired', r.event.line, `CPU ${r.cpu}: ${r.open.join('>')} never exited before a ${eventName(r.event)} of ${r.event.comm}-${r.event.pid}`);
    });
  if (prev) for (const c of contexts.cpus) if (c) forgetCompletions(c);
  return {
    unit,
    diagnostics,
    onFinished,
    contexts,
    cpus: contexts.cpus,
    seen: prev?.seen ?? new Set(),
    lastTs: prev?.lastTs ?? 0,
    block: blockState(prev?.block),
    iomap: iomapState(),
    work: workqueueState(prev?.work),
    sched: schedState(prev?.sched),
    time: cpuTimeState(),
    io: ioState(),
    layers: layersState(prev?.layers),
  };
}

/** The record of CPU `cpu`, made on first use (read straight from the array: this runs per event). */
export function cpuOf(ctx: AnalyzerContext, cpu: number): AnalyzerCpu {
  return ctx.cpus[cpu] ?? ctx.contexts.cpu(cpu);
}
