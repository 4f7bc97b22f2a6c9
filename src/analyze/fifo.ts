/**
 * FIFOs kept in a map: in-flight records are paired oldest first, because the keys they are found
 * by (a sector, a work pointer, an inode) are reused while an older record may still be waiting.
 */

export function pushFifo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const q = m.get(k);
  if (q) q.push(v);
  else m.set(k, [v]);
}

/** Removes and returns the first element of a FIFO matching `pred` (oldest first). */
export function takeFifo<K, V>(m: Map<K, V[]>, k: K, pred?: (v: V) => boolean): V | undefined {
  const q = m.get(k);
  if (!q) return undefined;
  const i = pred ? q.findIndex(pred) : 0;
  if (i < 0 || i >= q.length) return undefined;
  const [v] = q.splice(i, 1);
  if (q.length === 0) m.delete(k);
  return v;
}
