import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StrictModeError } from '../../src/model/diagnostics.js';
import type { TraceFormat } from '../../src/parse/formats.js';
import { collect, ROOT } from './helpers.js';

/**
 * Ordinary ftrace text (stack traces, function-tracer, latency-format lines) is counted as
 * `ftrace_text` (info), never as a malformed line, in every comm-pid format; `--strict` passes over
 * it and stops on real damage at the line plain parsing reports. Lines are real: fixtures/public,
 * each with its source in fixtures/README.md.
 */

const PUBLIC = join(ROOT, 'fixtures', 'public');
const text = (lines: string[]): Readable => Readable.from([Buffer.from(`${lines.join('\n')}\n`)]);

// LKML, "ftrace: Fix function name for trampoline" (v3, 2024-10-19): tracefs stacktrace, 6.12-rc.
const STACK = ['bash-1344    [002] .....    43.644608: <stack trace>', '=> (MODULE INIT FUNCTION)', '=> vfs_write', '=> ksys_write'];
// A real event line of the bundled 6.18 captures, so the input has an event besides the text.
const EVENT = '             fio-7888    [001] d.s1.   505.925043: softirq_entry: vec=4 [action=BLOCK]';
const EVENT_TCMD = '             fio-7909  [001]   508.368487: softirq_entry:        vec=4 [action=BLOCK]';

describe('ordinary ftrace text is info, not corruption', () => {
  it('tracefs stacktrace and latency-format irqsoff output (public excerpts)', async () => {
    for (const [name, count] of [
      ['ftrace-irqsoff-latency-stack.txt', 12],
      ['ftrace-stacktrace-trampoline.txt', 6],
    ] as const) {
      const { result } = await collect(join(PUBLIC, name), { format: 'ftrace' });
      expect(result.diagnostics.counts(), name).toEqual({ ftrace_text: count });
    }
  });

  for (const [format, event] of [
    ['ftrace', EVENT],
    ['trace-cmd', EVENT_TCMD],
  ] as const satisfies readonly (readonly [TraceFormat, string])[]) {
    it(`${format}: stack, function-tracer and function_graph lines between events`, async () => {
      const lines = [
        event,
        ...STACK,
        // LKML, "ftrace: Fix function name for trampoline" v2 review (2024-10): function tracer line.
        '            bash-1344    [003] .....   110.171589: vfs_write <-__x64_sys_write',
        // irqsoff latency format (LKML, cgroup/rstat, 2025-03, v6.14-rc6).
        'stat_rea-96532    52d.... 45342us : tracer_hardirqs_on <-cgroup_rstat_flush',
        event,
      ];
      const { events, result } = await collect(text(lines), { format });
      expect(events.map((e) => e.kind)).toEqual(['softirq_entry', 'softirq_entry']);
      expect(result.diagnostics.counts()).toEqual({ ftrace_text: 6 });
      // --strict reads the same input to its end.
      await expect(collect(text(lines), { format, strict: true })).resolves.toBeTruthy();
    });
  }

  it('--strict stops on real damage, at the line plain parsing reports', async () => {
    const broken = EVENT.slice(0, 40);
    const lines = [EVENT, ...STACK, broken, EVENT];
    const { result } = await collect(text(lines), { format: 'ftrace' });
    const first = result.diagnostics.summaries().find((d) => d.code === 'malformed_line');
    expect(first?.examples.map((x) => x.line)).toEqual([6]);
    const err = await collect(text(lines), { format: 'ftrace', strict: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrictModeError);
    expect((err as StrictModeError).line).toBe(6);
  });

  it('a perf callchain line stays perf\'s own info', async () => {
    // perf script -g prints frames indented by a tab.
    const perf = ' kworker/1:32-ev  4150 [001]   511.805357: workqueue:workqueue_execute_start: work struct 0xffff8f0d7bd2ba08: function iomap_dio_complete_work';
    const { result } = await collect(text([perf, '\t ffffffff8123abcd blk_mq_end_request+0x12 ([kernel.kallsyms])', perf]), { format: 'perf' });
    expect(result.diagnostics.counts()).toEqual({ perf_script_text: 1 });
  });
});

describe('task names', () => {
  it('leading tabs and spaces are not part of the name', async () => {
    const { events } = await collect(text(['\tirq/43-e-280   [000] d..1.  100.000001: irq_handler_entry: irq=43 name=eth0', ' \t kworker/0:1-12 [000] ....  100.000002: irq_handler_exit: irq=43 ret=handled']), { format: 'ftrace' });
    expect(events.map((e) => [e.comm, e.pid])).toEqual([
      ['irq/43-e', 280],
      ['kworker/0:1', 12],
    ]);
  });
});
