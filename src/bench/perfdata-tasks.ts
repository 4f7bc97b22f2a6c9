import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { ANALYZED_EVENTS } from '../analyze/analyzed-events.js';
import { PERF_DATA_READER } from '../parse/binary/perfdata/reader.js';
import { createDiagnostics } from '../model/diagnostics.js';
import { benchTask } from './registry.js';

/**
 * Bench tasks for a perf.data, to run with `analyze` / `analyze-1t` on the same file:
 *
 *   npm run bench -- perf.data --tasks decode-perf,perf-script,analyze,analyze-1t
 *
 * "lines" of decode-perf is its number of events (a perf.data has no lines).
 */

benchTask('decode-perf', 'perf.data reader alone: records ordered as perf does, every analyzed event decoded (no analysis)', async (src) => {
  if (typeof src !== 'string') throw new Error('decode-perf needs a file path');
  let events = 0;
  const diagnostics = createDiagnostics(src);
  const r = await PERF_DATA_READER.read({ path: src }, () => events++, { diagnostics, label: src, payloads: ANALYZED_EVENTS });
  return { bytes: r.read.bytes, lines: events, events, note: JSON.stringify(diagnostics.counts()) };
});

/**
 * decode-perf plus the text of every event whose payload the analysis does not read (`args`, made
 * on first read): what the decoding thread pays to send such events across (the wire carries the
 * text). The difference from decode-perf is that rendering.
 */
benchTask('decode-perf-args', 'decode-perf, and every unanalyzed event\'s text rendered (as the decoding thread sends it)', async (src) => {
  if (typeof src !== 'string') throw new Error('decode-perf-args needs a file path');
  let events = 0;
  let chars = 0;
  const diagnostics = createDiagnostics(src);
  const r = await PERF_DATA_READER.read(
    { path: src },
    (e) => {
      events++;
      if (e.kind === 'other') chars += e.args.length;
    },
    { diagnostics, label: src, payloads: ANALYZED_EVENTS },
  );
  return { bytes: r.read.bytes, lines: events, events, note: `${chars} chars of text` };
});

/**
 * The text step iopath spares a perf.data user: `perf script -i FILE > /dev/null`, timed in the same
 * run as `analyze` of the same file (the runner prints the ratio). perf runs as a child of this
 * task's process, so the runner's wall time is perf's; its CPU time is read from bash's `times`
 * (children's user and system time), printed in the note.
 */
benchTask('perf-script', '`perf script -i FILE > /dev/null` (perf.data input only): the text step analyze replaces', (src) => {
  if (typeof src !== 'string') return Promise.reject(new Error('perf-script needs a file path'));
  const bytes = statSync(src).size;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', 'perf script -i "$1" > /dev/null 2>&1; rc=$?; times; exit $rc', 'bash', src], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`perf script exited ${code} (is perf installed, and is the file perf.data?)`));
      // `times` prints the shell's own times, then its children's: "0m0.440s 0m0.052s".
      const child = (out.trim().split('\n')[1] ?? '').match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/);
      const cpu = child ? Number(child[1]) * 60 + Number(child[2]) + Number(child[3]) * 60 + Number(child[4]) : NaN;
      resolve({ bytes, lines: 0, note: `perf's cpu ${cpu.toFixed(2)} s` });
    });
  });
});
