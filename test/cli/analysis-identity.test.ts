import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, REPO, SHARED_TRACES } from '../helpers/paths.js';
import { runAnalyze } from '../../src/commands/analyze.js';
import { runInProcess } from './in-process.js';
import { buildCli, iopathAll, type Run } from './run.js';

/**
 * `analyze --json` of every fixture and every shared capture, held to the SHA-256 of its output.
 * A refactor must leave these bytes alone; a change that means to alter an analysis regenerates
 * the table (`UPDATE_IDENTITY=1 npx vitest run test/cli/analysis-identity`) and says why in its
 * commit, so the diff of this table lists exactly which inputs' answers moved.
 *
 * The shared captures go through the built CLI; the fixtures through the command's body in-process
 * (what the CLI runs after parsing its arguments; a spawned CLI costs ~0.7 s of CPU loading its
 * modules, more than most fixtures' analysis), and one fixture both ways, held to the same bytes,
 * so the CLI's own wiring is checked where the shared captures are absent too.
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

/** The fixture also run through the built CLI. */
const BOTH_WAYS = join('fixtures', 'real', 'libaio-randwrite-cpu1.ftrace.txt.gz');
let cliOfBoth: Run | undefined;
let ownOfBoth: Run | undefined;

beforeAll(async () => {
  buildCli();
  const hash = (r: Run): string => `${r.code}:${createHash('sha256').update(r.stdout).digest('hex')}`;
  // The CLI's children run on the other core while the fixtures are analysed here.
  const cliFiles = [...shared, BOTH_WAYS];
  const cliRuns = iopathAll(cliFiles.map((f) => ['analyze', f, '--json']));
  for (const f of fixtures) {
    const r = await runInProcess(() => runAnalyze(f, { json: true, unit: 'auto' }));
    hashes.set(f, hash(r));
    if (f === BOTH_WAYS) ownOfBoth = r;
  }
  const runs = await cliRuns;
  cliFiles.forEach((f, i) => {
    if (f === BOTH_WAYS) cliOfBoth = runs[i];
    else hashes.set(f, hash(runs[i]!));
  });
  if (process.env.UPDATE_IDENTITY) {
    const next: Record<string, string> = { ...table };
    for (const [f, h] of hashes) next[f] = h;
    writeFileSync(TABLE, `${JSON.stringify(next, null, 1)}\n`);
    Object.assign(table, next);
  }
}, 600_000);

it(`the built CLI prints for ${BOTH_WAYS} the bytes the command prints in-process`, () => {
  expect(fixtures).toContain(BOTH_WAYS);
  expect(cliOfBoth?.code, cliOfBoth?.stderr).toBe(ownOfBoth?.code);
  expect(cliOfBoth?.stdout).toBe(ownOfBoth?.stdout);
  expect(cliOfBoth?.stdout.length).toBeGreaterThan(1000);
});

describe('analyze --json is byte-identical to the recorded table', () => {
  it.each(fixtures)('%s', (f) => {
    expect(table[f], `${f} has no recorded hash: run with UPDATE_IDENTITY=1`).toBeDefined();
    expect(hashes.get(f)).toBe(table[f]);
  });
  it.skipIf(!HAS_SHARED).each(shared.length ? shared : ['(shared captures absent)'])('%s', (f) => {
    expect(hashes.get(f)).toBe(table[f]);
  });
});
