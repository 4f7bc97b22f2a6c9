/**
 * Storage-stack presets: several device layers between the workload and the disk, each with the
 * completion hops the kernel takes through them (drivers/block/loop.c, drivers/md/dm-crypt.c,
 * drivers/md/dm.c, block/blk-mq.c, fs/iomap/direct-io.c of Linux 6.18).
 *
 *  nvme-64     one NVMe namespace, one hardware queue and one MSI-X vector per CPU (blk-mq maps
 *              each CPU to its own queue, so a request completes on the CPU that submitted it);
 *              64 CPUs, 16 fio jobs on 16 CPUs. Writes defer to dio/nvme0n1 (1 hop), reads
 *              complete in the hardirq (0 hops).
 *  loop-disk   xfs on loop0 (direct I/O) on a file of the disk's file system: loop queues
 *              loop_rootcg_workfn on the unbound `loop0` workqueue; its kworker issues a DIO on
 *              the backing file (iocb flags `DIRECT` only: lo_rw_aio's kiocb); the backing
 *              completion (deferred to dio/vda for writes) completes the loop request through the
 *              BLOCK softirq (loop has one hardware queue), and the upper write defers again to
 *              dio/loop0 (2 hops); reads complete inline at both levels (0 hops).
 *  dm-linear   bio-based: block_bio_queue on dm-0, block_bio_remap to the disk, requests only on
 *              the disk; the clone's completion ends the dm-0 bio (block_bio_complete) in the same
 *              softirq. Writes 1 hop (dio/dm-0), reads 0.
 *  dm-crypt    writes are encrypted in kcryptd_crypt on `kcryptd/253:0` and submitted by the
 *              dmcrypt_write thread (crypt's write tree); reads are decrypted in kcryptd_crypt after
 *              the disk completes, which then ends the dm-0 bio and the DIO in that kworker.
 *              Writes 1 hop (dio/dm-0), reads 1 hop (kcryptd).
 */

export type StackKind = 'nvme' | 'loop' | 'dm-linear' | 'dm-crypt';
export type StackPresetName = 'nvme-64' | 'loop-disk' | 'dm-linear' | 'dm-crypt';

export interface StackParams {
  stack: StackKind;
  cpus: number;
  jobs: number;
  /** CPU of job j: j * jobStride (+ jobCpu0). */
  jobCpu0: number;
  jobStride: number;
  iosPerJob: number;
  iodepth: number;
  bs: number;
  /** Percent of reads (fio rwmixread). */
  readPct: number;
  fileSize: number;
  /** Disk: one queue and interrupt per CPU (nvme) or one queue with its interrupt on irqCpu. */
  perCpuQueues: boolean;
  irqCpu: number;
  /** Disk completion context: hardirq (NVMe) or the BLOCK softirq (virtio-blk). */
  completion: 'hardirq' | 'softirq';
  serviceMedianNs: number;
  serviceSigma: number;
  irqDelayNs: number;
  submitNs: number;
  completeNs: number;
  wakeNs: number;
  workItemNs: number;
  /** dm-crypt: CPU time to encrypt or decrypt one byte (AES-NI XTS ~1.5 GB/s per core). */
  cryptNsPerByte: number;
  startSec: number;
}

const base: StackParams = {
  stack: 'nvme',
  cpus: 4,
  jobs: 2,
  jobCpu0: 1,
  jobStride: 2,
  iosPerJob: 2000,
  iodepth: 8,
  bs: 4096,
  readPct: 50,
  fileSize: 128 * 1024 * 1024,
  perCpuQueues: false,
  irqCpu: 1,
  completion: 'softirq',
  serviceMedianNs: 40_000,
  serviceSigma: 0.4,
  irqDelayNs: 2000,
  submitNs: 3000,
  completeNs: 1500,
  wakeNs: 5000,
  workItemNs: 800,
  cryptNsPerByte: 0.7,
  startSec: 600,
};

export const STACK_PRESETS: Readonly<Record<StackPresetName, { description: string; params: StackParams }>> = {
  'nvme-64': {
    description: 'NVMe, one queue and interrupt per CPU, 64 CPUs, 16 fio jobs',
    params: { ...base, stack: 'nvme', cpus: 64, jobs: 16, jobCpu0: 0, jobStride: 4, iosPerJob: 1000, iodepth: 16, perCpuQueues: true, completion: 'hardirq', serviceMedianNs: 60_000, irqDelayNs: 500, submitNs: 1500, completeNs: 700, wakeNs: 1500 },
  },
  'loop-disk': { description: 'xfs on a direct-I/O loop device on a virtio disk', params: { ...base, stack: 'loop' } },
  'dm-linear': { description: 'a file system on dm-linear (bio remap) on a virtio disk', params: { ...base, stack: 'dm-linear' } },
  'dm-crypt': { description: 'a file system on dm-crypt: kcryptd encrypts writes, decrypts reads', params: { ...base, stack: 'dm-crypt' } },
};

export const STACK_PRESET_NAMES = Object.keys(STACK_PRESETS) as StackPresetName[];

export function isStackPreset(s: string): s is StackPresetName {
  return Object.hasOwn(STACK_PRESETS, s);
}

/** Completion hops each preset promises per direction (the ground-truth tests hold the model to it). */
export function expectedHops(stack: StackKind, write: boolean): number {
  switch (stack) {
    case 'nvme':
    case 'dm-linear':
      return write ? 1 : 0;
    case 'loop':
      return write ? 2 : 0;
    case 'dm-crypt':
      return 1;
  }
}
