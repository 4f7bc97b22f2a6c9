import type { Nanos } from './time.js';

/**
 * The one normalized event type. Every parser produces it, every handler consumes it, and the
 * simulator's emitters turn it back into text (parse(emit(e)) deep-equals e).
 */

/** Execution context of the event, from the flags column where the format prints it. */
export type ExecContext = 'task' | 'softirq' | 'hardirq' | 'nmi';

export interface EventHeader {
  /** Input line number (1-based) the event came from; 0 for events made in memory. */
  line: number;
  ts: Nanos;
  cpu: number;
  /** Thread id as printed (ftrace/trace-cmd `comm-PID`, perf `comm TID`). */
  pid: number;
  /** Task name as printed: may hold spaces, `-`, `:`, `<idle>`, `<...>`; perf truncates to 15. */
  comm: string;
  /** Thread group id when the trace prints it (`(  77)` column of the record-tgid option). */
  tgid?: number;
  /** Raw latency-flags text (`d.h1.`, `dNs1.`, `....`) when the format prints it. */
  flags?: string;
  /** Context from the flags column; undefined when the format does not say (inferred later). */
  ctx?: ExecContext;
}

export interface Dev {
  major: number;
  minor: number;
}

/** The unit of `sector` and `nrSector` in the block events, whatever the device's block size (SECTOR_SIZE). */
export const SECTOR_BYTES = 512;

/** What every block_rq event prints of its request: device, `rwbs`, `(cmd)`, `sector + nr`, ioprio. */
interface BlockRqFields extends EventHeader {
  dev: Dev;
  rwbs: string;
  cmd: string;
  sector: number;
  nrSector: number;
  /** `be,0,4` (kernel, ≥6.11) or `0x2,0,4` (libtraceevent); absent on older kernels. */
  ioprio?: string;
}

/** `block_rq_issue` / `block_rq_insert`: `254,0 WS 4096 () 46699392 + 8 be,0,4 [fio]` */
export interface BlockRqEvent extends BlockRqFields {
  kind: 'block_rq_issue' | 'block_rq_insert';
  bytes: number;
  /** Task that issued (the `[fio]` field). */
  issuer: string;
}

/** `block_rq_complete` / `block_rq_error`: `254,0 WS () 46699392 + 8 be,0,4 [0]` */
export interface BlockRqCompleteEvent extends BlockRqFields {
  kind: 'block_rq_complete' | 'block_rq_error';
  /** errno, 0 on success. */
  error: number;
}

/**
 * `workqueue_queue_work: work struct=000000006c12a01f function=iomap_dio_complete_work workqueue=dio/vda req_cpu=256 cpu=1`
 * 4.x/5.10 print the workqueue as a pointer; ≥5.12 print its name.
 */
export interface WqQueueEvent extends EventHeader {
  kind: 'workqueue_queue_work';
  work: string;
  function: string;
  workqueue: string;
  reqCpu: number;
  targetCpu: number;
}

/** `workqueue_activate_work: work struct 000000006c12a01f function=iomap_dio_complete_work ` (function since 6.10) */
export interface WqActivateEvent extends EventHeader {
  kind: 'workqueue_activate_work';
  work: string;
  function?: string;
}

/** `workqueue_execute_start: work struct 000000006c12a01f: function iomap_dio_complete_work` */
export interface WqExecuteStartEvent extends EventHeader {
  kind: 'workqueue_execute_start';
  work: string;
  function: string;
}

/** `workqueue_execute_end: work struct 000000006c12a01f: function iomap_dio_complete_work` (function since 5.x) */
export interface WqExecuteEndEvent extends EventHeader {
  kind: 'workqueue_execute_end';
  work: string;
  function?: string;
}

/**
 * `sched_switch`, in the kernel form
 * `prev_comm=fio prev_pid=7888 prev_prio=120 prev_state=R ==> next_comm=kworker/1:32 next_pid=4150 next_prio=120`
 * or libtraceevent's plugin form `fio:7909 [120] R ==> kworker/1:32:4150 [120]`.
 */
