import { IOMAP_DIO_WORK } from '../../kernel/work-functions.js';
import type { Policy } from './types.js';

/**
 * ext4 on iomap, 5.5 to 6.18 (fs/iomap/direct-io.c + fs/ext4/file.c, as in 5.10.13).
 *
 * Submission: ext4_dio_write_iter passes wait_for_completion = is_sync_kiocb || unaligned_io ||
 * extend, so extending AIO writes wait in the submitter. O_DSYNC writes try FUA
 * (IOMAP_DIO_WRITE_FUA); if every bio was FUA, NEED_SYNC is cleared, but that does not change
 * where the completion runs.
 *
 * Completion (iomap_dio_bio_end_io, when the last reference drops): a waiter is woken
 * (blk_wake_io_task) and completes in its task; else `if (dio->flags & IOMAP_DIO_WRITE)`
 * queue_work(iomap_dio_complete_work) on s_dio_done_wq, with no other condition; else (reads)
 * iomap_dio_complete_work() inline.
 *
 * Simplification: unaligned writes (also forced to wait) are not modelled; bs is always aligned.
 */
export const iomap510: Policy = {
  name: 'iomap-5.10',
  workFunction: IOMAP_DIO_WORK,
  waits: (io) => io.syncKiocb || (io.write && io.extent === 'extending'),
  complete: (io) => (io.write ? { where: 'defer', reason: 'IOMAP_DIO_WRITE: every async write is deferred' } : { where: 'inline', reason: 'read' }),
  fua: (io) => io.write && io.dsync && io.deviceFua && io.extent === 'overwrite',
  dioFlags: (io) => (io.write && io.extent === 'extending' ? 'DIO_FORCE_WAIT' : ''),
};
