/**
 * Collects emitted lines in a byte buffer instead of an array of strings: writing each short line
 * into the buffer flattens it while it is small and cache-hot, where joining thousands of
 * concatenated strings later is the slowest step of emission. Trace text is ASCII (task names
 * from the model), so latin1 is exact.
 */

export interface TextBuffer {
  push(line: string): void;
  lines(): number;
  bytes(): number;
  /**
   * The collected text (and empties the buffer). With `copy` false, a view of the buffer itself,
   * valid only until the next push: for a consumer that reads it at once.
   */
  take(copy?: boolean): Buffer;
}

export function createTextBuffer(capacity = 1 << 20): TextBuffer {
  let buf = Buffer.allocUnsafe(capacity);
  let off = 0;
  let n = 0;
  return {
    push(line) {
      // Worst case one byte per UTF-16 unit in latin1; grow when a line might not fit.
      if (off + line.length + 1 > buf.length) {
        const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, off + line.length + 1));
        buf.copy(bigger, 0, 0, off);
        buf = bigger;
      }
      off += buf.write(line, off, 'latin1');
      buf[off++] = 10;
      n++;
    },
    lines: () => n,
    bytes: () => off,
    take(copy = true) {
      const out = copy ? Buffer.from(buf.subarray(0, off)) : buf.subarray(0, off);
      off = 0;
      n = 0;
      return out;
    },
  };
}
