import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import type { IoPath } from '../../src/model/io.js';
import { FIXTURES } from '../helpers/paths.js';

/**
 * io_uring on xfs: a NOWAIT attempt that would block can fail before iomap allocates its dio, so
 * its rw_begin is all the trace shows of it; the io_uring worker then retries the same range.
 * The attempt is not an I/O. The retries are found here from the text alone: an `iou-wrk-*`
 * rw_begin without NOWAIT at the inode and offset of an earlier NOWAIT rw_begin that neither
 * queued nor completed in between.
 */

const path = join(FIXTURES, 'stacks', 'xfs-iouring-nowait-abandoned.txt');
const BEGIN = /^\s*(\S+)-(\d+)\s+\[\d+\]\s+\S+: iomap_dio_rw_begin:\s+dev \S+ ino (\S+) .* offset (\S+) length (\S+) .* flags (\S+)/;
const ENDED = /^\s*\S+-(\d+)\s+\[\d+\]\s+\S+: iomap_dio_(rw_queued|complete):\s+dev \S+ ino (\S+) .* offset (\S+)/;

function abandonedAttempts(text: string): { offset: number; pid: number }[] {
  const open = new Map<string, { pid: number; offset: number; length: number }>();
  const out: { offset: number; pid: number }[] = [];
  for (const l of text.split('\n')) {
    const b = BEGIN.exec(l);
    if (b) {
      const [, comm, pid, ino, off, len, flags] = b;
      const key = `${ino}:${Number(off)}`;
      if (flags!.split('|').includes('NOWAIT')) open.set(key, { pid: Number(pid), offset: Number(off), length: Number(len) });
      else if (comm!.startsWith('iou-wrk-') && open.has(key)) {
        out.push({ offset: Number(off), pid: open.get(key)!.pid });
        open.delete(key);
      }
      continue;
    }
    const e = ENDED.exec(l);
    if (!e) continue;
    // rw_queued prints the advanced position, as a successful complete does: end = begin + length.
    for (const [key, o] of open) if (key.startsWith(`${e[3]}:`) && (o.offset + o.length === Number(e[4]) || o.offset === Number(e[4]))) open.delete(key);
  }
  return out;
}

describe('NOWAIT attempts abandoned without a trace (fixtures/stacks/xfs-iouring-nowait-abandoned.txt)', () => {
  it('are not counted as I/Os, and are counted as retries', async () => {
    const text = readFileSync(path, 'utf8');
    const abandoned = abandonedAttempts(text);
    expect(abandoned.length).toBeGreaterThan(0);
    const paths: IoPath[] = [];
    const { analysis: a } = await analyzeTrace(path, { onPath: (p) => paths.push(p) });
    for (const x of abandoned) expect(paths.filter((p) => p.offset === x.offset && p.submitterPid === x.pid)).toEqual([]);
    // The retry itself is the I/O: it is counted once, from the worker.
    for (const x of abandoned) expect(paths.filter((p) => p.offset === x.offset && p.submitterComm?.startsWith('iou-wrk-'))).toHaveLength(1);
    expect(a.layers?.[0]?.nowaitRetries).toBe(abandoned.length);
    const fio = a.submitters.find((s) => s.comm === 'fio' && s.pid === abandoned[0]!.pid);
    expect(fio?.ios).toBe(paths.filter((p) => p.submitterPid === fio?.pid).length);
  });
});
