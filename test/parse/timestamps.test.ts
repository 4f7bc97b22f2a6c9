import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDiagnostics } from '../../src/model/diagnostics.js';
import { newTimestampParts, parseTimestampNs, readTimestamp } from '../../src/model/time.js';
import { createLineParser } from '../../src/parse/line-parser.js';

/** Timestamps become exact integer nanoseconds, never through a float of seconds. */

const ts = (t: string): number => parseTimestampNs(t, 0, t.length);

describe('timestamps', () => {
  it('6 and 9 decimals give exact ns', () => {
    expect(ts('505.925043')).toBe(505_925_043_000);
    expect(ts('508.368473123')).toBe(508_368_473_123);
    expect(ts('0.000001')).toBe(1000);
    expect(ts('4021.114412')).toBe(4_021_114_412_000);
    // The float route is wrong here: 1.000001 * 1e9 = 1000000999.9999999.
    expect(ts('1.000001')).toBe(1_000_001_000);
    expect(Math.floor(parseFloat('1.000001') * 1e9)).not.toBe(1_000_001_000);
  });

  it('rejects what is not a timestamp, and keeps digits past the ninth decimal out', () => {
    for (const bad of ['', '.5', '5.', 'a.000001', '5.00000x', '5,000001', '-5.000001']) expect(ts(bad)).toBeNaN();
    expect(ts('5.0000000019')).toBe(5_000_000_001);
    const p = newTimestampParts();
    expect(readTimestamp('x 98765 y', 2, 7, p)).toBe(true);
    expect(p).toEqual({ sec: 98765, fracNs: -1 });
    expect(parseTimestampNs('98765', 0, 5, 90000)).toBe(98765);
    expect(parseTimestampNs('98765.5', 0, 7, 90000)).toBe(8765_500_000_000);
  });

  it('round-trips any second and nanosecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3_999_999 }), fc.integer({ min: 0, max: 999_999_999 }), (sec, ns) => {
        const nine = `${sec}.${String(ns).padStart(9, '0')}`;
        expect(ts(nine)).toBe(sec * 1e9 + ns);
        const six = `${sec}.${String(Math.floor(ns / 1000)).padStart(6, '0')}`;
        expect(ts(six)).toBe(sec * 1e9 + Math.floor(ns / 1000) * 1000);
      }),
      { numRuns: 2000 },
    );
  });

  it('through the line parser, in µs and ns layouts', () => {
    const p = createLineParser({ format: 'trace-cmd', diagnostics: createDiagnostics('t') });
    const a = p.parse('             fio-2923  [001]   128.156814902: block_rq_issue:       254,0 RA 1048576 () 37962984 + 2048 0x2,0,4 [fio]', 1);
    const b = p.parse('    bash-2929    1.Ns1.   128.158570312: block_rq_complete:    254,0 WS () 46699392 + 8 0x2,0,4 [0]', 2);
    expect(a?.ts).toBe(128_156_814_902);
    expect(b?.ts).toBe(128_158_570_312);
  });

  it('rebases past ~46 days of uptime so that differences stay exact', () => {
    const p = createLineParser({ format: 'ftrace', diagnostics: createDiagnostics('t') });
    const a = p.parse('             fio-1    [000] .....  9007199.000000001: sched_waking: comm=a pid=2 prio=120 target_cpu=000', 1);
    const b = p.parse('             fio-1    [000] .....  9007199.000000003: sched_waking: comm=a pid=2 prio=120 target_cpu=000', 2);
    expect(p.baseSec()).toBe(9007199);
    expect((b?.ts ?? 0) - (a?.ts ?? 0)).toBe(2);
    expect(a?.ts).toBe(1);
  });
});

describe('counter clocks', () => {
  it('a bare integer timestamp (trace_clock counter / x86-tsc) is kept as is, never rebased', () => {
    const p = createLineParser({ format: 'ftrace', diagnostics: createDiagnostics('t') });
    const a = p.parse('             fio-1    [000] ..... 98765432101234: sched_waking: comm=a pid=2 prio=120 target_cpu=000', 1);
    expect(a?.ts).toBe(98765432101234);
    expect(p.baseSec()).toBe(0);
  });

  it('says once, at the first such line, that the clock counts ticks; a ns clock says nothing', () => {
    const d = createDiagnostics('t');
    const p = createLineParser({ format: 'ftrace', diagnostics: d });
    expect(p.clockTicks()).toBe(false);
    p.parse('             fio-1    [000] .....          332: sched_waking: comm=a pid=2 prio=120 target_cpu=000', 7);
    p.parse('             fio-1    [000] .....          333: sched_waking: comm=a pid=2 prio=120 target_cpu=000', 8);
    expect(p.clockTicks()).toBe(true);
    expect(d.counts()).toEqual({ clock_not_ns: 1 });
    expect(d.summaries()[0]?.examples[0]?.line).toBe(7);
    const n = createDiagnostics('n');
    const q = createLineParser({ format: 'ftrace', diagnostics: n });
    q.parse('             fio-1    [000] .....   505.924806: sched_waking: comm=a pid=2 prio=120 target_cpu=000', 1);
    // A damaged line later does not make a ns trace one of ticks: the first event line decides.
    q.parse('             fio-1    [000] .....        12345: sched_waking: comm=a pid=2 prio=120 target_cpu=000', 2);
    expect(q.clockTicks()).toBe(false);
    expect(n.counts()).toEqual({});
  });

  it('trace-cmd text with bare integers is not taken for ticks (report --raw-ts prints a ns clock so)', () => {
    const d = createDiagnostics('t');
    const p = createLineParser({ format: 'trace-cmd', diagnostics: d });
    p.parse('             fio-7909  [001] 508368487123: sched_waking: comm=a pid=2 prio=120 target_cpu=000', 2);
    expect(p.clockTicks()).toBe(false);
    expect(d.counts()).toEqual({});
  });
});
