import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceFormat } from '../../src/parse/formats.js';
import { excerpt } from '../fuzz/corpus.js';

/**
 * Task names a process may give itself (prctl(PR_SET_NAME) takes any bytes but NUL; tracers print
 * them as they are), aimed at each output: HTML and script injection, spreadsheet formulas (a
 * leading = + - @ or tab, also with a line separator after it, which papaparse's own pattern
 * missed), JSON string escapes, line separators, multi-byte characters. Longer than the kernel's
 * 15 characters on purpose: the parsers do not truncate, and the outputs must not care.
 */
export const HOSTILE_NAMES = [
  '<script>alert(1)</script>',
  "=cmd|' /C calc'!A0",
  '+1',
  '-2',
  '@x',
  'say "hi"',
  'back\\slash',
  'line\u2028sep',
  'tab\tname',
  'fio 😀',
  '=1+1\u2028x',
  '"><img src=x onerror=alert(1)>',
] as const;

/** `[label, name, index]` per hostile name (index from 1). */
export const NAME_CASES: readonly (readonly [string, string, number])[] = HOSTILE_NAMES.map((n, i) => [JSON.stringify(n), n, i + 1] as const);
/** The same, after the baseline: the original name, `fio`, at index 0. */
export const RUN_CASES: readonly (readonly [string, string, number])[] = [['"fio"', 'fio', 0], ...NAME_CASES];

/** The same real capture in each format; its submitter is `fio`. */
export const NAMED_FIXTURES: Record<TraceFormat, string> = {
  ftrace: 'ftrace-libaio-randwrite-cpu1.txt',
  'trace-cmd': 'trace-cmd-libaio-randwrite-cpu1.txt',
  perf: 'perf-libaio-randwrite-cpu1.txt',
};

/**
 * Renames the task `fio` to `name` everywhere a tracer prints a task name: the line's own task
 * column (`fio-7888 [001]`, perf's `fio  7937 [001]`), the sched payloads (`prev_comm=`,
 * `next_comm=`, `comm=`, trace-cmd's plugin form `fio:7909 [120]`) and block_rq_issue's `[fio]`.
 */
export function renameTask(text: string, format: TraceFormat, name: string): string {
  const head = format === 'perf' ? /^(\s*)fio(\s+\d+ \[)/gm : /^(\s*)fio(-\d+\s)/gm;
  return text
    .replace(head, (_m, pad: string, rest: string) => `${pad}${name}${rest}`)
    .replace(/\b(prev_comm|next_comm|comm)=fio /g, (_m, k: string) => `${k}=${name} `)
    .replace(/\[fio\]$/gm, `[${name}]`)
    .replace(/(: +|==> )fio:(\d+) \[/g, (_m, pre: string, pid: string) => `${pre}${name}:${pid} [`);
}

/** Writes the fixture of `format` with its submitter renamed; returns the path. */
export function writeRenamed(dir: string, format: TraceFormat, name: string, index: number): string {
  const path = join(dir, `${format}-${index}.txt`);
  writeFileSync(path, renameTask(excerpt(NAMED_FIXTURES[format]).text, format, name));
  return path;
}
