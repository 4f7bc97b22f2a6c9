/**
 * perf's ordering of records (tools/perf/util/ordered-events.c), so events come out in the order
 * `perf script` prints them. perf record drains the per-CPU buffers one after the other and writes
 * FINISHED_ROUND after each pass: within a pass samples of different CPUs interleave out of time
 * order, and a CPU's samples of one pass may even be older than another CPU's of the pass before.
 * So at each FINISHED_ROUND perf releases, sorted by time (ties in arrival order), the records
 * up to the newest time seen at the *previous* round, and keeps the rest. A record older than what
 * was already released is sorted into what is left (perf counts it as unordered).
 *
 * The records wait as bytes, with their times in typed arrays: no object for the garbage
 * collector, where a decoded event would cost several times the ~110 bytes of a sample and
 * outlive the young generation. A record lying whole in a chunk the reader will not reuse is
 * left there (the chunk is kept until all its records are released); one that straddled two
 * chunks is copied into a 4 MiB block; a sample the delivery's reorder window holds further keeps its
 * chunk until it is decoded (ReleaseRecord). Memory is that of about two rounds and that window; past `maxHeld` records (a file without rounds)
 * the older half is released, as perf flushes half its queue when full.
 */

export interface RecordQueue {
  /**
   * Holds the record [at, at + size) of `bytes` until its time comes; `owned`: the bytes will not
   * be overwritten (a chunk read for this reader), so they are kept instead of copied.
   */
  push(ts: number, bytes: Uint8Array, dv: DataView, at: number, size: number, owned: boolean): void;
  /** FINISHED_ROUND. */
  round(): void;
  /** End of input: everything, sorted. */
  flush(): void;
  /** Everything up to time `limit`, sorted: a perf.data directory's turns (directory.ts). */
  release(limit: number): void;
  readonly held: number;
  /** Whether a record of this chunk is still held (else the reader may reuse the chunk). */
  holds(bytes: Uint8Array): boolean;
  /** The bytes of block `block` (as given to the release of a record it keeps). */
  block(block: number): HeldBytes;
  /** A record kept at its release (ReleaseRecord returned true) is done with: its bytes may go. */
  unpin(block: number): void;
}

export interface HeldBytes {
  readonly bytes: Uint8Array;
  readonly dv: DataView;
}

/**
 * Called with each released record, in order: a view of its bytes valid during the call, and the
 * number of the block holding them. Returning true keeps the bytes valid after the call, until
 * `unpin(block)`: the delivery decodes a sample later, when its reorder window releases it.
 */
export type ReleaseRecord = (dv: DataView, bytes: Uint8Array, at: number, size: number, block: number) => boolean | void;

export const MAX_HELD = 1 << 20;
const BLOCK = 4 << 20;
/** Runs merged by scanning their heads; more are sorted by comparison. */
const MAX_RUNS = 16;

interface Block {
  bytes: Uint8Array;
  dv: DataView;
  used: number;
  /** Records in it not released yet. */
  live: number;
}

/**
 * `onFree` gets back each chunk that was kept for its records once the last one is released, so
 * the reader can read into it again: a fresh 4 MiB buffer per read would be external memory that
 * only a full garbage collection frees, and the resident size would follow the read rate.
 */
