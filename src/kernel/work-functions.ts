/**
 * Work functions whose run completes an I/O: the block layer finished the request, and the rest
 * of the completion (the iocb's completion, unwritten-extent conversion, size update, page
 * writeback end) is deferred to a kworker. A block completion followed, in the same invocation, by
 * `workqueue_queue_work … function=<one of these>` is an I/O completed by that kworker (kernel
 * notes §1, §3.1).
 *
 * Kernel versions come from the INIT_WORK sites in kernel source trees 3.10.99, 3.11.0, 3.12.10,
 * a 4.10.1-labelled tree, 5.10.7 and 6.2; 4.18 and 6.18 from the kernel notes.
 */

export interface CompletionWork {
  /** The function name as `workqueue_queue_work`/`execute_start` print it. */
  fn: string;
  /**
   * `dio`: the generic direct-I/O code's own completion, queued from the bio end_io of every
   * deferred direct I/O. `fs`: a filesystem's I/O-end work, queued for unwritten extents (and, on
   * ≤3.11 ext4, the completion of an AIO direct write into them) or for buffered writeback.
   */
  kind: 'dio' | 'fs';
  source: string;
  kernels: string;
}

/** iomap's direct-I/O completion work (fs/iomap/direct-io.c). */
export const IOMAP_DIO_WORK = 'iomap_dio_complete_work';
/** The legacy direct-I/O code's completion work (fs/direct-io.c). */
export const LEGACY_DIO_WORK = 'dio_aio_complete_work';

export const COMPLETION_WORK: readonly CompletionWork[] = [
  // iomap's direct I/O (4.10, XFS first): fs/iomap.c, fs/iomap/direct-io.c by 5.10; ext4's since 5.5.
  { fn: IOMAP_DIO_WORK, kind: 'dio', source: 'fs/iomap/direct-io.c', kernels: '4.10+' },
  // Absent from 3.11, present from 3.12 to 6.2 at least; ext4's direct I/O until 5.4, and the
  // filesystems still on fs/direct-io.c (ext2, fat, ocfs2, …).
  { fn: LEGACY_DIO_WORK, kind: 'dio', source: 'fs/direct-io.c', kernels: '3.12+' },
  // Per-inode conversion of unwritten extents; it also calls aio_complete for direct writes into them.
  { fn: 'ext4_end_io_work', kind: 'fs', source: 'fs/ext4/page-io.c', kernels: '≤3.10' },
  // 3.11 split the list in two: unreserved (direct I/O, aio_complete inside) and reserved
  // (writeback); 3.12 handed direct I/O to dio_aio_complete_work and dropped the unreserved one.
  { fn: 'ext4_end_io_unrsv_work', kind: 'fs', source: 'fs/ext4/page-io.c', kernels: '3.11' },
  { fn: 'ext4_end_io_rsv_work', kind: 'fs', source: 'fs/ext4/page-io.c', kernels: '3.11+' },
  // Per-ioend up to 4.x, per-inode (i_ioend_work) by 5.10: unwritten conversion and size update.
  { fn: 'xfs_end_io', kind: 'fs', source: 'fs/xfs/xfs_aops.c', kernels: '3.10+' },
];

/**
 * Every work function that completes an I/O: the analyzer's deferral test, and the work the
 * timeline draws as "kworker DIO work" (the CPU-share chart counts the same items under that name).
 */
export const IO_COMPLETION_WORK: ReadonlySet<string> = new Set(COMPLETION_WORK.map((w) => w.fn));

/**
 * The generic direct-I/O completion work only: what calibration times (its work runs
 * iomap_dio_complete / dio_complete and nothing of a filesystem's own).
 */
export const DIO_COMPLETION_WORK: ReadonlySet<string> = new Set(COMPLETION_WORK.filter((w) => w.kind === 'dio').map((w) => w.fn));
