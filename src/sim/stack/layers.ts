import type { Dev } from '../../model/events.js';
import type { StackKind } from './presets.js';
import type { LayerRole } from './truth.js';

/**
 * The devices of each stack, top first, with the names the kernel prints for them: the DIO
 * workqueue is `dio/<s_id>` of the file system on the device, the loop worker's workqueue is the
 * loop device's name, dm-crypt's is `kcryptd/<major:minor>`.
 */

export interface DeviceInfo {
  dev: Dev;
  name: string;
  /** The inode the iomap events print for the file on this device (its file system). */
  ino: string;
  /** Disk sector of the file's offset 0 on this device. */
  fileStartSector: number;
  /** i_size of that file as iomap prints it. */
  size: number;
  role: LayerRole;
}

export interface StackDevices {
  top: DeviceInfo;
  /** The loop device's backing file system's device (loop), or the dm target's disk. */
  disk: DeviceInfo;
  /** How the top device reaches the disk. */
  kind: StackKind;
}

/** The loop image or the dm table's disk: a 1 GiB backing file on vda, or vda itself. */
const vda = (role: LayerRole): DeviceInfo => ({ dev: { major: 254, minor: 0 }, name: 'vda', ino: '0x51a1cd', fileStartSector: 38_404_096, size: 1 << 30, role });

export function stackDevices(kind: StackKind, fileSize: number): StackDevices {
  switch (kind) {
    case 'nvme': {
      const nvme: DeviceInfo = { dev: { major: 259, minor: 0 }, name: 'nvme0n1', ino: '0x20c089', fileStartSector: 46_667_776, size: fileSize, role: 'top' };
      return { top: nvme, disk: nvme, kind };
    }
    case 'loop':
      return { top: { dev: { major: 7, minor: 0 }, name: 'loop0', ino: '0x83', fileStartSector: 262_144, size: fileSize, role: 'top' }, disk: vda('loop-backing'), kind };
    case 'dm-linear':
    case 'dm-crypt':
      return { top: { dev: { major: 253, minor: 0 }, name: 'dm-0', ino: '0x2001', fileStartSector: 1_048_576, size: fileSize, role: 'top' }, disk: vda('dm-target'), kind };
  }
}

export const devText = (d: Dev): string => `${d.major}:${d.minor}`;

/** dm-linear's and dm-crypt's start on the disk (the table's offset), in sectors. */
export const DM_START_SECTOR = 2048;
/** dm-crypt's payload offset after the LUKS2 header (16 MiB). */
export const CRYPT_START_SECTOR = 32_768;
