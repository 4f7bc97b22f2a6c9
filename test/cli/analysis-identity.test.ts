import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, REPO, SHARED_TRACES } from '../helpers/paths.js';
import { buildCli, iopathAll } from './run.js';

/**
 * `analyze --json` of every fixture and every shared capture, held to the SHA-256 of its output.
 * A refactor must leave these bytes alone; a change that means to alter an analysis regenerates
 * the table (`UPDATE_IDENTITY=1 npx vitest run test/cli/analysis-identity`) and says why in its
 * commit, so the diff of this table lists exactly which inputs' answers moved.
 */

const TABLE = join(REPO, 'test', 'cli', 'analysis-identity.json');

function traceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...traceFiles(p));
    else if (/\.txt(\.gz)?$/.test(e.name) && !e.name.endsWith('.golden.txt')) out.push(p);
  }
  return out.sort();
}

const fixtures = traceFiles(join(REPO, 'fixtures')).map((p) => relative(REPO, p));
const shared = HAS_SHARED ? traceFiles(SHARED_TRACES).map((p) => relative(REPO, p)) : [];
const table: Record<string, string> = existsSync(TABLE) ? (JSON.parse(readFileSync(TABLE, 'utf8')) as Record<string, string>) : {};
const hashes = new Map<string, string>();

beforeAll(async () => {
  buildCli();
  const files = [...fixtures, ...shared];
  const runs = await iopathAll(files.map((f) => ['analyze', f, '--json']));
  files.forEach((f, i) => {
    const r = runs[i]!;
    hashes.set(f, `${r.code}:${createHash('sha256').update(r.stdout).digest('hex')}`);
  });
  if (process.env.UPDATE_IDENTITY) {
    const next: Record<string, string> = { ...table };
    for (const [f, h] of hashes) next[f] = h;
    writeFileSync(TABLE, `${JSON.stringify(next, null, 1)}\n`);
    Object.assign(table, next);
  }
}, 600_000);

describe('analyze --json is byte-identical to the recorded table', () => {
  it.each(fixtures)('%s', (f) => {
    expect(table[f], `${f} has no recorded hash: run with UPDATE_IDENTITY=1`).toBeDefined();
    expect(hashes.get(f)).toBe(table[f]);
  });
  it.skipIf(!HAS_SHARED).each(shared.length ? shared : ['(shared captures absent)'])('%s', (f) => {
    expect(hashes.get(f)).toBe(table[f]);
  });
});
