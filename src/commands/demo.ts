import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAnalyze } from './analyze.js';
import { CliError } from './common.js';

/** The repository root (dist/commands/ → ../..). */
export function repoRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** The bundled real capture `npm start` works on (see fixtures/README.md). */
export function demoTracePath(name = 'libaio-randwrite-cpu1.ftrace.txt.gz'): string {
  return join(repoRoot(), 'fixtures', 'real', name);
}

export async function runDemo(): Promise<number> {
  const path = demoTracePath();
  if (!existsSync(path)) throw new CliError(`bundled trace missing: ${path}`);
  process.stdout.write(`iopath demo: analyzing the bundled real capture fixtures/real/libaio-randwrite-cpu1.ftrace.txt.gz\n`);
  process.stdout.write(`(fio, libaio 4 KiB random DIO overwrites, iodepth 32, pinned to CPU 1, the CPU that takes the virtio-blk interrupt; Linux 6.18)\n\n`);
  // A path relative to where the user stands: reports and output never embed this machine's layout.
  return runAnalyze(relative(process.cwd(), path) || path, {});
}
