import { IOMAP_DIO_WORK } from '../../kernel/work-functions.js';
import type { Policy } from './types.js';
import { iomap510 } from './iomap-5-10.js';

/**
 * The Feb 2024 RFC (IOMAP_DIO_MAY_INLINE_COMP, not merged upstream; carried by openEuler 5.10).
 *
 * ext4 passes the flag when `ilock_shared && !unwritten` (an overwrite of written blocks); iomap
 * sets IOMAP_DIO_INLINE_COMP for writes only in the non-DSYNC branch, so an O_DSYNC write keeps
 * NEED_SYNC and goes to the workqueue (the patch WARNs if both are set). Inline completions skip
 * the post-write page-cache invalidation: page-cache pages do NOT force deferral here (the
 * generic/451 hazard openEuler later fixed). Everything else is as iomap-5.10.
 */
export const patched: Policy = {
  name: 'patched',
  workFunction: IOMAP_DIO_WORK,
  waits: iomap510.waits,
  complete(io) {
    if (!io.write) return { where: 'inline', reason: 'read' };
    if (io.extent !== 'overwrite') return { where: 'defer', reason: 'not an overwrite of written blocks: no MAY_INLINE_COMP' };
    if (io.dsync) return { where: 'defer', reason: 'O_DSYNC: NEED_SYNC keeps the workqueue' };
    return { where: 'inline', reason: 'IOMAP_DIO_MAY_INLINE_COMP overwrite' };
  },
  fua: iomap510.fua,
  dioFlags: iomap510.dioFlags,
};