export interface SchedSwitchEvent extends EventHeader {
  kind: 'sched_switch';
  prevComm: string;
  prevPid: number;
  prevPrio: number;
  /** `R`, `R+` (preempted), `S`, `D`, `I`, `W`, … as printed. */
  prevState: string;
  nextComm: string;
  nextPid: number;
  nextPrio: number;
  /** Which text form it came in, so an emitter can write it back the same way. */
  form: 'kernel' | 'plugin';
}

/**
 * `sched_waking` / `sched_wakeup` / `sched_wakeup_new`:
 * kernel `comm=kworker/1:32 pid=4150 prio=120 target_cpu=001` (older kernels add `success=1`),
 * plugin `kworker/1:32:4150 [120] CPU:001` (or `… success=1 CPU:001`).
 */
export interface SchedWakeEvent extends EventHeader {
  kind: 'sched_waking' | 'sched_wakeup' | 'sched_wakeup_new';
  targetComm: string;
  targetPid: number;
  prio: number;
  targetCpu: number;
  success?: number;
  form: 'kernel' | 'plugin';
}

/** `sched_migrate_task: comm=fio pid=7888 prio=120 orig_cpu=1 dest_cpu=0` */
export interface SchedMigrateEvent extends EventHeader {
  kind: 'sched_migrate_task';
  targetComm: string;
  targetPid: number;
  prio: number;
  origCpu: number;
  destCpu: number;
}

/** `irq_handler_entry: irq=36 name=virtio1-req.0` */
export interface IrqEntryEvent extends EventHeader {
  kind: 'irq_handler_entry';
  irq: number;
  name: string;
}

/** `irq_handler_exit: irq=36 ret=handled` */
export interface IrqExitEvent extends EventHeader {
  kind: 'irq_handler_exit';
  irq: number;
  ret: string;
}

/** `softirq_entry: vec=4 [action=BLOCK]` (and `_exit`, `_raise`) */
export interface SoftirqEvent extends EventHeader {
  kind: 'softirq_entry' | 'softirq_exit' | 'softirq_raise';
  vec: number;
  action: string;
}

/** What every iomap_dio event starts with: the file (`dev`, `ino`, i_size) and the file position. */
export interface IomapFileFields extends EventHeader {
  dev: Dev;
  ino: string;
  size: number;
  offset: number;
}

/**
 * `iomap_dio_rw_begin: dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf70000 length 0x1000 done_before 0x0 flags DIRECT|WRITE|AIO_RW dio_flags  aio 1`
 */
export interface IomapBeginEvent extends IomapFileFields {
  kind: 'iomap_dio_rw_begin';
  length: number;
  doneBefore: number;
  iocbFlags: string;
  dioFlags: string;
  aio: number;
}

/** `iomap_dio_rw_queued: dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf71000 length 0x0` */
export interface IomapQueuedEvent extends IomapFileFields {
  kind: 'iomap_dio_rw_queued';
  length: number;
}

/**
 * `iomap_dio_complete: dev 254:0 ino 0x20c089 size 0x10000000 offset 0xf71000 flags DIRECT|WRITE|AIO_RW aio 1 error 0 ret 4096`
 * `offset` is ki_pos after the I/O advanced it: the submit's offset + ret.
 */
export interface IomapCompleteEvent extends IomapFileFields {
  kind: 'iomap_dio_complete';
  iocbFlags: string;
  aio: number;
  error: number;
  ret: number;
}

/**
 * The bio events of include/trace/events/block.h, the unit of bio-based devices (dm, md, zram,
 * brd, partitions), which have no requests of their own:
 * `block_bio_queue: 253,0 WS 1160336 + 8 [fio]` (and `block_bio_backmerge`, `_frontmerge`,
 * `_bounce` before 5.13, `block_getrq`: the same fields).
 */
export interface BlockBioEvent extends EventHeader {
  kind: 'block_bio_queue' | 'block_bio_backmerge' | 'block_bio_frontmerge' | 'block_bio_bounce' | 'block_getrq';
  dev: Dev;
  rwbs: string;
  sector: number;
  nrSector: number;
  /** The task's comm (the `[fio]` field). */
  issuer: string;
}

