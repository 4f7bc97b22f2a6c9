/**
 * A kernel DIO completion policy decides, for one I/O, whether the submitter waits for it and,
 * for asynchronous I/O, where the completion runs once the last bio ends. The facts it looks at
 * are those the kernel code tests; the model gives them per I/O in `IoCase`.
 */

export interface IoCase {
  write: boolean;
  /** Synchronous kiocb (psync pread/pwrite): the submitter always waits. */
  syncKiocb: boolean;
  /** O_DSYNC (IOCB_DSYNC). */
  dsync: boolean;
  extent: 'overwrite' | 'unwritten' | 'extending';
  /** inode->i_mapping->nrpages != 0 when the I/O completes. */
  pageCache: boolean;
  /** The I/O failed. */
  error: boolean;
  /** The device can do FUA / write-through (bdev_fua, or no volatile cache). */
  deviceFua: boolean;
}

export interface CompletionDecision {
  where: 'inline' | 'defer';
  /** The kernel condition that decided, for the ground truth and tests. */
  reason: string;
}

export interface Policy {
  name: 'legacy-4.18' | 'iomap-5.10' | 'patched' | 'mainline-6.19';
  /** Work function the deferred completion runs (its name in workqueue events). */
  workFunction: string;
  /** True when the submitter waits for the I/O (sync kiocb or forced wait): completion runs in that task. */
  waits(io: IoCase): boolean;
  /** Where an asynchronous I/O completes, decided in the bio end_io (irq context). */
  complete(io: IoCase): CompletionDecision;
  /** True when the write goes out as FUA (rwbs `WFS`) instead of needing a cache flush. */
  fua(io: IoCase): boolean;
  /** `dio_flags` printed by iomap_dio_rw_begin. */
  dioFlags(io: IoCase): string;
}
