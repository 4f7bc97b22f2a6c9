import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/index.js';
import { fixtureBytes } from '../parse/binary/helpers.js';
import { EXCERPTS } from '../parse/helpers.js';

/**
 * A trace whose clock does not count nanoseconds (kernel/trace-clocks.ts): tracefs text of
 * trace_clock x86-tsc (bare integer timestamps), and a trace.dat whose recorded clock is x86-tsc
 * with no TSC2NSEC option. Paths and modes stand; durations are ticks, and no rate is given.
 */

const TSC_TEXT = join(EXCERPTS, 'ftrace-clock-x86-tsc.txt');
const dir = mkdtempSync(join(tmpdir(), 'iopath-clock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The 200-I/O v6 fixture with its trace clock `[local]` (after the CPU table) made `x86-tsc`: same length, so every offset holds. */
function tscDat(): string {
  const b = Buffer.from(fixtureBytes('libaio-randwrite-200', 'v6-none'));
  const at = b.indexOf('[local]');
  expect(at).toBeGreaterThan(0);
  expect(b.indexOf('[local]', at + 1)).toBe(-1);
  b.write('x86-tsc', at, 'latin1');
  const f = join(dir, 'tsc.dat');
  writeFileSync(f, b);
  return f;
}

describe('a trace clock in ticks', () => {
  it('tracefs text of x86-tsc: modes as usual, one clock_not_ns, no rate, the limitation and the lead say why', async () => {
    const a = await analyze(TSC_TEXT);
    expect(a.ios.total).toBeGreaterThan(20);
    expect(a.ios.byMode['kworker-deferred']).toBeGreaterThan(20);
    expect(a.input.diagnostics).toMatchObject({ clock_not_ns: 1 });
    expect(a.iops).toBe(0);
    expect(a.mbps).toBe(0);
    expect(a.series.counts).toEqual([]);
    expect(a.limitations[0]).toMatch(/^Timestamps are ticks of a trace clock that does not count nanoseconds/);
    expect(a.explanation).toMatch(/^This trace's clock counts ticks, not nanoseconds: /);
    expect(a.explanation).not.toMatch(/IOPS/);
  });

  it('tracefs text of a ns clock (local) says none of it', async () => {
    const a = await analyze(join(EXCERPTS, 'ftrace-libaio-randwrite-cpu1.txt'));
    expect(a.input.diagnostics.clock_not_ns).toBeUndefined();
    expect(a.limitations.some((l) => l.startsWith('Timestamps are ticks'))).toBe(false);
    expect(a.iops).toBeGreaterThan(0);
  });

  it('a trace.dat names its clock: x86-tsc without TSC2NSEC is ticks, local is not', async () => {
    const t = await analyze(tscDat());
    expect(t.input.diagnostics).toMatchObject({ clock_not_ns: 1 });
    expect(t.limitations[0]).toMatch(/^Timestamps are ticks of the x86-tsc trace clock/);
    expect(t.explanation).toMatch(/^This trace's clock counts ticks, not nanoseconds \(x86-tsc\)/);
    expect(t.iops).toBe(0);
    const l = await analyze(join(EXCERPTS, '..', 'binary', 'libaio-randwrite-200.v6-none.dat'));
    expect(l.input.diagnostics.clock_not_ns).toBeUndefined();
    expect(l.iops).toBeGreaterThan(0);
    // Everything but the units is the same analysis.
    expect(t.ios).toEqual(l.ios);
  });
});
