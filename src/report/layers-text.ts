import type { Analysis } from '../model/analysis.js';

/** The storage stack in the text summary: only when the trace proved more than one layer. */

export function formatLayersText(a: Analysis): string[] {
  const layers = a.layers ?? [];
  if (layers.length < 2 || !layers.some((l) => l.above.length > 0)) return [];
  const out = ['', 'Storage stack (top first)'];
  for (const l of layers) {
    const m = l.byMode;
    const lat = l.latencyUs ? `, total p50 ${l.latencyUs.p50.toFixed(1)} µs` : '';
    const bg = l.background.ios > 0 ? `; background ${l.background.ios} (${(100 * l.backgroundShare).toFixed(1)}% of its I/Os: ${l.background.submitters.slice(0, 3).map((s) => `${s.comm} ${s.ios}`).join(', ')})` : '';
    out.push(`  ${l.name} (${l.device}) ${l.role}, ${l.unit}: ${l.ios} I/Os${l.role === 'top' ? ' (the workload)' : ' servicing the layer above'} — irq ${m['irq-inline']}, kworker ${m['kworker-deferred']}, task ${m['task-inline']}, unresolved ${m.unresolved}${lat}${bg}`);
    if (l.linkedBy) out.push(`      linked by ${l.linkedBy}`);
  }
  if (a.hops && Object.keys(a.hops.histogram).length > 0) {
    out.push(`  Completion hops per workload I/O: ${Object.entries(a.hops.histogram).map(([n, c]) => `${n} hop${n === '1' ? '' : 's'}: ${c}`).join(', ')}`);
    if (a.hops.common.length > 0) out.push(`  Most common chain: ${a.hops.common.join(' → ')}`);
  }
  return out;
}
