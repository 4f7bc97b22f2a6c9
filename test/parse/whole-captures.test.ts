import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventName } from '../../src/model/events.js';
import { streamEvents } from '../../src/parse/stream.js';
import { hasSharedTraces, SHARED_TRACES } from './helpers.js';

/**
 * The whole shared captures (beside the repository, in ../shared/real-traces) parse with no
 * malformed line or payload, and the count of every event name equals what
 * `zcat FILE | grep -c ' EVENT:'` says (`system:event:` for perf). A fresh clone has no shared
 * captures: then these tests are skipped, with the reason printed.
 */

if (!hasSharedTraces) console.warn(`[whole-captures] skipped: ${SHARED_TRACES} does not exist (the shared real captures live beside the repository)`);

const traces = hasSharedTraces ? readdirSync(SHARED_TRACES).filter((f) => /\.(raw|tcmd|perf)\.txt\.gz$/.test(f)) : [];
const tmp = mkdtempSync(join(tmpdir(), 'iopath-whole-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `grep -c PATTERN` over the decompressed capture (decompressed once, then grepped per name). */
function grepCount(plain: string, pattern: string): number {
  try {
    return Number(execFileSync('grep', ['-c', '-F', '--', pattern, plain], { encoding: 'utf8' }).trim());
  } catch (err) {
    // grep exits 1 when nothing matches.
    const out = (err as { stdout?: string }).stdout;
    if (out !== undefined && out.trim() === '0') return 0;
    throw err;
  }
}

describe.skipIf(!hasSharedTraces)('whole shared captures', () => {
  it('are all there', () => {
    expect(traces.length).toBeGreaterThanOrEqual(6);
  });

  it.each(traces)('%s parses with zero malformed lines and grep-equal counts by event name', async (name) => {
    const path = join(SHARED_TRACES, name);
    const counts = new Map<string, number>();
    const res = await streamEvents(path, (e) => {
      const n = e.kind === 'lost' ? 'lost' : e.kind === 'other' && e.system !== undefined ? `${e.system}:${e.name}` : eventName(e);
      counts.set(n, (counts.get(n) ?? 0) + 1);
    });
    const diag = res.diagnostics.counts();
    expect(diag.malformed_line ?? 0).toBe(0);
    expect(diag.malformed_payload ?? 0).toBe(0);
    expect(diag.binary_data ?? 0).toBe(0);
    expect(counts.get('other') ?? 0).toBe(0);
    const plain = join(tmp, name.replace(/\.gz$/, ''));
    execFileSync('sh', ['-c', 'zcat "$1" > "$2"', 'sh', path, plain]);
    const perf = res.format === 'perf';
    const systemOf = new Map<string, string>();
    if (perf) {
      // perf names carry their system; learn it from the text to build the grep pattern.
      for (const line of execFileSync('sh', ['-c', `grep -oE ' [a-z_]+:[a-z_0-9]+: ' "$1" | sort -u`, 'sh', plain], { encoding: 'utf8' }).split('\n')) {
        const m = / ([a-z_]+):([a-z_0-9]+): /.exec(line);
        if (m) systemOf.set(m[2] as string, m[1] as string);
      }
    }
    let total = 0;
    for (const [n, c] of counts) {
      total += c;
      const pattern = perf ? ` ${systemOf.get(n) ?? '?'}:${n}:` : ` ${n}:`;
      expect(c, `${name}: ${n}`).toBe(grepCount(plain, pattern));
    }
    expect(total).toBe(res.events);
    rmSync(plain);
  }, 60_000);
});
