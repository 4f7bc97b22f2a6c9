import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newHeader, tokenizeHeader } from '../../src/parse/header.js';

/**
 * The header tokenizer anchors on the CPU and timestamp columns, never on whitespace: any task
 * name the kernel allows (15 bytes of anything but NUL and newline) comes back intact in every
 * layout the three tools print.
 */

const commChar = fc.constantFrom(...' -:/[]()<>._=+*#@!?|\\\'"`~,;0123456789abcdefXYZé'.split(''));
const comm = fc.array(commChar, { minLength: 1, maxLength: 15 }).map((a) => a.join('')).filter((c) => c.trim().length > 0 && !c.startsWith(' ') && !c.endsWith(' '));
const pid = fc.integer({ min: 0, max: 4_194_304 });
const cpu = fc.integer({ min: 0, max: 511 });
const flags = fc.constantFrom('d.h1.', '.Ns..', '....', 'dNs1', 'd..2.', 'D.Z1.X');
const name = fc.constantFrom('sched_switch', 'block_rq_issue', 'workqueue_execute_start', 'irq_handler_entry');
const sec = fc.integer({ min: 0, max: 99_999 });
const usec = fc.integer({ min: 0, max: 999_999 });

function tokens(line: string, perf = false): Record<string, unknown> | null {
  const h = newHeader();
  if (!tokenizeHeader(line, h, perf)) return null;
  return { comm: h.comm, pid: h.pid, cpu: h.cpu, flags: h.flags, ts: line.slice(h.tsStart, h.tsEnd), name: h.name, system: h.system, payload: line.slice(h.payloadStart), layout: h.layout, tgid: h.tgid };
}

const pad = (s: string, n: number): string => s.padStart(n);
const ts6 = (s: number, u: number): string => `${s}.${String(u).padStart(6, '0')}`;

