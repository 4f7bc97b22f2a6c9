import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXCERPTS } from '../parse/helpers.js';
import { buildCli, expectNoStack, expectOneLineRefusal, iopathAll, tempDir, type Run } from './run.js';

/**
 * Exit 2 for a usage error, through the built CLI: an unknown command or option, a missing
 * argument, a bad value for --format, --unit or a number, a trace that is missing or a directory,
 * an output that cannot be written. iopath's own refusals are one line; commander's (unknown
 * option, missing argument) print its `error:` line and the command's usage, never a stack.
 */

const dir = tempDir('usage');
const TRACE = join(EXCERPTS, 'ftrace-libaio-randwrite-cpu1.txt');
const MISSING = join(dir, 'no-such-trace.txt');
/** Every write to it fails with ENOSPC. */
const FULL = '/dev/full';

const COMMANDER = [
  [['inspect', '--bogus', TRACE], /^error: unknown option '--bogus'/],
  [['analyze', '--bogus', TRACE], /^error: unknown option '--bogus'/],
  [['report', TRACE, '--bogus'], /^error: unknown option '--bogus'/],
  [['export', '--bogus', TRACE], /^error: unknown option '--bogus'/],
  [['compare', TRACE, TRACE, '--bogus'], /^error: unknown option '--bogus'/],
  [['simulate', '--bogus'], /^error: unknown option '--bogus'/],
  [['analyze'], /^error: missing required argument 'trace'/],
  [['inspect'], /^error: missing required argument 'trace'/],
  [['report'], /^error: missing required argument 'trace'/],
  [['export', '--perfetto', join(dir, 'p.json')], /^error: missing required argument 'trace'/],
  [['analyze', TRACE, '--format'], /^error: option '--format <format>' argument missing/],
  [['no-such-command'], /^error: unknown command 'no-such-command'/],
] as const;

const OWN = [
  // bad --format / --unit values, per command
  [['inspect', '--format', 'csv', TRACE], /--format must be one of ftrace, trace-cmd, perf \(got "csv"\)/],
  [['analyze', '--format', 'FTRACE', TRACE], /--format must be one of/],
  [['analyze', '--unit', 'block', TRACE], /--unit must be auto, dio or request \(got "block"\)/],
  [['report', TRACE, '--format', 'json'], /--format must be one of/],
  [['report', TRACE, '--unit', 'x'], /--unit must be/],
  [['export', '--perfetto', join(dir, 'p.json'), '--format', 'x', TRACE], /--format must be one of/],
  [['export', '--perfetto', join(dir, 'p.json'), '--unit', 'x', TRACE], /--unit must be/],
  [['compare', TRACE, TRACE, '--format', 'x'], /--format must be one of/],
  [['compare', TRACE, TRACE, '--unit', 'x'], /--unit must be/],
  [['simulate', '--format', 'x'], /--format must be one of/],
  // bad numbers and names
  [['report', TRACE, '--timeline-ms', '0'], /--timeline-ms must be/],
  [['export', '--perfetto', join(dir, 'p.json'), '--from-ms', '-1', TRACE], /--from-ms must be/],
  [['export', '--perfetto', join(dir, 'p.json'), '--from-ms', '5', '--to-ms', '2', TRACE], /--to-ms must be after --from-ms/],
  [['export', TRACE], /say what to write, e\.g\. --perfetto out\.json/],
  [['compare', TRACE], /compare needs two inputs/],
  [['compare', TRACE, TRACE, '--fail-on-regression', 'speed'], /--fail-on-regression: unknown metric "speed"/],
  [['compare', TRACE, TRACE, '--fail-on-regression', 'iops:lots'], /--fail-on-regression: expected METRIC\[:THRESHOLD\]/],
  [['simulate', '--preset', 'linux-1.0'], /--preset must be one of/],
  [['simulate', '--ios', '0'], /--ios must be an integer ≥ 1/],
  [['simulate', '--bs', '4q'], /--bs must be a size/],
  // a trace that is not there, or a directory
  [['inspect', MISSING], /no-such-trace\.txt: no such file$/],
  [['analyze', MISSING], /no such file$/],
  [['report', MISSING], /no such file$/],
  [['export', '--perfetto', join(dir, 'p.json'), MISSING], /no such file$/],
  [['compare', MISSING, TRACE], /no such file$/],
  [['inspect', dir], /is a directory, not a trace file$/],
  [['analyze', dir], /is a directory, not a trace file$/],
  [['report', dir], /is a directory, not a trace file$/],
  [['export', '--perfetto', join(dir, 'p.json'), dir], /is a directory, not a trace file$/],
  [['compare', TRACE, dir], /is a directory, not a trace file$/],
  // an output that cannot be written: a missing directory, a full disk (Linux's /dev/full)
  [['analyze', '--csv', join(MISSING, 'x.csv'), TRACE], /ENOENT/],
  [['simulate', '--ios', '20', '-o', join(MISSING, 't.txt')], /ENOENT/],
  ...(existsSync(FULL)
    ? ([
        [['analyze', '--csv', FULL, TRACE], /ENOSPC/],
        [['report', TRACE, '-o', FULL], /ENOSPC/],
        [['export', '--perfetto', FULL, TRACE], /ENOSPC/],
        [['simulate', '--ios', '20', '-o', FULL], /ENOSPC/],
      ] as const)
    : []),
] as const;

let runs: Run[] = [];
beforeAll(async () => {
  buildCli();
  runs = await iopathAll([...COMMANDER, ...OWN].map(([args]) => args));
}, 180_000);

describe('commander usage errors: exit 2, its error line first, no stack', () => {
  it.each(COMMANDER.map(([args, first], i) => [args, first, i] as const))('%j', (_args, first, i) => {
    const r = runs[i]!;
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toMatch(first);
    expectNoStack(r);
  });
});

describe("iopath's own usage errors: exit 2, one line on stderr", () => {
  it.each(OWN.map(([args, message], i) => [args, message, COMMANDER.length + i] as const))('%j', (_args, message, i) => {
    expectOneLineRefusal(runs[i]!, message);
  });
});
