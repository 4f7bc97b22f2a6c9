import type { IrqEntryEvent, IrqExitEvent, SoftirqEvent } from '../../model/events.js';
import { begin, int, lit, tail } from '../scan.js';
import type { Payload } from './types.js';

/**
 * irq payloads (include/trace/events/irq.h):
 *   `irq=36 name=virtio1-req.0`   `irq=36 ret=handled`   `vec=4 [action=BLOCK]`
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
  return { kind: 'irq_handler_exit', irq, ret: tail() };
}

export function parseSoftirq(kind: SoftirqEvent['kind'], payload: string): Payload<SoftirqEvent> | null {
  begin(payload);
  if (!lit('vec=')) return null;
  const vec = int();
  if (Number.isNaN(vec) || !lit(' [action=')) return null;
  const t = tail();
  if (!t.endsWith(']')) return null;
  return { kind, vec, action: t.slice(0, -1) };
}
