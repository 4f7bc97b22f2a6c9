import type { IrqEntryEvent, IrqExitEvent, SoftirqEvent } from '../../model/events.js';
import { atEnd, begin, int, lit, skipSpaces, tail } from '../scan.js';
import { SOFTIRQ_NAMES } from './kernel-tables.js';
import type { Payload } from './types.js';

/**
 * irq payloads (include/trace/events/irq.h):
 *   `irq=36 name=virtio1-req.0`   `irq=36 ret=handled`   `vec=4 [action=BLOCK]`
 * trace-cmd report -R prints the raw values `irq=36 ret=1` and `vec=4`; they are mapped to the
 * printed words (`ret ? "handled" : "unhandled"`, the softirq name table).
 */

export function parseIrqEntry(payload: string): Payload<IrqEntryEvent> | null {
  begin(payload);
  if (!lit('irq=')) return null;
  const irq = int();
  if (Number.isNaN(irq) || !lit(' name=')) return null;
  return { kind: 'irq_handler_entry', irq, name: tail() };
}

export function parseIrqExit(payload: string): Payload<IrqExitEvent> | null {
  begin(payload);
  if (!lit('irq=')) return null;
  const irq = int();
  if (Number.isNaN(irq) || !lit(' ret=')) return null;
  const ret = tail();
  // -R: the handler's irqreturn_t value (IRQ_NONE 0, IRQ_HANDLED 1, IRQ_WAKE_THREAD 2).
  const c = ret.charCodeAt(0);
  if (c >= 48 && c <= 57) return { kind: 'irq_handler_exit', irq, ret: ret === '0' ? 'unhandled' : 'handled' };
  return { kind: 'irq_handler_exit', irq, ret };
}

export function parseSoftirq(kind: SoftirqEvent['kind'], payload: string): Payload<SoftirqEvent> | null {
  begin(payload);
  if (!lit('vec=')) return null;
  const vec = int();
  if (Number.isNaN(vec)) return null;
  if (!lit(' [action=')) {
    // -R: `vec=4` alone.
    skipSpaces();
    const action = SOFTIRQ_NAMES[vec];
    return action === undefined || !atEnd() ? null : { kind, vec, action };
  }
  const t = tail();
  if (!t.endsWith(']')) return null;
  return { kind, vec, action: t.slice(0, -1) };
}
