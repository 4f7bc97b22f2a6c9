import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureRefusal } from './errors.js';
import type { RestoreJournal } from './journal.js';

/**
 * The tracefs instance a capture traces into: `mkdir instances/NAME` makes a ring buffer with its
 * own events, options, clock and size (the kernel fills the directory), `rmdir` frees it all. The
 * top-level buffer, and any other instance, is left as it was: a second capture, or a user's own
 * `echo 1 > tracing_on`, does not clear or disturb it.
 */

export interface InstanceOps {
  /** Makes the instance (throws as mkdir does: EEXIST, EACCES…). */
  create(path: string): void;
  /** Removes it; one already gone is not an error. */
  remove(path: string): void;
}

export const SYSTEM_INSTANCES: InstanceOps = {
  create: (path) => mkdirSync(path),
  remove: (path) => {
    try {
      rmdirSync(path);
    } catch (err) {
      // `trace-cmd extract -B NAME` removes the instance it read once it is done.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  },
};

export function instanceName(pid = process.pid): string {
  return `iopath-${pid}`;
}

/** Makes `instances/NAME` under `root` and journals its removal; a refusal when it cannot. */
export function createInstance(root: string, name: string, journal: RestoreJournal, ops: InstanceOps): void {
  const dir = join(root, 'instances');
  if (!existsSync(dir)) throw new CaptureRefusal('no-tracefs', `${root} has no instances directory (tracefs instances need Linux 3.10 or later): capture with --top-level`);
  const path = join(dir, name);
  try {
    ops.create(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CaptureRefusal('no-tracefs', `the tracefs instance ${path} exists already (left by a capture whose process had this pid?): remove it with rmdir, or capture with --top-level`);
    throw new CaptureRefusal('no-tracefs', `cannot create the tracefs instance ${path}: ${code ?? (err as Error).message}`);
  }
  journal.record(`instances/${name}`, `instances/${name} (removed)`, () => ops.remove(path));
}
