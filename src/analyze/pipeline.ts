import type { Source } from '../input/lines.js';
import type { EventContext } from '../kernel/cpu-context.js';
import { createDiagnostics } from '../model/diagnostics.js';
import type { TraceEvent } from '../model/events.js';
import { ANALYZED_EVENTS } from './analyzed-events.js';
import type { IoPath, IoUnit, Stage } from '../model/io.js';
import type { CompletionHop } from '../model/layers.js';
import type { TraceFormat } from '../parse/formats.js';
import { streamEvents, type StreamOptions, type StreamResult } from '../parse/stream.js';
import { canStreamInWorker, streamEventsParallel } from '../parse/stream-parallel.js';
import { recordedPartly } from '../parse/binary/perfdata/scope.js';
import { buildAnalysis } from './build.js';
import { cpuOf, createContext, type AnalyzerContext } from './context.js';
import { handleComplete, handleIssue } from './handlers/block.js';
import { handleCpuContextKnown } from './handlers/cpu-context.js';
import { handleBegin, handleDioComplete, handleQueued } from './handlers/iomap.js';
import { handleSwitch, handleWake, noteRunning } from './handlers/sched.js';
import { handleActivate, handleExecuteEnd, handleExecuteStart, handleQueueWork } from './handlers/workqueue.js';
import { endOfTrace, maybeSweep, taintInFlight, VANISH_QUANTILE, vanishAfterNs } from './io-end.js';
import { analyzeInTimeOrder, createEventSorter, type SortMode } from './sort-events.js';
import { createFold, type Fold } from './summary.js';
import { bioComplete, bioQueue, bioRemap, bioSplit } from './layers/bio.js';
import { endOfLayers } from './layers/layers-state.js';
import { isLowerIomap, layersExecuteEnd, layersQueued, layersExecuteStart, layersQueueWork, PENDING_MAX, routePath } from './layers/track.js';
import type { Analysis } from '../model/analysis.js';

/**
 * `analyze`: ONE streaming pass over the trace with the handlers in a fixed order — context stacks
 * first (every other handler reads the event's context), then scheduler accounting, then the
 * block / iomap / workqueue trackers — and the I/O tracker folding each finished I/O into the
 * summary. Memory follows what is in flight, not the trace's length.
 */

/** -EAGAIN as iomap_dio_complete prints it. */
const EAGAIN = 11;

export interface AnalyzeOptions {
  format?: TraceFormat;
  strict?: boolean;
  /** `auto` (default): DIOs when the trace has iomap events, block requests otherwise. */
  unit?: IoUnit | 'auto';
  label?: string;
  chunkBytes?: number;
  /** Called with every finished I/O (e.g. to stream CSV rows). */
  onPath?: (p: IoPath) => void;
  /** Called with every event before the analyzer reads it (e.g. the report's timeline slices). */
  onEvent?: (e: TraceEvent) => void;
  /**
   * Called when the analysis starts over: a small input found out of time order is read again in
   * order (sort-events.ts). What `onEvent` was given so far does not count; finished I/Os and hops
   * of the first pass were never handed out.
   */
  onRestart?: () => void;
  /**
   * Called with every finished I/O that is not the workload's: a lower layer's (its `layers.services` names the workload
   * I/O it serviced) or background (layers/track.ts).
   */
  onOtherPath?: (p: IoPath, layer: 'servicing' | 'background') => void;
  /** A completion hop's work item started: the hop (the object a workload I/O's `layers.hops` will hold), where it was queued and where it runs. */
  onHop?: (hop: CompletionHop, queued: Stage, start: Stage & { pid: number; comm: string }) => void;
  /** Bytes of the input read so far (after gunzip), now and then: for a progress display. */
  onProgress?: (bytes: number, gzip: boolean) => void;
}

export interface AnalyzeResult {
  analysis: Analysis;
  fold: Fold;
  stream: StreamResult;
}

export { ANALYZED_EVENTS };

/** Paths of a user task's own I/O on a backing device held for onPath/onOtherPath until the end (layers-state.ts endOfLayers). */
const HELD_OWN_MAX = 1 << 18;

export function analyzeTrace(source: Source, opts: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  return analyzeInTimeOrder(source, opts, analyzeOnce);
}

