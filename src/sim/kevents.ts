import type { Dev, ExecContext, TraceEvent } from '../model/events.js';
import type { Engine } from './engine.js';
import type { Cpu, Frame, Task } from './types.js';

/**
 * Builds the kernel's trace events, as a 6.18 kernel's tracefs would record them (kernel text
 * forms, raw pointers, exact ns): the emitters later reshape them per output format. The header
 * comes from the CPU's state at that instant: the interrupted task, the context of the top frame
 * and the latency flags (`d`, `N`, `h`/`H`/`s`, preempt depth) a real kernel shows for that event.
 * Events are object literals stamped with their header in place (no spreads, flags strings from a
 * table): this is the simulator's hot path. With a direct sink (ftrace text and no one wanting the
 * event objects) nothing is stamped: the header state and the payload go straight to the writer.
 */

export type EventSink = (e: TraceEvent) => void;

/**
 * Receives an event's header state and its payload without stamping them into a TraceEvent: for
 * writers that format straight into their output (the payload is not kept after the call).
 */
export type DirectSink = (cpu: number, pid: number, comm: string, flags: string, ts: number, e: Payload) => void;

/** An event without its header fields, as the model builds it. */
export type Payload = { kind: TraceEvent['kind'] } & Record<string, unknown>;

export interface KernelEvents {
  /** Stamps `e` with the header of an event emitted now by the top frame of `cpu`, and emits it. */
  put(cpu: Cpu, irqsOff: boolean, depth: number, e: Payload): void;
  count(): number;
  switchEvent(cpu: Cpu, prev: Task, next: Task, prevState: string): void;
  wakeEvent(cpu: Cpu, kind: 'sched_waking' | 'sched_wakeup', t: Task, depth: number): void;
  dev: Dev;
}

const HEX = '0123456789abcdef';
const C3 = ['.', 'h', 'H', 's'];
/** flags text by irqsOff(1) · need-resched(1) · context(2) · depth(4). */
const FLAGS: string[] = [];
for (let i = 0; i < 256; i++) {
  const d = i & 15;
  FLAGS.push(((i >> 7) & 1 ? 'd' : '.') + ((i >> 6) & 1 ? 'N' : '.') + C3[(i >> 4) & 3] + (d === 0 ? '.' : HEX[d]) + '.');
}
const CTX: ExecContext[] = ['task', 'hardirq', 'hardirq', 'softirq'];

/** With `direct`, events go there unstamped and `sink` is not called. */
export function createKernelEvents(engine: Engine, startNs: number, dev: Dev, sink: EventSink, direct?: DirectSink): KernelEvents {
  let n = 0;
  function put(cpu: Cpu, irqsOff: boolean, depth: number, e: Payload): void {
    const f = cpu.stack[cpu.stack.length - 1] as Frame;
    const t = cpu.curr;
    let c = 0;
    if (f.ctx === 'hardirq') {
      c = f.nested ? 2 : 1;
      irqsOff = true;
    } else if (f.ctx === 'softirq') c = 3;
    // The idle task runs with preemption disabled: its interrupts show one more level.
    const d = c !== 0 && t.isIdle ? depth + 1 : depth;
    const flags = FLAGS[(irqsOff ? 128 : 0) | (cpu.needResched ? 64 : 0) | (c << 4) | (d & 15)] as string;
    n++;
    if (direct !== undefined) {
      direct(cpu.id, t.pid, t.headerComm, flags, engine.now() + startNs, e);
      return;
    }
    const o = e as Record<string, unknown>;
    o.line = 0;
    o.ts = engine.now() + startNs;
    o.cpu = cpu.id;
    o.pid = t.pid;
    o.comm = t.headerComm;
    o.flags = flags;
    o.ctx = CTX[c];
    sink(e as unknown as TraceEvent);
  }
  return {
    put,
    count: () => n,
    dev,
    switchEvent(cpu, prev, next, prevState) {
      put(cpu, true, 2, {
        kind: 'sched_switch',
        prevComm: prev.comm,
        prevPid: prev.pid,
        prevPrio: prev.prio,
        prevState,
        nextComm: next.comm,
        nextPid: next.pid,
        nextPrio: next.prio,
        form: 'kernel',
      });
    },
    wakeEvent(cpu, kind, t, depth) {
      put(cpu, true, depth, { kind, targetComm: t.comm, targetPid: t.pid, prio: t.prio, targetCpu: t.cpu, form: 'kernel' });
    },
  };
}
