import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureRefusal } from './errors.js';

/** Mounting tracefs when it is not mounted yet, and unmounting only a mount made here. */

export interface MountOps {
  /** Mounts tracefs at `root`; returns an error message, or undefined on success. */
  mount(root: string): string | undefined;
  unmount(root: string): string | undefined;
}

function run(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) return r.error.message;
  if (r.status === 0) return undefined;
  return (r.stderr || r.stdout || `${cmd} exited with status ${r.status}`).trim().split('\n')[0];
}

export const SYSTEM_MOUNT: MountOps = {
  mount: (root) => run('mount', ['-t', 'tracefs', 'nodev', root]),
  unmount: (root) => run('umount', [root]),
};

/** A tracefs is usable at `root` when its control files are there. */
export function tracefsReady(root: string): boolean {
  return existsSync(join(root, 'tracing_on'));
}

/** Returns whether this call mounted it (and so must unmount it afterwards). */
export function ensureTracefs(root: string, ops: MountOps): { mountedHere: boolean } {
  if (tracefsReady(root)) return { mountedHere: false };
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new CaptureRefusal('no-tracefs', `no tracefs at ${root} and no directory to mount it on (is the kernel built with CONFIG_TRACING?)`);
  const err = ops.mount(root);
  if (err !== undefined) throw new CaptureRefusal('no-tracefs', `tracefs is not mounted at ${root} and mounting it failed: ${err}`);
  if (!tracefsReady(root)) {
    ops.unmount(root);
    throw new CaptureRefusal('no-tracefs', `mounted tracefs at ${root} but it has no tracing_on file (is ftrace disabled in this kernel?)`);
  }
  return { mountedHere: true };
}
