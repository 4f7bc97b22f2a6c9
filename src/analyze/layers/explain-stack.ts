import type { Analysis } from '../../model/analysis.js';

/** One sentence for the explanation when the workload ran over a stack. */
export function stackSentence(a: Analysis): string {
  const layers = a.layers ?? [];
  if (layers.length < 2 || !layers.some((l) => l.above.length > 0)) return '';
  const top = layers[0];
  if (!top) return '';
  const below = layers.slice(1).filter((l) => l.servicing > 0);
  const parts = below.map((l) => `${l.name} (${l.device}, ${l.role}) did ${l.servicing} I/Os servicing it${l.background.ios > 0 ? ` and ${l.background.ios} of its own (background, ${(100 * l.backgroundShare).toFixed(1)}% of its I/Os)` : ''}`);
  const hops = a.hops?.common.length ? ` Most workload I/Os took ${a.hops.common.length} completion hop${a.hops.common.length === 1 ? '' : 's'} (${a.hops.common.join(' → ')}).` : '';
  return `The workload's I/Os are those user tasks submitted on ${top.name} (${top.device}), the top of a ${layers.length}-layer stack; lower layers are not counted as the workload: ${parts.join('; ') || 'no lower I/O was linked'}.${top.background.ios > 0 ? ` ${top.background.ios} I/Os on ${top.name} were the kernel's own (background).` : ''}${hops}`;
}
