import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FIXTURES } from '../helpers/paths.js';

/** Shared inputs of the report tests: the bundled real excerpts, one with a hostile task name. */

export const EVIL = '<script>alert(1)</script>';
export const CPU1 = join(FIXTURES, 'real', 'libaio-randwrite-cpu1.ftrace.txt.gz');
export const CPU0 = join(FIXTURES, 'real', 'libaio-randwrite-cpu0.ftrace.txt.gz');

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'iopath-report-'));
}

/**
 * The cpu1 excerpt with fio renamed to `<script>alert(1)</script>` everywhere a task name appears:
 * the task column, sched_switch/sched_waking comm fields and block_rq_issue's [issuer].
 */
export function hostileTrace(dir: string): string {
  const text = gunzipSync(readFileSync(CPU1)).toString('utf8');
  const out = text
    .split('\n')
    .map((l) =>
      l
        .replace(/^(\s*)fio-(\d+)/, (_m, sp: string, pid: string) => `${sp}${EVIL}-${pid}`)
        .replace(/(prev_comm=|next_comm=|comm=)fio /g, `$1${EVIL} `)
        .replace(/\[fio\]$/, `[${EVIL}]`),
    )
    .join('\n');
  const path = join(dir, 'hostile.ftrace.txt');
  writeFileSync(path, out);
  return path;
}
