import { describe, expect, it } from 'vitest';
import { BinaryError, cursor, readTracingData } from '../../../../src/parse/binary/tep/index.js';
import { fixtureBytes } from '../helpers.js';
import { layoutOffsets } from '../tracedat/offsets.js';

/**
 * The "tracing data" block perf.data embeds (HEADER_TRACING_DATA) has the layout of a trace.dat v6
 * up to its saved cmdlines: the real v6 fixture's beginning is one, and the same bytes with perf's
 * version string ("0.6") and no kallsyms read the same.
 */

const V6 = fixtureBytes('libaio-randwrite-200', 'v6-none');
/** Where the v6 fixture's tracing data ends (its `cpus` count follows the cmdlines). */
const END = layoutOffsets(V6).fields.find((f) => f.what === 'cpu count')!.at;

describe('tracing data block', () => {
  it('the v6 file head: headers, formats of every system, kallsyms, printk formats, cmdlines', () => {
    const c = cursor(V6, true);
    const td = readTracingData(c, END);
    expect(c.pos).toBe(END);
    expect(td).toMatchObject({ version: '6', little: true, longSize: 8, pageSize: 4096 });
    expect(td.headerPage).toMatchObject({ commitSize: 8, dataOffset: 16 });
    const names = [...td.events.values()].map((e) => `${e.system}:${e.name}`);
    expect(names).toEqual(expect.arrayContaining(['block:block_rq_issue', 'sched:sched_switch', 'iomap:iomap_dio_complete', 'ftrace:print']));
    expect(td.kallsyms.find(0xffffffffffffffffn)).toBeUndefined();
    expect(td.cmdlines.size).toBeGreaterThan(10);
  });

  it('as perf writes it: version "0.6", an empty kallsyms', () => {
    const versionEnd = V6.indexOf(0, 10);
    const kallsymsAt = layoutOffsets(V6).fields.find((f) => f.what === 'kallsyms size')!;
    const block = Buffer.concat([
      V6.subarray(0, 10),
      Buffer.from('0.6\0', 'latin1'),
      V6.subarray(versionEnd + 1, kallsymsAt.at),
      Buffer.alloc(4),
      V6.subarray(kallsymsAt.at + 4 + kallsymsAt.value, END),
    ]);
    const td = readTracingData(cursor(block, true), block.length);
    expect(td.version).toBe('0.6');
    expect(td.events.size).toBe(readTracingData(cursor(V6, true), END).events.size);
    expect(td.cmdlines.size).toBeGreaterThan(10);
  });

  it('cut anywhere: a BinaryError naming what was being read', () => {
    for (const cut of [5, 20, 200, 5000, END - 3]) {
      expect(() => readTracingData(cursor(V6.subarray(0, cut), true), cut)).toThrow(BinaryError);
    }
  });
});
