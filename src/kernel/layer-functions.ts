/**
 * Names for the work functions that move an I/O between device layers or defer its completion,
 * for display only: the analyzer decides what is a layer link or a completion hop from what the
 * trace shows (who queued a work item, from which context, and what its worker then issued),
 * never from this table. An unknown function is shown by its own name.
 */

export interface LayerFunction {
  fn: string;
  label: string;
}

export const LAYER_FUNCTIONS: readonly LayerFunction[] = [
  // drivers/block/loop.c: the worker that turns a loop request into I/O on the backing file.
  { fn: 'loop_rootcg_workfn', label: 'loop worker (root cgroup)' },
  { fn: 'loop_workfn', label: 'loop worker (per cgroup)' },
  // fs/iomap/direct-io.c, fs/direct-io.c: the direct-I/O completion deferred to a kworker.
  { fn: 'iomap_dio_complete_work', label: 'iomap DIO completion' },
  { fn: 'dio_aio_complete_work', label: 'legacy DIO completion' },
  // drivers/md/dm-crypt.c: encryption on submission, decryption on completion.
  { fn: 'kcryptd_crypt', label: 'dm-crypt kcryptd' },
  { fn: 'kcryptd_io_read_work', label: 'dm-crypt read submission' },
  // fs/btrfs: the bio end_io work, then the ordered-extent / DIO end work.
  { fn: 'simple_end_io_work', label: 'btrfs end_io' },
  { fn: 'btrfs_work_helper', label: 'btrfs worker' },
  // fs/ext4, fs/xfs: unwritten-extent conversion and size update at I/O end.
  { fn: 'ext4_end_io_rsv_work', label: 'ext4 end_io (reserved)' },
  { fn: 'xfs_end_io', label: 'xfs end_io' },
  // block/blk-mq.c: dispatch from kblockd when the issuer could not run the queue itself.
  { fn: 'blk_mq_run_work_fn', label: 'blk-mq dispatch (kblockd)' },
];

const BY_FN = new Map(LAYER_FUNCTIONS.map((f) => [f.fn, f.label]));

export function layerFunctionLabel(fn: string): string {
  return BY_FN.get(fn) ?? fn;
}

/**
 * Kernel threads that issue I/O on their own (journal commits, log and AIL pushes, flushers,
 * reclaim), by name prefix: their I/O is background, never the workload's. kworkers are
 * recognised by kernel/tasks.ts.
 */
const KERNEL_IO_THREADS = ['jbd2/', 'xfsaild/', 'xfs-', 'btrfs-', 'kswapd', 'flush-', 'ksoftirqd/', 'kcompactd', 'loop', 'kthreadd'];

export function isKernelIoThreadComm(comm: string): boolean {
  return KERNEL_IO_THREADS.some((p) => comm.startsWith(p));
}
