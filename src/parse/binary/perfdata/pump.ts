import { dataView } from './bytes.js';

/**
 * Cuts a byte stream into perf records (perf_event_header: u32 type, u16 misc, u16 size), whatever
 * the chunking: a record that straddles two chunks is copied into a small carry buffer, every other
 * record is handed over in place (a view into the chunk, valid only during the call). Used for the
 * data section, for pipe-mode input and for the decompressed stream of `perf record -z`.
 *
 * A record may ask for the bytes that follow it (pipe mode's HEADER_TRACING_DATA: "that many bytes
 * follow the record, outside header.size"): `onRecord` returns their count and `onBlob` gets them;
 * a negative count skips that many bytes unread (AUXTRACE data).
 */

export interface RecordSink {
  /**
   * `at` is the record's first byte in `bytes`/`dv`; `offset` its position in the stream; `owned`
   * says the bytes stay as they are after the call (a pushed chunk, not the reused carry buffer).
   * Returns bytes to take after it (0 mostly).
   */
  onRecord(dv: DataView, bytes: Uint8Array, at: number, type: number, misc: number, size: number, offset: number, owned: boolean): number;
  onBlob(blob: Uint8Array, offset: number): void;
  /** A record header whose size cannot be (under 8 bytes): the stream cannot be followed further. */
  onBadSize(size: number, type: number, offset: number): void;
}

export interface RecordPump {
  push(chunk: Uint8Array): void;
  /** Bytes left over at the end (a record cut short), 0 when the stream ended on a record boundary. */
  leftover(): number;
  /** Stream position after the last whole record. */
  offset(): number;
  /** True once a bad size stopped it: later pushes are ignored. */
  stopped(): boolean;
  stop(): void;
}

const HEADER = 8;

/** `owned`: pushed chunks are never reused by the caller (so records may be kept in place). */
export function createRecordPump(little: boolean, sink: RecordSink, startOffset = 0, maxBlob = Infinity, owned = false): RecordPump {
  let offset = startOffset;
  let carry: Uint8Array | null = null;
  let carryLen = 0;
  let blob: Uint8Array | null = null;
  let blobLen = 0;
  let blobAt = 0;
  let halted = false;
  let skip = 0;

  /** Hands over whole records of `bytes` from `at`; returns where the unconsumed tail starts. */
  const run = (bytes: Uint8Array, dv: DataView, at: number, inPlace: boolean): number => {
    const end = bytes.length;
    while (!halted) {
      if (skip > 0) {
        const n = Math.min(skip, end - at);
        skip -= n;
        at += n;
        offset += n;
        if (skip > 0) return at;
        continue;
      }
      if (blob !== null) {
        const n = Math.min(blob.length - blobLen, end - at);
        blob.set(bytes.subarray(at, at + n), blobLen);
        blobLen += n;
        at += n;
        offset += n;
        if (blobLen < blob.length) return at;
        const b = blob;
        blob = null;
        sink.onBlob(b, blobAt);
        continue;
      }
      if (end - at < HEADER) return at;
      const size = dv.getUint16(at + 6, little);
      if (size < HEADER) {
        halted = true;
        sink.onBadSize(size, dv.getUint32(at, little), offset);
        return at;
      }
      if (end - at < size) return at;
      const follow = sink.onRecord(dv, bytes, at, dv.getUint32(at, little), dv.getUint16(at + 4, little), size, offset, inPlace);
      at += size;
      offset += size;
      if (follow < 0) skip = -follow;
      else if (follow > 0 && !halted) {
        if (follow > maxBlob) {
          halted = true;
          sink.onBadSize(follow, -1, offset);
          return at;
        }
        blob = new Uint8Array(follow);
        blobLen = 0;
        blobAt = offset;
      }
    }
    return at;
  };

  /** Size the carried record needs: its header first, then its whole size. */
  const carryNeed = (): number => (carryLen < HEADER ? HEADER : Math.max(HEADER, dataView(carry as Uint8Array).getUint16(6, little)));

  return {
    push(chunk) {
      if (halted || chunk.length === 0) return;
      // Records are handed over as views of `chunk` itself (never of a subarray of it), so a
      // consumer that keeps them can tell which chunk they live in.
      let start = 0;
      while (carryLen > 0 && start < chunk.length && !halted) {
        const need = carryNeed();
        carry = grow(carry as Uint8Array, carryLen, need);
        const take = Math.min(need - carryLen, chunk.length - start);
        carry.set(chunk.subarray(start, start + take), carryLen);
        carryLen += take;
        start += take;
        if (carryLen < carryNeed()) continue;
        const whole = carry.subarray(0, carryLen);
        carryLen = 0;
        run(whole, dataView(whole), 0, false);
      }
      if (halted || start >= chunk.length) return;
      const rest = run(chunk, dataView(chunk), start, owned);
      if (rest < chunk.length && !halted) {
        const n = chunk.length - rest;
        carry = grow(carry ?? new Uint8Array(64), 0, n);
        carry.set(chunk.subarray(rest), 0);
        carryLen = n;
      }
    },
    leftover: () => carryLen + (blob !== null ? blobLen : 0) + (skip > 0 ? 1 : 0),
    offset: () => offset,
    stopped: () => halted,
    stop() {
      halted = true;
    },
  };
}

/** A carry buffer of at least `size` bytes holding the first `len` bytes of `c`. */
function grow(c: Uint8Array, len: number, size: number): Uint8Array {
  if (c.length >= size) return c;
  const n = new Uint8Array(Math.max(size, 64));
  n.set(c.subarray(0, len));
  return n;
}
