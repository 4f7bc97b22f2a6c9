import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/model/events.js';
import { collect, HOSTILE } from './helpers.js';
import { renderDiagnostics, renderEvent } from './render.js';

/**
 * Hand-made hostile inputs (fixtures/hostile, each described in fixtures/README.md): which events
 * survive, with which task, CPU and fields, and which diagnostics appear on which lines. Each file
 * also has a rendered golden next to it, so a review sees every parsed field.
 */

const update = process.env.UPDATE_GOLDENS === '1';
const path = (name: string): string => join(HOSTILE, name);

/** `line comm pid cpu event` of each event: the survivors at a glance. */
const who = (es: TraceEvent[]): string[] => es.map((e) => `${e.line} ${JSON.stringify(e.comm)} ${e.pid} ${e.cpu} ${e.kind === 'other' ? `other:${e.name}` : e.kind}`);

/** `code: line, line…` of every diagnostic example. */
async function diagnosticLines(name: string): Promise<Record<string, number[]>> {
  const { result } = await collect(path(name));
  const out: Record<string, number[]> = {};
  for (const d of result.diagnostics.summaries()) out[d.code] = d.examples.map((x) => x.line);
  return out;
}

describe('task names are never split on whitespace', () => {
  it('ftrace: spaces, dashes, colons, brackets, parentheses, <idle>, <...>, tabs, UTF-8', async () => {
    const { events, result } = await collect(path('names.ftrace.txt'));
    expect(result.format).toBe('ftrace');
    expect(who(events)).toEqual([
      '5 "my task name" 4242 1 irq_handler_entry',
      '6 "a-b-c-12-d" 1234 0 softirq_entry',
      '7 "kworker/1:1H" 78 1 workqueue_execute_start',
      '8 "[weird] name" 9 1 sched_switch',
      '9 "(paren(" 77 0 sched_waking',
      '10 "<idle>" 0 1 irq_handler_exit',
      '11 "<...>" 3248 0 sched_switch',
      '12 "x [001] y" 10 1 sched_wakeup',
      '13 "a: b" 11 0 block_rq_issue',
      '14 "fio [1] x:" 12 1 block_rq_complete',
      '15 "tab\\tin name" 13 0 sched_migrate_task',
      '16 "ünï" 14 1 softirq_raise',
    ]);
    expect(result.diagnostics.counts()).toEqual({});
    const sw = events[3];
    expect(sw?.kind === 'sched_switch' && sw.prevComm).toBe('[weird] name');
    const wake = events[7];
    expect(wake?.kind === 'sched_wakeup' && wake.targetComm).toBe('x [001] y');
    const issue = events[8];
    expect(issue?.kind === 'block_rq_issue' && issue.issuer).toBe('a: b');
  });

  it('trace-cmd: the sched plugin forms with names holding spaces, colons and brackets', async () => {
    const { events, result } = await collect(path('names.trace-cmd.txt'));
    expect(result.format).toBe('trace-cmd');
    expect(who(events)).toEqual([
      '2 "my task name" 4242 1 sched_switch',
      '3 "kworker/1:27" 4145 1 sched_wakeup',
      '4 "kworker/1:27" 4145 1 sched_wakeup',
      '5 "a [1] b" 79 0 sched_switch',
      '6 "<...>" 80 0 sched_wakeup_new',
      '7 "fio" 7909 1 workqueue_queue_work',
    ]);
    expect(events.slice(0, 5).map((e) => (e.kind === 'sched_switch' ? `${e.prevComm}:${e.prevPid} ${e.prevState} ${e.nextComm}:${e.nextPid}` : e.kind === 'sched_wakeup' || e.kind === 'sched_wakeup_new' ? `${e.targetComm}:${e.targetPid} cpu ${e.targetCpu} success ${e.success}` : ''))).toEqual([
      'my task name:4242 S kworker/1:27:4145',
      'a:b:c:77 cpu 1 success undefined',
      'x [9] y:78 cpu 0 success 1',
      'a [1] b:79 R+ <idle>:0',
      'fio:81 cpu 1 success undefined',
    ]);
    expect(events.every((e) => e.kind !== 'sched_switch' || e.form === 'plugin')).toBe(true);
  });

  it('perf: right-aligned and truncated comms, unresolved :-1 tasks, pid/tid', async () => {
    const { events, result } = await collect(path('names.perf.txt'));
    expect(result.format).toBe('perf');
    expect(who(events)).toEqual([
      '1 "my task 2" 4242 1 irq_handler_entry',
      '2 "kworker/1:0-eve" 11 0 workqueue_execute_start',
      '3 ":-1" -1 1 sched_switch',
      '4 "fio" 7939 1 block_rq_issue',
      '5 "memfd:sealed-91" 1449 0 sched_waking',
      '6 "swapper" 0 1 block_rq_complete',
      '7 "[a] (b) c-d" 123456 1 softirq_exit',
    ]);
    expect(events[3]?.tgid).toBe(7937);
    expect(result.diagnostics.counts()).toEqual({});
  });
});

