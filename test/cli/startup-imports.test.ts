import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths.js';
import { buildCli } from './run.js';

/**
 * What a start of the CLI or of the library loads before it does anything, read from the static
 * import lines of the built dist/ (what Node loads at once; `import type` is gone there and an
 * `await import()` loads only when reached). `iopath --version`, `--help` and a usage error must
 * not load any command's body (src/commands/*-command.ts define the commands from small data
 * files), and `import { analyze } from 'iopath'` must not load the simulator, the calibration,
 * the comparison, the report or the tables.
 */

const DIST = join(REPO, 'dist');

/** `import … from '…'`, `export … from '…'` and `import '…'` of a compiled module (not `import(…)`). */
const STATIC = /^\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;

/** Every module loaded with `entry` (paths relative to dist/, packages as `pkg:NAME`). */
function closure(entry: string): Set<string> {
  const seen = new Set<string>([entry]);
  const todo = [entry];
  for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
    if (f.startsWith('pkg:')) continue;
    const text = readFileSync(join(DIST, f), 'utf8');
    for (const [, spec] of text.matchAll(STATIC)) {
      if (spec!.startsWith('node:')) continue;
      const dep = spec!.startsWith('.') ? relative(DIST, resolve(DIST, dirname(f), spec!)).replace(/\\/g, '/') : `pkg:${spec}`;
      if (!seen.has(dep)) seen.add(dep), todo.push(dep);
    }
  }
  return seen;
}

const packages = (s: Set<string>): string[] => [...s].filter((m) => m.startsWith('pkg:')).sort();
const under = (s: Set<string>, ...prefixes: string[]): string[] => [...s].filter((m) => prefixes.some((p) => m.startsWith(p))).sort();

const COMMANDS = ['simulate', 'compare', 'report', 'export', 'capture', 'calibrate', 'whatif', 'sql'];
/** The packages a command may need, none of them at start. */
const HEAVY = ['pkg:vega', 'pkg:vega-lite', 'pkg:hyparquet-writer', 'pkg:@duckdb/node-api', 'pkg:papaparse', 'pkg:simple-statistics'];

beforeAll(() => buildCli(), 120_000);

describe('what a start loads', () => {
  it('the walk finds what a command body loads (so the checks below are not vacuous)', () => {
    const body = closure('commands/simulate.js');
    expect(body).toContain('sim/stack/index.js');
    expect(body).toContain('index.js');
    expect(closure('commands/report.js')).toContain('pkg:vega-lite');
    expect(closure('commands/analyze.js')).toContain('analyze/pipeline.js');
  });

  it('the CLI entry loads commander and the command definitions, no command body', () => {
    const cli = closure('cli.js');
    expect(packages(cli)).toEqual(['pkg:commander']);
    for (const c of COMMANDS) expect(cli).toContain(`commands/${c}-command.js`);
    const bodies = [...COMMANDS, 'analyze', 'analyze-many', 'inspect', 'demo'].map((c) => `commands/${c}.js`);
    expect([...cli].filter((m) => bodies.includes(m))).toEqual([]);
    expect(under(cli, 'index.js', 'analyze/', 'parse/stream', 'parse/binary/', 'report/html', 'report/build-report', 'calibrate/', 'tables/', 'inspect/', 'sim/index.js', 'sim/stack/index.js', 'compare/index.js', 'capture/capture.js')).toEqual([]);
    // The data files the help is made of, and commander: a few dozen small modules, not hundreds.
    expect(cli.size).toBeLessThan(50);
  });

  it('each command definition loads no package (commander is loaded by the entry; Command is only a type there)', () => {
    for (const c of COMMANDS) expect(packages(closure(`commands/${c}-command.js`)), c).toEqual([]);
  });

  it('the library entry loads the analysis, not the simulator, calibration, comparison, report or tables', () => {
    expect(existsSync(join(DIST, 'index.js'))).toBe(true);
    const lib = closure('index.js');
    expect(lib).toContain('analyze/pipeline.js');
    expect(packages(lib).filter((p) => HEAVY.includes(p))).toEqual([]);
    expect(under(lib, 'sim/index.js', 'sim/stack/', 'sim/emit/', 'calibrate/', 'report/', 'tables/', 'compare/index.js', 'compare/compare.js', 'compare/load.js', 'commands/')).toEqual([]);
    // The calibration's schema names come from outside it (src/calibrate is entered through its index.ts only).
    expect(lib).toContain('model/calibration-schemas.js');
  });

  it('analyze recognises binary formats by their magic without loading their readers (they load when one is read)', () => {
    const body = closure('commands/analyze.js');
    expect(body).toContain('parse/binary/dispatch.js');
    expect(body).toContain('parse/binary/tracedat/reader.js');
    expect(under(body, 'parse/binary/tracedat/read.js', 'parse/binary/tracedat/layout.js', 'parse/binary/perfdata/read.js', 'parse/binary/tep/decode.js', 'parse/binary/tep/tracing-data.js')).toEqual([]);
  });
});
