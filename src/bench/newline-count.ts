import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { open } from 'node:fs/promises';
import { isGzip } from '../input/lines.js';
import type { TaskResult } from './registry.js';

const CHUNK = 1 << 20;

/**
 * The floor any line-oriented reader stands on: read 1 MiB chunks and count newlines with
 * Buffer.indexOf, doing nothing else. Over gzip input it must gunzip too, as the parser does,
 * or the comparison would be unfair to the parser.
 */
export async function countNewlines(path: string): Promise<TaskResult> {
  const fh = await open(path, 'r');
  const head = Buffer.alloc(2);
  await fh.read(head, 0, 2, 0);
  if (isGzip(head)) {
    await fh.close();
    let bytes = 0;
    let lines = 0;
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK }).pipe(createGunzip({ chunkSize: CHUNK }))) {
      const b = chunk as Buffer;
      bytes += b.length;
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
    }
    return { bytes, lines };
  }
  const buf = Buffer.allocUnsafe(CHUNK);
  let bytes = 0;
  let lines = 0;
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      const b = bytesRead === CHUNK ? buf : buf.subarray(0, bytesRead);
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
    }
  } finally {
    await fh.close();
  }
  return { bytes, lines };
}