describe('line endings', () => {
  it('CRLF lines parse exactly as LF lines', async () => {
    const crlf = await collect(path('crlf.ftrace.txt'));
    const text = readFileSync(path('crlf.ftrace.txt'), 'latin1');
    expect(text.includes('\r\n')).toBe(true);
    const lf = await collect((async function* () {
      yield Buffer.from(text.replaceAll('\r\n', '\n'), 'latin1');
    })());
    expect(crlf.events).toEqual(lf.events);
    expect(crlf.events.map((e) => e.kind)).toEqual(['irq_handler_entry', 'workqueue_queue_work', 'irq_handler_exit', 'block_rq_complete']);
    expect(JSON.stringify(crlf.events)).not.toContain('\\r');
  });

  it('a missing final newline loses nothing', async () => {
    const raw = readFileSync(path('no-final-newline.ftrace.txt'));
    expect(raw[raw.length - 1]).not.toBe(10);
    const { events, result } = await collect(path('no-final-newline.ftrace.txt'));
    expect(result.read.lines).toBe(5);
    expect(events.map((e) => `${e.line} ${e.kind}`)).toEqual(['2 irq_handler_entry', '3 workqueue_queue_work', '4 irq_handler_exit', '5 block_rq_complete']);
    const last = events[3];
    expect(last?.kind === 'block_rq_complete' && last.error).toBe(0);
  });
});

describe('bad lines are counted with their line number, and parsing goes on', () => {
  it('truncated lines', async () => {
    const { events } = await collect(path('truncated.ftrace.txt'));
    // Headers cut before the event name are malformed lines; events whose payload is cut are kept
    // as `other` with their text (malformed_payload); whole lines after them still parse.
    expect(who(events)).toEqual([
      '2 "fio" 7888 1 block_rq_issue',
      '6 "fio" 7888 1 other:block_rq_issue',
      '7 "fio" 7888 1 other:sched_switch',
      '8 "fio" 7888 1 other:iomap_dio_rw_begin',
      '10 "fio" 7888 1 workqueue_execute_end',
      '11 "fio" 7888 1 other:block_rq_complete',
    ]);
    expect(await diagnosticLines('truncated.ftrace.txt')).toEqual({
      malformed_line: [3, 4, 5, 9],
      malformed_payload: [6, 7, 8, 11],
    });
    const kept = events[1];
    expect(kept?.kind === 'other' && kept.args).toBe('254,0 WS 4096 () 466');
  });

  it('junk bytes', async () => {
    const { events, result } = await collect(path('junk.ftrace.txt'));
    expect(result.format).toBe('ftrace');
    expect(who(events)).toEqual(['2 "<idle>" 0 1 irq_handler_entry', '7 "<idle>" 0 1 irq_handler_exit', '9 "<idle>" 0 1 block_rq_complete']);
    expect(await diagnosticLines('junk.ftrace.txt')).toEqual({ binary_data: [3, 4, 5, 6], malformed_line: [8] });
    // Examples never carry raw control bytes.
    const binary = result.diagnostics.summaries().find((d) => d.code === 'binary_data');
    expect(binary?.examples.every((x) => !/[\u0000-\u0008\u000e-\u001f]/.test(x.text ?? ''))).toBe(true);
  });
});

describe('lost-event markers become data-loss diagnostics and `lost` events', () => {
  const lost = (es: TraceEvent[]): string[] => es.filter((e) => e.kind === 'lost').map((e) => (e.kind === 'lost' ? `${e.line} cpu ${e.cpu} count ${e.count} ${e.form} ts ${e.ts}` : ''));

  it('tracefs: [LOST N EVENTS], [LOST EVENTS], buffer started', async () => {
    const { events, result } = await collect(path('lost.ftrace.txt'));
    expect(lost(events)).toEqual([
      '2 cpu 1 count 96 ftrace ts 208632680000',
      '4 cpu 0 count -1 ftrace ts 208634863000',
      '6 cpu 1 count -1 buffer-started ts 208634900000',
    ]);
    expect(result.diagnostics.counts()).toEqual({ buffer_started: 1, lost_events: 2 });
    expect(events.filter((e) => e.kind !== 'lost')).toHaveLength(4);
  });

  it('trace-cmd: [N EVENTS DROPPED], [EVENTS DROPPED]; SUBBUFFER START is not a loss', async () => {
    const { events, result } = await collect(path('lost.trace-cmd.txt'));
    expect(lost(events)).toEqual(['3 cpu 1 count 188240 trace-cmd ts 217880047000', '5 cpu 0 count -1 trace-cmd ts 217887600000']);
    expect(result.diagnostics.counts()).toEqual({ lost_events: 2 });
    expect(events.filter((e) => e.kind !== 'lost')).toHaveLength(4);
  });

  it('perf: PERF_RECORD_LOST, with its own timestamp in µs or ns', async () => {
    const { events, result } = await collect(path('lost.perf.txt'));
    expect(result.format).toBe('perf');
    expect(lost(events)).toEqual(['2 cpu 1 count 31 perf ts 222546655000', '3 cpu 0 count 5 perf ts 222546917264']);
    expect(result.diagnostics.counts()).toEqual({ lost_events: 2 });
  });
});

