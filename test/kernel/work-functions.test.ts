import { describe, expect, it } from 'vitest';
import { COMPLETION_WORK, DIO_COMPLETION_WORK, IO_COMPLETION_WORK, IOMAP_DIO_WORK, LEGACY_DIO_WORK } from '../../src/kernel/work-functions.js';
import { POLICIES } from '../../src/sim/policies/index.js';

/** The one table of work functions that complete an I/O. */

describe('completion work functions', () => {
  it('lists each function once', () => {
    const names = COMPLETION_WORK.map((w) => w.fn);
    expect(new Set(names).size).toBe(names.length);
    expect(IO_COMPLETION_WORK.size).toBe(names.length);
  });

  it('keeps direct-I/O completion (what calibration times) to the generic DIO code’s own work', () => {
    expect([...DIO_COMPLETION_WORK].sort()).toEqual([LEGACY_DIO_WORK, IOMAP_DIO_WORK].sort());
    for (const fn of DIO_COMPLETION_WORK) expect(IO_COMPLETION_WORK.has(fn)).toBe(true);
  });

  it('holds the filesystems’ I/O-end work, and no end_io callback (those never run as work items)', () => {
    expect(IO_COMPLETION_WORK.has('ext4_end_io_rsv_work')).toBe(true);
    expect(IO_COMPLETION_WORK.has('xfs_end_io')).toBe(true);
    expect(IO_COMPLETION_WORK.has('xfs_dio_write_end_io')).toBe(false);
    expect(IO_COMPLETION_WORK.has('blk_mq_run_work_fn')).toBe(false);
  });

  it('names the work every simulated kernel policy queues', () => {
    for (const p of Object.values(POLICIES)) expect(DIO_COMPLETION_WORK.has(p.workFunction), p.name).toBe(true);
  });
});
