import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, REPO } from '../helpers/paths.js';
import { buildCli, tempDir } from '../cli/run.js';

/**
 * The package as a user gets it: `npm pack`, then the tarball installed into an empty project with
 * `npm ci --offline`, from npm's cache only (never the network). The project's lockfile is the
 * repository's, runtime entries only, plus the tarball: the dependencies resolve to exactly the
 * versions the repository is tested with, and an import of a devDependency would fail there.
 */

const dir = tempDir('pack');
const TRACE = join(FIXTURES, 'real', 'libaio-randwrite-cpu1.ftrace.txt.gz');

interface PackEntry {
  filename: string;
  files: { path: string }[];
}

let packed: PackEntry;

function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A lockfile for a project depending on the tarball alone, from the repository's. */
function lockFor(tarball: string): unknown {
  const repoLock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: { iopath: `file:${tarball}` } },
    'node_modules/iopath': { version: pkg.version, resolved: `file:${tarball}`, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [path, entry] of Object.entries(repoLock.packages)) if (path.startsWith('node_modules/') && !entry.dev) packages[path] = entry;
  return { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

/** The first fenced block of `lang` in `text` after position `from`, and where it ends. */
function fenced(text: string, lang: string, from = 0): { code: string; end: number } {
  const open = text.indexOf(`\n\`\`\`${lang}\n`, from);
  expect(open, `a \`\`\`${lang} block`).toBeGreaterThanOrEqual(0);
  const start = open + lang.length + 5;
  const end = text.indexOf('\n```', start);
  return { code: text.slice(start, end + 1), end };
}

beforeAll(() => {
  buildCli();
  const pack = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  expect(pack.status, pack.stderr).toBe(0);
  packed = (JSON.parse(pack.stdout) as PackEntry[])[0]!;
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies: { iopath: `file:${packed.filename}` } }, null, 2)}\n`);
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(lockFor(packed.filename), null, 2)}\n`);
  const ci = run('npm', ['ci', '--offline', '--no-audit', '--no-fund']);
  expect(ci.code, `npm ci --offline in the consumer project:\n${ci.stderr}`).toBe(0);
  copyFileSync(TRACE, join(dir, 'trace.txt.gz'));
}, 120_000);

describe('the packed package, installed', () => {
  it('holds the built library, its types and the CLI; no sources, tests, fixtures, source maps, benchmarks or browser harness', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of ['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/cli.js', 'dist/parse/stream-worker.js']) expect(files).toContain(f);
    expect(files.filter((f) => /^(src|test|fixtures|dist\/bench|dist\/browser)\/|\.map$/.test(f))).toEqual([]);
    // Installed where it says: the project's own node_modules, not the repository's.
    const main = realpathSync(join(dir, 'node_modules', 'iopath', 'dist', 'index.js'));
    expect(main.startsWith(realpathSync(dir))).toBe(true);
  });

  it("import { analyze } from 'iopath' returns, byte for byte, what its `iopath analyze --json` prints", () => {
    writeFileSync(join(dir, 'analysis.mjs'), "import { analyze } from 'iopath';\nprocess.stdout.write(`${JSON.stringify(await analyze('trace.txt.gz'), null, 2)}\\n`);\n");
    // The library parses on its worker thread (shipped as dist/parse/stream-worker.js), the CLI in place.
    const lib = run(process.execPath, ['analysis.mjs'], { IOPATH_THREADS: '1' });
    expect(lib.code, lib.stderr).toBe(0);
    const cli = run(process.execPath, [join('node_modules', '.bin', 'iopath'), 'analyze', '--json', 'trace.txt.gz'], { IOPATH_THREADS: '0' });
    expect(cli.code, cli.stderr).toBe(0);
    const byMode = (out: string): unknown => (JSON.parse(out) as { ios: { byMode: unknown } }).ios.byMode;
    expect(byMode(lib.stdout)).toEqual(byMode(cli.stdout));
    expect((byMode(lib.stdout) as Record<string, number>)['kworker-deferred']).toBeGreaterThan(0);
    expect(lib.stdout).toBe(cli.stdout);
  });

  it('runs the example of docs/library.md and prints what the page says it prints', () => {
    const doc = readFileSync(join(REPO, 'docs', 'library.md'), 'utf8');
    const example = fenced(doc, 'js');
    const output = fenced(doc, 'text', example.end);
    expect(example.code).toMatch(/from 'iopath'/);
    writeFileSync(join(dir, 'example.mjs'), example.code);
    const r = run(process.execPath, ['example.mjs']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(output.code);
  });

  it('types a TypeScript consumer, and refuses a wrong use of them', () => {
    const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    const flags = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--typeRoots', join(REPO, 'node_modules', '@types'), '--types', 'node'];
    writeFileSync(join(dir, 'good.ts'), "import { analyze, type Analysis } from 'iopath';\nconst a: Analysis = await analyze('trace.txt.gz', { unit: 'dio' });\nexport const n: number = a.ios.byMode['kworker-deferred'];\n");
    writeFileSync(join(dir, 'bad.ts'), "import { analyze } from 'iopath';\nconst a = await analyze('trace.txt.gz');\nexport const n: string = a.ios.byMode['kworker-deferred'];\n");
    const good = run(process.execPath, [tsc, ...flags, 'good.ts']);
    expect(good.code, good.stdout).toBe(0);
    const bad = run(process.execPath, [tsc, ...flags, 'bad.ts']);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toMatch(/bad\.ts\(3,14\): error TS2322/);
  });
});