describe('payload forms of older and newer kernels', () => {
  it('parses every modelled form and keeps unmodelled events by name', async () => {
    const { events, result } = await collect(path('payload-forms.ftrace.txt'));
    expect(result.diagnostics.counts()).toEqual({});
    const by = (line: number): TraceEvent | undefined => events.find((e) => e.line === line);
    expect(by(4)?.flags).toBe('d.h1');
    expect(by(4)?.ctx).toBe('hardirq');
    expect(by(5)).toMatchObject({ kind: 'block_rq_complete', sector: 10487680, error: 0 });
    expect(by(5)).not.toHaveProperty('ioprio');
    expect(by(6)).toMatchObject({ kind: 'block_rq_complete', error: -5 });
    expect(by(7)).toMatchObject({ kind: 'workqueue_queue_work', function: 'dio_aio_complete_work', workqueue: '00000000d2b4c3a1', reqCpu: 8192, targetCpu: 1 });
    expect(by(8)).toEqual(expect.objectContaining({ kind: 'workqueue_activate_work', work: '000000007a1f0c3e' }));
    expect(by(8)).not.toHaveProperty('function');
    expect(by(11)).not.toHaveProperty('function');
    expect(by(14)).toMatchObject({ kind: 'sched_wakeup', success: 1, targetCpu: 1 });
    expect(by(15)).toMatchObject({ kind: 'sched_wakeup_new', targetPid: 2346 });
    expect(by(16)).toMatchObject({ kind: 'sched_migrate_task', origCpu: 1, destCpu: 0 });
    expect(by(17)).toMatchObject({ kind: 'softirq_raise', vec: 4, action: 'BLOCK' });
    expect(by(18)).toMatchObject({ kind: 'irq_handler_exit', ret: 'unhandled' });
    expect(by(20)).toMatchObject({ targetCpu: -1 });
    expect(by(21)).toMatchObject({ kind: 'workqueue_execute_end', function: 'iomap_dio_complete_work' });
    expect(by(24)).toMatchObject({ kind: 'block_rq_issue', cmd: '12 00 00 00 24 00', issuer: 'sg_raw' });
    expect(by(25)).toMatchObject({ kind: 'block_rq_error', error: -5 });
    expect(by(26)).toMatchObject({ iocbFlags: 'DIRECT', dioFlags: 'DIO_FORCE_WAIT|DIO_OVERWRITE_ONLY', aio: 0 });
    expect(by(27)).toMatchObject({ kind: 'iomap_dio_complete', iocbFlags: '', error: -5, ret: -5 });
    expect(by(29)).toMatchObject({ flags: 'd.h1.X', ctx: 'hardirq' });
    expect(events.filter((e) => e.kind === 'other').map((e) => (e.kind === 'other' ? `${e.name}|${e.args}` : ''))).toEqual([
      'ext4_da_write_begin|dev 254,0 ino 12 pos 0 len 4096 flags 0',
      'nvme_setup_cmd|nvme0: disk=nvme0n1, qid=2, cmdid=41, nsid=1, flags=0x0, meta=0x0, cmd=(nvme_cmd_write slba=20975360, len=7, ctrl=0x0, dsmgmt=0, reftag=0)',
      'smb3_enter|[FAILED TO PARSE] xid=973 tid=1',
      'cpu_idle_miss|',
    ]);
  });
});

describe.each([
  'names.ftrace.txt',
  'names.trace-cmd.txt',
  'names.perf.txt',
  'crlf.ftrace.txt',
  'no-final-newline.ftrace.txt',
  'truncated.ftrace.txt',
  'junk.ftrace.txt',
  'lost.ftrace.txt',
  'lost.trace-cmd.txt',
  'lost.perf.txt',
  'payload-forms.ftrace.txt',
])('hostile %s', (name) => {
  it('matches its rendered golden', async () => {
    const { events, result } = await collect(path(name));
    const text = [
      `# golden of fixtures/hostile/${name}: what survives (see test/parse/render.ts) and the diagnostics`,
      `# format ${result.format}; ${result.read.lines} lines; ${result.events} events`,
      ...events.map(renderEvent),
      ...renderDiagnostics(result.diagnostics.summaries()),
      '',
    ].join('\n');
    const golden = path(name.replace(/\.txt$/, '.golden.txt'));
    if (update || !existsSync(golden)) writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });
});