export function createRecordQueue(release: ReleaseRecord, maxHeld = MAX_HELD, onFree?: (bytes: Uint8Array) => void): RecordQueue {
  const blocks: (Block | undefined)[] = [];
  /** The block records are copied into, and the last chunk referenced. */
  let cur: Block | null = null;
  let ref: Block | null = null;
  let ts = new Float64Array(4096);
  let blk = new Int32Array(4096);
  let off = new Int32Array(4096);
  let len = new Int32Array(4096);
  let n = 0;
  let sorted = true;
  let maxTs = -Infinity;
  let nextFlush = -Infinity;

  /** Forgets a block whose records are all released; a kept chunk goes back to the reader. */
  const drop = (bi: number): void => {
    const b = blocks[bi];
    blocks[bi] = undefined;
    if (b !== undefined && b !== cur && b.used === 0) onFree?.(b.bytes);
  };

  const newBlock = (): Block => {
    // (`ref` and `cur` are the last two blocks pushed, so lastIndexOf finds them at once.)
    const bytes = new Uint8Array(BLOCK);
    const b: Block = { bytes, dv: new DataView(bytes.buffer), used: 0, live: 0 };
    blocks.push(b);
    return b;
  };

  /**
   * The order of the held records by (time, arrival). They arrive as per-CPU runs, each in time
   * order, so the runs are merged (a scan of the run heads: few runs, one per CPU and round);
   * many runs fall back to a comparison sort.
   */
  let idxBuf = new Uint32Array(4096);
  const order = (): Uint32Array => {
    if (idxBuf.length < n) idxBuf = new Uint32Array(ts.length);
    const idx = idxBuf;
    const starts: number[] = [0];
    for (let i = 1; i < n; i++) if ((ts[i] as number) < (ts[i - 1] as number)) starts.push(i);
    if (starts.length > MAX_RUNS) {
      for (let i = 0; i < n; i++) idx[i] = i;
      const t = ts;
      idx.subarray(0, n).sort((a, b) => (t[a] as number) - (t[b] as number) || a - b);
      return idx;
    }
    const k = starts.length;
    const pos = Int32Array.from(starts);
    const ends = Int32Array.from(starts.slice(1).concat(n));
    for (let o = 0; o < n; o++) {
      let best = -1;
      let bestTs = Infinity;
      for (let r = 0; r < k; r++) {
        const p = pos[r] as number;
        // Strictly less: among equal times the earlier run (earlier arrival) wins.
        if (p < (ends[r] as number) && (ts[p] as number) < bestTs) {
          bestTs = ts[p] as number;
          best = r;
        }
      }
      idx[o] = pos[best] as number;
      pos[best] = (pos[best] as number) + 1;
    }
    return idx;
  };

  // The sorted copy is written into spare arrays, then the two sets swap: typed arrays are
  // external memory, and new ones per round would pile up between full collections.
  let ts2 = new Float64Array(ts.length);
  let blk2 = new Int32Array(ts.length);
  let off2 = new Int32Array(ts.length);
  let len2 = new Int32Array(ts.length);
  const sortHeld = (): void => {
    if (sorted) return;
    const idx = order();
    if (ts2.length !== ts.length) {
      ts2 = new Float64Array(ts.length);
      blk2 = new Int32Array(ts.length);
      off2 = new Int32Array(ts.length);
      len2 = new Int32Array(ts.length);
    }
    for (let i = 0; i < n; i++) {
      const k = idx[i] as number;
      ts2[i] = ts[k] as number;
      blk2[i] = blk[k] as number;
      off2[i] = off[k] as number;
      len2[i] = len[k] as number;
    }
    [ts, ts2] = [ts2, ts];
    [blk, blk2] = [blk2, blk];
    [off, off2] = [off2, off];
    [len, len2] = [len2, len];
    sorted = true;
  };

  /** Releases the first `count` held records (sorted) and shifts the rest down. */
  const releaseFirst = (count: number): void => {
    for (let i = 0; i < count; i++) {
      const bi = blk[i] as number;
      const b = blocks[bi] as Block;
      const at = off[i] as number;
      if (release(b.dv, b.bytes, at, len[i] as number, bi) !== true && --b.live === 0 && b !== cur && b !== ref) drop(bi);
    }
    ts.copyWithin(0, count, n);
    blk.copyWithin(0, count, n);
    off.copyWithin(0, count, n);
    len.copyWithin(0, count, n);
    n -= count;
  };

  const releaseUpTo = (limit: number): void => {
    if (n === 0) return;
    sortHeld();
    let k = 0;
    while (k < n && (ts[k] as number) <= limit) k++;
    if (k > 0) releaseFirst(k);
  };

  return {
    push(t, bytes, dv, at, size, owned) {
      let b: Block;
      let where: number;
      if (owned) {
        if (ref === null || ref.bytes !== bytes) {
          if (ref !== null && ref.live === 0 && ref !== cur) drop(blocks.lastIndexOf(ref));
          ref = { bytes, dv, used: 0, live: 0 };
          blocks.push(ref);
        }
        b = ref;
        where = at;
      } else {
        if (cur === null || cur.used + size > BLOCK) {
          if (cur !== null && cur.live === 0 && cur !== ref) drop(blocks.lastIndexOf(cur));
          cur = newBlock();
        }
        b = cur;
        where = cur.used;
        cur.bytes.set(bytes.subarray(at, at + size), where);
        cur.used += size;
      }
      if (n === ts.length) {
        const grow = <T extends Float64Array | Int32Array>(a: T, make: (k: number) => T): T => {
          const b = make(a.length * 2);
          b.set(a);
          return b;
        };
        ts = grow(ts, (k) => new Float64Array(k));
        blk = grow(blk, (k) => new Int32Array(k));
        off = grow(off, (k) => new Int32Array(k));
        len = grow(len, (k) => new Int32Array(k));
      }
      if (n > 0 && t < (ts[n - 1] as number)) sorted = false;
      ts[n] = t;
      blk[n] = blocks.lastIndexOf(b);
      off[n] = where;
      len[n] = size;
      n++;
      b.live++;
      if (t > maxTs) maxTs = t;
      if (n > maxHeld) {
        sortHeld();
        releaseFirst(n >> 1);
      }
    },
    round() {
      releaseUpTo(nextFlush);
      nextFlush = maxTs;
    },
    flush() {
      releaseUpTo(Infinity);
    },
    release: releaseUpTo,
    get held() {
      return n;
    },
    holds: (bytes) => ref !== null && ref.bytes === bytes && ref.live > 0,
    block: (bi) => blocks[bi] as Block,
    unpin(bi) {
      const b = blocks[bi] as Block;
      if (--b.live === 0 && b !== cur && b !== ref) drop(bi);
    },
  };
}
