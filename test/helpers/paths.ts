import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(REPO, 'fixtures');
/** The shared real captures, present beside a checkout on the machines that made them. */
export const SHARED_TRACES = resolve(REPO, '..', 'shared', 'real-traces');
export const HAS_SHARED = existsSync(join(SHARED_TRACES, 'README.md'));
export const SKIP_SHARED_REASON = `shared captures not found at ../shared/real-traces: whole-capture checks skipped`;

/** A Source for the library from a string (as a one-chunk byte stream). */
export function textSource(text: string): Readable {
  return Readable.from([Buffer.from(text, 'utf8')]);
}

/** Builds one tracefs `trace` line: `%16s-%-7d [%03d] flags %12s: event: payload`. */
export function ft(comm: string, pid: number, cpu: number, flags: string, tsUs: number, event: string, payload: string): string {
  const ts = (tsUs / 1e6).toFixed(6);
  return `${comm.padStart(16)}-${String(pid).padEnd(7)} [${String(cpu).padStart(3, '0')}] ${flags} ${ts.padStart(12)}: ${event}: ${payload}`;
}