/** `block_bio_complete: 253,0 WS 1160336 + 8 [0]`: a bio ended on a bio-based device. */
export interface BlockBioCompleteEvent extends EventHeader {
  kind: 'block_bio_complete';
  dev: Dev;
  rwbs: string;
  sector: number;
  nrSector: number;
  /** errno, 0 on success. */
  error: number;
}

/**
 * `block_bio_remap: 254,0 WS 1193104 + 8 <- (253,0) 1160336`: a bio of the device in parentheses
 * (dm-0, or a partition) goes on to `dev` at `sector`.
 */
export interface BlockBioRemapEvent extends EventHeader {
  kind: 'block_bio_remap';
  dev: Dev;
  rwbs: string;
  sector: number;
  nrSector: number;
  fromDev: Dev;
  fromSector: number;
}

/** `block_split: 254,0 W 1000 / 1256 [fio]`: a bio split at `newSector` (its remainder starts there). */
export interface BlockSplitEvent extends EventHeader {
  kind: 'block_split';
  dev: Dev;
  rwbs: string;
  sector: number;
  newSector: number;
  issuer: string;
}

/** Any event iopath does not model (or whose payload did not parse): kept by name with its text. */
export interface OtherEvent extends EventHeader {
  kind: 'other';
  name: string;
  /** Tracepoint system when the format prints it (perf's `system:event`). */
  system?: string;
  args: string;
}

/**
 * A data-loss marker: `CPU:1 [LOST 12 EVENTS]` (tracefs), `CPU:1 [12 EVENTS DROPPED]` (trace-cmd),
 * `PERF_RECORD_LOST` (perf). `count` is -1 when the marker does not say. It has no task, so the
 * header's pid is -1 and comm empty; `ts` is that of the previous event seen (markers carry none).
 */
export interface LostEvent extends EventHeader {
  kind: 'lost';
  count: number;
  /** The literal form, so emitters can reproduce it. */
  form: 'ftrace' | 'trace-cmd' | 'perf' | 'buffer-started';
}

export type TraceEvent =
  | BlockRqEvent
  | BlockRqCompleteEvent
  | WqQueueEvent
  | WqActivateEvent
  | WqExecuteStartEvent
  | WqExecuteEndEvent
  | SchedSwitchEvent
  | SchedWakeEvent
  | SchedMigrateEvent
  | IrqEntryEvent
  | IrqExitEvent
  | SoftirqEvent
  | IomapBeginEvent
  | IomapQueuedEvent
  | IomapCompleteEvent
  | BlockBioEvent
  | BlockBioCompleteEvent
  | BlockBioRemapEvent
  | BlockSplitEvent
  | OtherEvent
  | LostEvent;

export type EventKind = TraceEvent['kind'];

/** Event names with a modelled payload (the tracepoint name without its system). */
export const MODELLED_EVENTS = [
  'block_rq_issue',
  'block_rq_insert',
  'block_rq_complete',
  'block_rq_error',
  'workqueue_queue_work',
  'workqueue_activate_work',
  'workqueue_execute_start',
  'workqueue_execute_end',
  'sched_switch',
  'sched_waking',
  'sched_wakeup',
  'sched_wakeup_new',
  'sched_migrate_task',
  'irq_handler_entry',
  'irq_handler_exit',
  'softirq_entry',
  'softirq_exit',
  'softirq_raise',
  'iomap_dio_rw_begin',
  'iomap_dio_rw_queued',
  'iomap_dio_complete',
  'block_bio_queue',
  'block_bio_backmerge',
  'block_bio_frontmerge',
  'block_bio_bounce',
  'block_getrq',
  'block_bio_complete',
  'block_bio_remap',
  'block_split',
] as const;

/** The name an event is counted under: its tracepoint name, `other` events by their own name. */
export function eventName(e: TraceEvent): string {
  return e.kind === 'other' ? e.name : e.kind;
}

/** Tracepoint system of each modelled event, used by perf's `system:event` names. */
export function eventSystem(name: string): string {
  if (name.startsWith('block_')) return 'block';
  if (name.startsWith('workqueue_')) return 'workqueue';
  if (name.startsWith('sched_')) return 'sched';
  if (name.startsWith('irq_') || name.startsWith('softirq_')) return 'irq';
  if (name.startsWith('iomap_')) return 'iomap';
  return '';
}
