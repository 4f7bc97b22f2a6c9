/**
 * `perf record -z`: the kernel's records come as COMPRESSED (or COMPRESSED2) records whose
 * payloads, in order, form ONE zstd stream that perf flushes after each buffer read and never
 * ends; a record may start in one payload and end in the next. FINISHED_ROUND records are not
 * compressed: they sit between the payloads and close the round of everything decompressed so far.
 *
 * The shared zstd decoder is pull-based (it asks an iterable for the next compressed piece once
 * it has emptied the current one), while the file is read chunk by chunk. So pieces and rounds
 * wait in arrival order, and the decoder is only stepped while a piece is waiting, so it never
 * asks for one that has not arrived; when it asks, everything of the piece before has come out,
 * and the rounds that followed that piece are closed then, in their place.
 */

/** The shared streaming decoder: decompresses `pieces` as one stream; sets `end.unfinished` when it stops mid-frame (perf's normal end). */
export type ZstdStreamFn = (pieces: Iterable<Uint8Array>, end: { unfinished: boolean }) => Generator<Uint8Array>;

export interface CompressedStream {
  /** A COMPRESSED payload (kept until the decoder takes it: pass bytes that are not reused). */
  piece(bytes: Uint8Array): void;
  /** A FINISHED_ROUND after the pieces so far. */
  round(): void;
  /** End of input: decodes what is left. */
  end(): void;
}

const ROUND = null;
/**
 * An empty last block (header: last = 1, raw, size 0). The decoder stops reading a piece once its
 * input is consumed, even when the output it had room for left decoded bytes inside it; perf's
 * stream ends at a block boundary, so this block, fed last, makes it flush them (and ends the
 * frame). Seen on a real `perf record -z` file: its last sample came out 56 bytes short without it.
 */
const FLUSH = Uint8Array.of(1, 0, 0);

export function createCompressedStream(zstd: ZstdStreamFn, onOut: (bytes: Uint8Array) => void, onRound: () => void): CompressedStream {
  /** Pieces and rounds (null) in arrival order, not yet handed to the decoder. */
  const waiting: (Uint8Array | null)[] = [];
  let head = 0;
  let pieces = 0;
  let ended = false;
  let gen: Generator<Uint8Array> | null = null;
  const status = { unfinished: false };

  const source: Iterable<Uint8Array> = {
    [Symbol.iterator]: () => ({
      next(): IteratorResult<Uint8Array> {
        // The piece before is fully out: close the rounds that followed it.
        while (head < waiting.length && waiting[head] === ROUND) {
          head++;
          onRound();
        }
        if (head < waiting.length) {
          const p = waiting[head++] as Uint8Array;
          pieces--;
          if (head > 1024 && head * 2 > waiting.length) waiting.splice(0, head), (head = 0);
          return { value: p, done: false };
        }
        if (!ended) throw new Error('internal: zstd decoder stepped past the pieces read');
        return { value: undefined, done: true };
      },
    }),
  };

  const step = (): void => {
    gen ??= zstd(source, status);
    while (pieces > 0 || ended) {
      const r = gen.next();
      if (r.done) return;
      onOut(r.value);
    }
  };

  return {
    piece(bytes) {
      waiting.push(bytes);
      pieces++;
      step();
    },
    round() {
      if (gen === null) onRound();
      else waiting.push(ROUND);
    },
    end() {
      if (gen === null) {
        for (; head < waiting.length; head++) onRound();
        return;
      }
      waiting.push(FLUSH);
      pieces++;
      ended = true;
      step();
    },
  };
}