describe('header tokenizer: any task name survives', () => {
  it('tracefs trace file (with and without the tgid column)', () => {
    fc.assert(
      fc.property(comm, pid, cpu, flags, sec, usec, name, fc.option(pid), (c, p, k, f, s, u, n, tgid) => {
        const tg = tgid === null ? '' : `(${pad(String(tgid), 7)}) `;
        const line = `${pad(`${c}-${p}`, 16)}${' '.repeat(4)}${tg}[${String(k).padStart(3, '0')}] ${f} ${pad(ts6(s, u), 12)}: ${n}: x=1 y=[2] z: 3`;
        expect(tokens(line)).toEqual({ comm: c, pid: p, cpu: k, flags: f, ts: ts6(s, u), name: n, system: undefined, payload: 'x=1 y=[2] z: 3', layout: 'bracket', tgid: tgid ?? undefined });
      }),
      { numRuns: 3000 },
    );
  });

  it('trace-cmd report default and -l', () => {
    fc.assert(
      fc.property(comm, pid, cpu, flags, sec, usec, name, (c, p, k, f, s, u, n) => {
        const def = `${pad(c, 16)}-${String(p).padEnd(5)} [${String(k).padStart(3, '0')}] ${pad(ts6(s, u), 12)}: ${`${n}:`.padEnd(20)} a:1 [120] R ==> b:2 [120]`;
        expect(tokens(def)).toMatchObject({ comm: c, pid: p, cpu: k, flags: undefined, ts: ts6(s, u), name: n, payload: 'a:1 [120] R ==> b:2 [120]' });
        const short = c.slice(0, 8);
        if (short.endsWith(' ') || short.trim() !== short) return;
        const l = `${pad(short, 8)}-${String(p).padEnd(5)} ${String(k).padStart(3)}${f}   ${ts6(s, u)}: ${n}: payload`;
        expect(tokens(l)).toMatchObject({ comm: short, pid: p, cpu: k, flags: f, ts: ts6(s, u), name: n, payload: 'payload', layout: 'latency' });
      }),
      { numRuns: 3000 },
    );
  });

  it('perf script (tid, pid/tid, system:event)', () => {
    fc.assert(
      fc.property(comm, pid, fc.option(pid), cpu, sec, usec, name, (c, p, tg, k, s, u, n) => {
        const task = tg === null ? String(p) : `${tg}/${p}`;
        const line = `${pad(c, 16)} ${pad(task, 5)} [${String(k).padStart(3, '0')}] ${pad(ts6(s, u), 12)}: ${pad(`sys:${n}`, 30)}: a b c`;
        expect(tokens(line, true)).toMatchObject({ comm: c, pid: p, cpu: k, ts: ts6(s, u), name: n, system: 'sys', payload: 'a b c', tgid: tg ?? undefined });
      }),
      { numRuns: 3000 },
    );
  });

  it('perf script -F without comm: the tid starts the line, right-aligned or not', () => {
    fc.assert(
      fc.property(pid, cpu, sec, usec, name, (p, k, s, u, n) => {
        const line = `${pad(String(p), 5)} [${String(k).padStart(3, '0')}] ${pad(ts6(s, u), 12)}: ${pad(`sys:${n}`, 30)}: a b c`;
        expect(tokens(line, true)).toMatchObject({ comm: '', pid: p, cpu: k, ts: ts6(s, u), name: n, system: 'sys', payload: 'a b c', tgid: undefined });
      }),
      { numRuns: 1000 },
    );
    // Only perf prints a line without a task name.
    expect(tokens('27940 [001] 41578.558530: workqueue_execute_start: work struct 0xffffffff830080f0: function neigh_managed_work')).toBeNull();
    // Real lines of `perf script -F tid,cpu,time,event,trace`.
    expect(tokens('27940 [001] 41578.558530: workqueue:workqueue_execute_start: work struct 0xffffffff830080f0: function neigh_managed_work', true)).toMatchObject({ comm: '', pid: 27940, cpu: 1, name: 'workqueue_execute_start' });
    expect(tokens('   -1 [000] 41578.556293:                sched:sched_switch: prev_comm=fio prev_pid=6012', true)).toMatchObject({ comm: '', pid: -1, cpu: 0, name: 'sched_switch' });
  });

  it('perf script pid/tid of an exited task: `:-1  6010/-1` is tid -1 of pid 6010', () => {
    const line = '             :-1  6010/-1    [000] 41578.556293:                sched:sched_switch: prev_comm=fio prev_pid=6012 prev_prio=120 prev_state=X ==> next_comm=fio next_pid=6010 next_prio=120';
    expect(tokens(line, true)).toMatchObject({ comm: ':-1', pid: -1, tgid: 6010, cpu: 0, name: 'sched_switch' });
  });

  it('perf side-band records are no event lines', () => {
    for (const line of [
      '     process_api     0 [000]     0.000000: PERF_RECORD_COMM: process_api:1/1',
      '             fio  6010 [000] 41578.403778: PERF_RECORD_COMM exec: fio:6010/6010',
      '         swapper     0 [000]     0.000000: PERF_RECORD_FORK(1:1):(0:0)',
      '         swapper     0 [000]     0.000000: PERF_RECORD_CGROUP cgroup: 1 /',
    ]) {
      expect(tokens(line, true), line).toBeNull();
    }
  });

  it('trace-cmd report --ts-diff: the (+N) column after the timestamp, blank on the first event, (+-N) when merged files go back', () => {
    const h = newHeader();
    for (const [line, name, payload] of [
      ['             tsc-12086 [000] 13121.181250: (+4)     sched_wakeup:         tsc:12078 [120] CPU:000', 'sched_wakeup', 'tsc:12078 [120] CPU:000'],
      ['             tsc-12086 [000] 13121.181246:          sched_waking:         comm=tsc pid=12078 prio=120 target_cpu=000', 'sched_waking', 'comm=tsc pid=12078 prio=120 target_cpu=000'],
      ['             tsc-12086 [000] 13121.247070: (+2666)  sched_waking:         comm=node pid=12056 prio=120 target_cpu=000', 'sched_waking', 'comm=node pid=12056 prio=120 target_cpu=000'],
      ['             tsc-12086 [000] 13121.247070: (+-5)    sched_waking:         comm=node pid=12056 prio=120 target_cpu=000', 'sched_waking', 'comm=node pid=12056 prio=120 target_cpu=000'],
    ] as const) {
      expect(tokenizeHeader(line, h), line).toBe(true);
      expect(h.name).toBe(name);
      expect(line.slice(h.payloadStart)).toBe(payload);
    }
    // A parenthesis that is not such a column is no event name.
    expect(tokenizeHeader('             tsc-12086 [000] 13121.181250: (x)     sched_wakeup: tsc:12078 [120] CPU:000', h)).toBe(false);
  });

  it('rejects what is not an event line', () => {
    for (const line of ['', 'cpus=2', '# tracer: nop', 'CPU:1 [LOST 96 EVENTS]', 'a,b,c', 'fio-1 [001] 1.0', 'fio-1 [001] .... x.y: name: p', '[001] 1.0: name: p', 'fio [001] 1.0: name: p']) {
      expect(tokens(line), line).toBeNull();
    }
  });
});
