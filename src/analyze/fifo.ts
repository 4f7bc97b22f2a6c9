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
  const v = q[i];
  removeAt(q, i);
  if (q.length === 0) m.delete(k);
  return v;
}

/**
 * Removes element `i` (in range) without `splice`, which makes an array of what it removed on
 * every call: these queues are taken from once per I/O event. The oldest goes by `shift`.
 */
export function removeAt<V>(q: V[], i: number): void {
  if (i === 0) {
    q.shift();
    return;
  }
  for (let j = i + 1; j < q.length; j++) q[j - 1] = q[j] as V;
  q.length--;
}
