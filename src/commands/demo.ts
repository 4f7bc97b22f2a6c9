import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from './common.js';
import { runInspect } from './inspect.js';

/** The bundled real capture `npm start` works on (see fixtures/README.md). */
export function demoTracePath(): string {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return join(root, 'fixtures', 'real', 'libaio-randwrite-cpu1.ftrace.txt.gz');
}

export async function runDemo(): Promise<number> {
  const path = demoTracePath();
  if (!existsSync(path)) throw new CliError(`bundled trace missing: ${path}`);
  process.stdout.write(`iopath demo: inspecting the bundled real capture ${path}\n\n`);
  return runInspect(path, {});
}
