import { existsSync, statSync } from 'node:fs';
import { IopathError } from '../model/errors.js';

/**
 * Checks a path before it is streamed, so a typo gets a one-line message instead of the reader's
 * ENOENT or EISDIR halfway through. `-` (standard input) always passes.
 */
export function checkInputPath(path: string): void {
  if (path === '-') return;
  if (!existsSync(path)) throw new IopathError('unreadable', `${path}: no such file`);
  if (statSync(path).isDirectory()) throw new IopathError('unreadable', `${path}: is a directory, not a trace file`);
}