/** One pass; `order` says what to do with input out of time order (sort-events.ts). */
async function analyzeOnce(source: Source, opts: AnalyzeOptions, order: SortMode): Promise<{ result: AnalyzeResult; late: number }> {
  const label = opts.label ?? (typeof source === 'string' ? source : '<stream>');
  const diagnostics = createDiagnostics(label, opts.strict ?? false);
  const forced = opts.unit && opts.unit !== 'auto' ? opts.unit : undefined;
  let fold = createFold();
  const perIo = opts.onPath !== undefined || opts.onOtherPath !== undefined;
  const heldOwn: IoPath[] = [];
  const toFold = (p: IoPath): void => {
    const away = routePath(ctx, p);
    if (away === 'own-lower') {
      // Workload or background is known at the end (endOfLayers): held for the per-I/O
      // consumers (CSV, tables) while they are few, else given as background as they come.
      if (perIo && heldOwn.length < HELD_OWN_MAX) heldOwn.push(p);
      else opts.onOtherPath?.(p, 'background');
      return;
    }
    if (away) {
      if (away !== 'nowait-retry') opts.onOtherPath?.(p, away);
      return;
    }
    fold.add(p);
    opts.onPath?.(p);
  };
  // Before any layer link is proved, a finished I/O may still turn out to be a lower layer's (the
  // backing device's, e.g. one begun before the trace) once the stack is known: hold a bounded few
  // back, in order, so a single-disk trace folds exactly what it folded before.
  const flushPending = (): void => {
    const held = ctx.layers.pending.splice(0);
    for (const p of held) toFold(p);
  };
  const onFinished = (p: IoPath): void => {
    const pending = ctx.layers.pending;
    if (!ctx.layers.stacked && pending.length < PENDING_MAX) {
      pending.push(p);
      return;
    }
    if (pending.length > 0) flushPending();
    toFold(p);
  };
  let ctx = createContext(forced ?? 'request', diagnostics, onFinished);

  /**
   * Auto unit: start with block requests; at the first iomap event switch to DIOs and restart the
   * summary (requests before it were not the DIO workload: readahead, metadata). What each
   * handler's state keeps across the switch is said beside it (createContext).
   */
  const switchToDio = (): void => {
    fold = createFold();
    ctx = createContext('dio', diagnostics, onFinished, ctx);
  };

  const tap = opts.onEvent;
  /** An iomap event was a lower layer's while the unit stayed block requests (build.ts says why). */
  let lowerIomap = false;
  /** `#flags` is in ctx.seen (asked per event: a binary trace's every event has flags). */
  let flagsNoted = false;
  const onEvent = (e: TraceEvent, ts: number): void => {
    if (tap) tap(e);
    // The fields every event has are read once here and handed down, like `ts` (read once by the
    // sorter): `e` has a shape per event kind, so each such read goes through V8's megamorphic
    // lookup, and a timestamp read that way is boxed into a new heap number each time (60 MB per
    // 882k events when this function read it itself).
    const { kind } = e;
    const name = kind === 'other' ? e.name : kind;
    const cpu = e.cpu;
    if (!ctx.seen.has(name)) ctx.seen.add(name);
    if (kind === 'lost') {
      // A perf marker whose header does not parse names no CPU (-1): any CPU may have lost events,
      // as the timeline's slices assume too. The context tracker resets the same CPUs.
      const lostOn = cpu >= 0 ? [cpuOf(ctx, cpu)] : ctx.cpus.filter((c) => c !== undefined);
      handleCpuContextKnown(ctx, e, kind, name, cpu, ts);
      for (const c of lostOn) {
        c.curPid = undefined;
        c.lastMark = NaN;
      }
      taintInFlight(ctx);
      return;
    }
    if (kind === 'other') {
      // Not read by any handler, but it still tells the context tracker where it ran.
      handleCpuContextKnown(ctx, e, kind, name, cpu, ts);
      return;
    }
    if (!flagsNoted && e.flags !== undefined) {
      flagsNoted = true;
      ctx.seen.add('#flags');
    }
    const ectx: EventContext = handleCpuContextKnown(ctx, e, kind, name, cpu, ts);
    const c = cpuOf(ctx, cpu);
    // Any event in task context says who runs on the CPU: when no sched_switch said so yet, or
    // when the switch to it was not traced (this happens: on the 6.18 captures the switch out of
    // CPU 1's idle task never appears). sched_switch itself is handled below.
    if (ectx === 'task' && kind !== 'sched_switch' && c.curPid !== e.pid) noteRunning(ctx, c, e);
    c.lastSeen = ts;
    if (ts > ctx.lastTs) ctx.lastTs = ts;
    switch (kind) {
      case 'sched_switch':
        handleSwitch(ctx, e);
        break;
      case 'sched_waking':
      case 'sched_wakeup':
      case 'sched_wakeup_new':
        handleWake(ctx, e);
        break;
      case 'block_rq_issue':
      case 'block_rq_insert':
        handleIssue(ctx, e, ectx);
        break;
      case 'block_rq_complete':
      case 'block_rq_error':
        handleComplete(ctx, e, ectx);
        break;
      case 'workqueue_queue_work':
        layersQueueWork(ctx, e, ectx);
        handleQueueWork(ctx, e);
        break;
      case 'workqueue_activate_work':
        handleActivate(ctx, e);
        break;
      case 'workqueue_execute_start': {
        const hop = layersExecuteStart(ctx, e);
        if (hop && opts.onHop) opts.onHop(hop.hop, hop.queued, { ts: e.ts, cpu: e.cpu, line: e.line, pid: e.pid, comm: e.comm });
        handleExecuteStart(ctx, e);
        break;
      }
      case 'workqueue_execute_end':
        layersExecuteEnd(ctx, e);
        handleExecuteEnd(ctx, e);
        break;
      case 'iomap_dio_rw_begin':
      case 'iomap_dio_rw_queued':
      case 'iomap_dio_complete':
        if (ctx.unit === 'request') {
          if (forced === 'request') return;
          if (isLowerIomap(ctx, e)) {
            lowerIomap = true;
            if (e.kind === 'iomap_dio_rw_queued') layersQueued(ctx, e.pid);
            break; // the lower layer is counted by its requests
          }
          ctx.layers.pending.length = 0; // requests before the switch were not the DIO workload
          switchToDio();
        }
        if (e.kind === 'iomap_dio_rw_begin') handleBegin(ctx, e);
        else if (e.kind === 'iomap_dio_rw_queued') handleQueued(ctx, e);
        else {
          // `iomap_dio_complete: … flags NOWAIT|DIRECT|WRITE|ALLOC_CACHE aio 1 error -11 ret -11`:
          // a nowait attempt that would block; the caller retries it (io_uring in iou-wrk).
          ctx.layers.nowaitRetry = e.ret === -EAGAIN && e.iocbFlags.includes('NOWAIT');
          handleDioComplete(ctx, e, ectx);
          ctx.layers.nowaitRetry = false;
        }
        if (e.kind === 'iomap_dio_rw_queued') layersQueued(ctx, e.pid);
        break;
      case 'block_bio_queue':
        bioQueue(ctx, e, ectx);
        break;
      case 'block_bio_remap':
        bioRemap(ctx, e);
        break;
      case 'block_split':
        bioSplit(ctx, e);
        break;
      case 'block_bio_complete':
        bioComplete(ctx, e, ectx);
        break;
      default:
        break;
    }
    maybeSweep(ctx, ts);
  };

  const streamOpts: StreamOptions = {
    format: opts.format,
    strict: opts.strict,
    label,
    chunkBytes: opts.chunkBytes,
    diagnostics,
    payloads: ANALYZED_EVENTS,
    onProgress: opts.onProgress,
  };
  // A large file is parsed on a second thread while this one analyzes (same events, same order).
  const sorter = createEventSorter(onEvent, diagnostics, order);
  const stream = canStreamInWorker(source, streamOpts) ? await streamEventsParallel(source, sorter.push, streamOpts) : await streamEvents(source, sorter.push, streamOpts);
  sorter.finish();
  // An I/O in flight far longer than the slowest 1% took when the trace ended did not just miss
  // the end: its completion was lost (io-end.ts: the vanish rule).
  flushPending();
  endOfTrace(ctx, vanishAfterNs(fold.sketches().overall.total?.quantile(VANISH_QUANTILE)), recordedPartly(stream.recording));
  flushPending();
  const own = endOfLayers(ctx.layers, ctx, fold);
  const adopted = own !== fold;
  fold = own;
  for (const p of heldOwn) {
    if (adopted) opts.onPath?.(p);
    else opts.onOtherPath?.(p, 'background');
  }
  const analysis = buildAnalysis(ctx, fold, stream, label, { forced: forced !== undefined, lowerIomap });
  return { result: { analysis, fold, stream }, late: sorter.late };
}

export type { AnalyzerContext };
