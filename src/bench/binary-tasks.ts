import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { compressedBlocks } from '../parse/binary/tracedat/cpu-blocks.js';
import { decompressor } from '../parse/binary/tracedat/decompress.js';
import { readLayout } from '../parse/binary/tracedat/layout.js';
import { readTraceDat } from '../parse/binary/tracedat/read.js';
import { fileSource } from '../parse/binary/tracedat/source.js';
import { initZstd } from '../parse/binary/zstd.js';
import { createDiagnostics } from '../model/diagnostics.js';
import { ANALYZED_EVENTS } from '../analyze/pipeline.js';
import { createWireWriter } from '../parse/wire.js';
import { benchTask, type TaskResult } from './registry.js';

/**
 * Bench tasks for a trace.dat, to run with `analyze` / `analyze-1t` on the same file:
 *
 *   npm run bench -- trace.dat --tasks decode-dat,trace-cmd-report,analyze,analyze-1t
 *
 * - `decode-dat`: the trace.dat reader alone (decompress, pages, merge, decode the analyzed events).
 * - `encode-dat`: what the decoding thread does (the same reader writing into wire batches), here.
 * - `trace-cmd-report`: `trace-cmd report -i FILE > /dev/null`, the text step binary reading saves
 *   (its own CPU time is in the notes: the runner's cpu column counts only the node process).
 * - `zstd-chunks`: decompression alone (the zstd package's speed on real chunks).
 *
 * "lines" for these is the number of events (a trace.dat has no lines); the runner's MB/s is of
 * the file's bytes.
 */

function needPath(src: unknown): string {
  if (typeof src !== 'string' || src === '-') throw new Error('the benchmark needs a file path');
  return src;
}

benchTask('decode-dat', 'trace.dat reader alone: every analyzed event decoded, the rest kept as `other` (no analysis)', async (src) => {
  const path = needPath(src);
  let events = 0;
  let touched = 0;
  const r = await readTraceDat(fileSource(path), (e) => {
    events++;
    touched += e.ts & 1;
  }, { diagnostics: createDiagnostics(path), payloads: ANALYZED_EVENTS });
  return { bytes: r.bytes, lines: events, events, note: `v${r.version} ${r.compression}, ${r.cpus} CPUs${touched < 0 ? '!' : ''}` };
});

benchTask('encode-dat', "the decoding thread's share of a threaded analyze, on this thread: decode-dat writing every event into wire batches as the worker does (no thread, no analysis)", async (src) => {
  const path = needPath(src);
  let batches = 0;
  const writer = createWireWriter((b) => {
    batches++;
    writer.recycle(b.buf);
  });
  let objects = 0;
  const r = await readTraceDat(fileSource(path), (e) => {
    objects++;
    writer.event(e);
  }, { diagnostics: createDiagnostics(path), payloads: ANALYZED_EVENTS, wire: writer, wireRaw: true });
  writer.flush();
  return { bytes: r.bytes, lines: r.events, events: r.events, note: `v${r.version} ${r.compression}, ${batches} batches, ${objects} events made as objects` };
});

/** User + system CPU seconds of this process's waited-for children (/proc/self/stat cutime, cstime). */
function childrenCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'latin1').split(') ')[1]?.split(' ') ?? [];
  // After "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14 here.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

benchTask('trace-cmd-report', '`trace-cmd report -i FILE > /dev/null` (needs trace-cmd installed)', async (src): Promise<TaskResult> => {
  const path = needPath(src);
  const before = childrenCpuSeconds();
  const r = spawnSync('trace-cmd', ['report', '-i', path], { stdio: ['ignore', 'ignore', 'ignore'] });
  if (r.error) throw new Error(`trace-cmd: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`trace-cmd report exited ${r.status}`);
  const cpu = childrenCpuSeconds() - before;
  return { bytes: statSync(path).size, lines: 0, note: `trace-cmd's own CPU ${cpu.toFixed(2)} s` };
});

benchTask('zstd-chunks', 'decompress every per-CPU chunk of a compressed trace.dat (MB/s of decompressed pages), nothing else', async (src) => {
  const path = needPath(src);
  await initZstd();
  const file = fileSource(path);
  try {
    const L = readLayout(file, decompressor);
    let bytes = 0;
    let chunks = 0;
    for (const b of L.buffers) {
      for (const c of b.cpus) {
        if (c.size === 0 || !b.compressed || !L.compression) continue;
        const blocks = compressedBlocks(file, c, b.pageSize || L.pageSize, L.compression.name, decompressor, L.little);
        for (let blk = blocks.next(); blk; blk = blocks.next()) {
          bytes += blk.length;
          chunks++;
        }
      }
    }
    return { bytes, lines: chunks, note: `${chunks} chunks, ${L.compression?.name ?? 'none'} (MB/s is of decompressed bytes)` };
  } finally {
    file.close();
  }
});
