import { open, rename, rm, stat } from 'node:fs/promises';
import { datHead, type DatMeta } from './dat-file.js';
import type { CpuRecording } from './raw-recorder.js';
import { scanPage, type PageLayout } from './ring-page.js';
import type { SaveOptions } from './save.js';

/**
 * Writing the trace.dat once tracing stopped: the metadata, then each CPU's recorded pages copied
 * from its temporary file. The copy also walks each page, so the capture can say how many events
 * it wrote per CPU (to hold against the kernel's `read events`) and which pages carry the kernel's
 * lost-events flag. Written to a temporary name and renamed, like the text formats.
 */

export interface CpuWritten {
  cpu: number;
  pages: number;
  events: number;
  /** Pages flagged "events lost before this page". */
  lostPages: number;
  /** Sum of the lost counts the kernel stored in those pages (it stores one when there is room). */
  lostEvents: number;
}

export interface DatSaveResult {
  bytes: number;
  cpus: CpuWritten[];
}

const CHUNK_PAGES = 256;

export async function saveDat(output: string, meta: DatMeta, layout: PageLayout, recordings: readonly CpuRecording[], opts: SaveOptions = {}): Promise<DatSaveResult> {
  const byCpu = new Map(recordings.map((r) => [r.cpu, r]));
  const n = recordings.reduce((m, r) => Math.max(m, r.cpu + 1), 0);
  const sizes = Array.from({ length: n }, (_, cpu) => byCpu.get(cpu)?.bytes ?? 0);
  const { head, offsets } = datHead(meta, sizes);
  const partial = `${output}.partial-${process.pid}`;
  const out = await open(partial, 'w');
  const written: CpuWritten[] = [];
  try {
    await out.write(head, 0, head.length, 0);
    const chunk = Buffer.alloc(CHUNK_PAGES * layout.pageSize);
    for (let cpu = 0; cpu < n; cpu++) {
      const rec = byCpu.get(cpu);
      if (!rec) continue;
      const w: CpuWritten = { cpu, pages: 0, events: 0, lostPages: 0, lostEvents: 0 };
      written.push(w);
      const src = await open(rec.path, 'r');
      try {
        let at = offsets[cpu] ?? 0;
        for (let done = 0; done < rec.bytes; ) {
          opts.signal?.throwIfAborted();
          const { bytesRead } = await src.read(chunk, 0, Math.min(chunk.length, rec.bytes - done), done);
          if (bytesRead === 0) throw new Error(`cpu${cpu}'s recorded pages ended early (${done} of ${rec.bytes} bytes)`);
          for (let p = 0; p + layout.pageSize <= bytesRead; p += layout.pageSize) {
            const s = scanPage(chunk, p, layout, meta.littleEndian);
            w.pages++;
            w.events += s.events;
            if (s.lost) w.lostPages++, (w.lostEvents += s.lostCount ?? 0);
          }
          await out.write(chunk, 0, bytesRead, at);
          at += bytesRead;
          done += bytesRead;
        }
      } finally {
        await src.close();
      }
    }
    await out.close();
    await rename(partial, output);
  } catch (err) {
    await out.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw err;
  }
  return { bytes: (await stat(output)).size, cpus: written };
}
