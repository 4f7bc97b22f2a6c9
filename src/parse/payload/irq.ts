import { SOFTIRQ_NAMES } from '../../kernel/softirq.js';
import type { IrqEntryEvent, IrqExitEvent, SoftirqEvent } from '../../model/events.js';
import { internName } from '../names.js';
import { at, trimmedEnd, uint } from '../scan.js';
import type { EventHead } from './types.js';

/**
 * irq payloads (include/trace/events/irq.h):
 *   `irq=36 name=virtio1-req.0`   `irq=36 ret=handled`   `vec=4 [action=BLOCK]`
 * trace-cmd report -R prints the raw values `irq=36 ret=1` and `vec=4`; they are mapped to the
 * printed words (`ret ? "handled" : "unhandled"`, the softirq name table).
 */

export function parseIrqEntry(s: string, p: number, h: EventHead): IrqEntryEvent | null {
  if (!s.startsWith('irq=', p)) return null;
  const irq = uint(s, p + 4);
  const q = at.p;
  if (irq !== irq || !s.startsWith(' name=', q)) return null;
  return { kind: 'irq_handler_entry', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, irq, name: internName(s, q + 6, trimmedEnd(s, q + 6)) };
}

export function parseIrqExit(s: string, p: number, h: EventHead): IrqExitEvent | null {
  if (!s.startsWith('irq=', p)) return null;
  const irq = uint(s, p + 4);
  const q = at.p;
  if (irq !== irq || !s.startsWith(' ret=', q)) return null;
  const r = q + 5;
  const c = s.charCodeAt(r);
  let ret: string;
  if (c >= 48 && c <= 57) {
    // -R: the handler's irqreturn_t value (IRQ_NONE 0, IRQ_HANDLED 1, IRQ_WAKE_THREAD 2).
    const v = uint(s, r);
    ret = v === 0 ? 'unhandled' : 'handled';
  } else ret = internName(s, r, trimmedEnd(s, r));
  return { kind: 'irq_handler_exit', line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, irq, ret };
}

export function parseSoftirq(kind: SoftirqEvent['kind'], s: string, p: number, h: EventHead): SoftirqEvent | null {
  if (!s.startsWith('vec=', p)) return null;
  const vec = uint(s, p + 4);
  const q = at.p;
  if (vec !== vec) return null;
  const end = trimmedEnd(s, q);
  let action: string | undefined;
  if (s.startsWith(' [action=', q)) {
    if (s.charCodeAt(end - 1) !== 93 /* ] */ || end - 1 < q + 9) return null;
    action = internName(s, q + 9, end - 1);
  } else if (end === q) {
    // -R: `vec=4` alone.
    action = SOFTIRQ_NAMES[vec];
  }
  if (action === undefined) return null;
  return { kind, line: h.line, ts: h.ts, cpu: h.cpu, pid: h.pid, comm: h.comm, vec, action };
}
