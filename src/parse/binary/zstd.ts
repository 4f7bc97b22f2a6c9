import { ZSTDDecoder } from 'zstddec/stream';

/**
 * zstd for the binary readers. Node 20 has none built in (it arrives in Node 22.15), so this wraps
 * `zstddec` (zstd's own single-file decoder compiled to WebAssembly, MIT/BSD, no native binary to
 * download at install): one-shot `ZSTD_decompress` for trace.dat's chunks, whose uncompressed size
 * the file gives, and `ZSTD_decompressStream` for `perf record -z`, whose records form one stream
 * that perf never ends. Chosen by measurement on real trace.dat chunks (README, "zstd").
 *
 * The WebAssembly module is instantiated asynchronously: call `initZstd()` (once, any number of
 * times) before decompressing.
 */

const decoder = new ZSTDDecoder();
let ready = false;

export async function initZstd(): Promise<void> {
  if (ready) return;
  await startDecoder();
  ready = true;
}

/**
 * zstddec loads its WebAssembly through `fetch` of a data: URL when `fetch` exists, and in Node
 * the first touch of `fetch` loads its whole HTTP client (undici): 35-45 ms of CPU, against 5-6 ms
 * when zstddec takes its other way, Buffer's base64 (`init()` with and without `fetch`, 3 runs
 * each), on the path to the first event of every compressed trace.dat. So `fetch` is hidden from
 * it for the synchronous call that chooses (read through its descriptor, which does not load it),
 * and put back at once.
 */
function startDecoder(): Promise<void> {
  const fetchProp = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  if (!fetchProp?.configurable) return decoder.init();
  Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true });
  try {
    return decoder.init();
  } finally {
    Object.defineProperty(globalThis, 'fetch', fetchProp);
  }
}

/** Decompresses one frame (or several concatenated) into exactly `size` bytes. */
export function zstdDecompress(data: Uint8Array, size: number): Uint8Array {
  if (!ready) throw new Error('zstd is not initialized (await initZstd() first)');
  if (size === 0) return new Uint8Array(0);
  const out = decoder.decode(data, size);
  // zstddec returns ZSTD_decompress's error codes as sizes (a slice to the end of its heap).
  if (out.length !== size) throw new Error(`zstd data damaged: ${out.length} bytes instead of ${size}`);
  return out;
}

export interface ZstdStreamEnd {
  /** True when the input ended inside a frame (perf's stream is never closed: expected there). */
  unfinished: boolean;
}

/**
 * Decompresses a stream fed as an iterable of compressed pieces (pulled lazily: a reader can yield
 * each COMPRESSED record's payload as it meets it), yielding the decompressed bytes as they come;
 * output may split anywhere, records straddle pieces. `end.unfinished` is set when the stream
 * stops mid-frame, which is how perf leaves it.
 */
export function* zstdStream(pieces: Iterable<Uint8Array>, end: ZstdStreamEnd = { unfinished: false }): Generator<Uint8Array> {
  if (!ready) throw new Error('zstd is not initialized (await initZstd() first)');
  end.unfinished = false;
  // zstddec's loop does not look at ZSTD_decompressStream's error codes: on damaged data it would
  // go on producing nothing from a piece it never consumes. Within one piece every call consumes
  // input or makes output, so many empty calls on one piece are damage.
  let empty = 0;
  // Each call consumes input or produces output: empty outputs are counted per piece pulled.
  const counted = (function* () {
    for (const p of pieces) {
      empty = 0;
      yield p;
    }
  })();
  try {
    for (const out of decoder.decodeStreaming(counted)) {
      if (out.length > 0) {
        empty = 0;
        yield out;
      } else if (++empty > MAX_EMPTY_CALLS) throw new Error('zstd stream damaged: the decoder makes no progress');
    }
  } catch (err) {
    if (!/Incomplete stream/.test((err as Error).message)) throw err;
    end.unfinished = true;
  }
}

const MAX_EMPTY_CALLS = 64;
