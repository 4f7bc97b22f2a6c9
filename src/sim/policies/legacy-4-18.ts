import { LEGACY_DIO_WORK } from '../../kernel/work-functions.js';
import type { Policy } from './types.js';

/**
 * 4.18 fs/direct-io.c with ext4 (RHEL 8 4.18, same as upstream 4.1x).
 *
 * Submission (do_blockdev_direct_IO): `dio->is_async` is false for sync kiocbs and for writes that
 * extend i_size (`end > i_size_read`): those wait in the submitter. Async O_DSYNC writes call
 * dio_set_defer_completion(); ext4's get_block for an unwritten extent sets
 * buffer_defer_completion, which does the same.
 *
 * Completion (dio_bio_end_aio, in the bio_endio context): `defer = dio->defer_completion ||
 * (op == WRITE && inode->i_mapping->nrpages)`; defer → queue_work(dio_aio_complete_work) on
 * s_dio_done_wq, else dio_complete() + aio_complete() right there (hardirq for NVMe).
 *
 * Simplifications: `defer` is only computed when dio->result != 0 in the kernel; an error is
 * modelled as still completing inline (the kernel calls dio_complete with the error). 4.18 had no
 * FUA for O_DSYNC DIO: the sync runs in the work item (generic_write_sync).
 */
export const legacy418: Policy = {
  name: 'legacy-4.18',
  workFunction: LEGACY_DIO_WORK,
  waits: (io) => io.syncKiocb || (io.write && io.extent === 'extending'),
  complete(io) {
    if (io.write && io.dsync) return { where: 'defer', reason: 'defer_completion: O_DSYNC aio write' };
    if (io.write && io.extent === 'unwritten') return { where: 'defer', reason: 'defer_completion: unwritten extent (ext4 get_block)' };
    if (io.write && io.pageCache) return { where: 'defer', reason: 'write with i_mapping->nrpages' };
    return { where: 'inline', reason: io.write ? 'overwrite of written blocks' : 'read' };
  },
  fua: () => false,
  dioFlags: () => '',
};
