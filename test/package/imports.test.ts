import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths.js';

/**
 * Who may import whom, read from the import lines of src/: the library never reaches up into the
 * command line (src/commands/ is imported by src/cli.ts and itself only), and the browser harness
 * (src/browser/) is a test and screenshot tool, not part of the report library.
 */

const SRC = join(REPO, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Relative module specifiers of `import … from`, `export … from`, `import '…'` and `import('…')`, however the statement is wrapped. */
export function importSpecifiers(text: string): string[] {
  const out: string[] = [];
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const re of [/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const m of code.matchAll(re)) out.push(m[1]!);
  }
  return out;
}

/** Each src file (relative to src/, forward slashes) with the src files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const deps = importSpecifiers(readFileSync(file, 'utf8'))
      .filter((s) => s.startsWith('.'))
      .map((s) => relative(SRC, resolve(dirname(file), s)).replace(/\.js$/, '.ts'));
    graph.set(relative(SRC, file), deps);
  }
  return graph;
}

const graph = importGraph();
const importersOf = (prefix: string): string[] => [...graph].filter(([, deps]) => deps.some((d) => d.startsWith(prefix))).map(([f]) => f);

describe('import lines of src/', () => {
  it('reads every form of import, over several lines too', () => {
    const text = ["import { a,\n  b } from './x.js';", "export type { C } from '../y.js';", "import './side.js';", "const m = await import('./lazy.js');", "// import { no } from './comment.js';", "/* import { no } from './block.js'; */"].join('\n');
    expect(importSpecifiers(text)).toEqual(['./x.js', '../y.js', './side.js', './lazy.js']);
    // …and finds the imports known to be there, so the checks below are not vacuous.
    expect(graph.get('cli.ts')).toContain('commands/common.ts');
    expect(graph.get('index.ts')).toContain('analyze/pipeline.ts');
    expect(importersOf('browser/')).toContain('browser/screenshot.ts');
  });

  it('src/commands/ is imported by src/cli.ts and src/commands/ only', () => {
    expect(importersOf('commands/').filter((f) => f !== 'cli.ts' && !f.startsWith('commands/'))).toEqual([]);
  });

  it('src/browser/ is imported by src/browser/ only', () => {
    expect(importersOf('browser/').filter((f) => !f.startsWith('browser/'))).toEqual([]);
  });

  it('every import names a file that exists', () => {
    const missing = [...graph].flatMap(([f, deps]) => deps.filter((d) => !graph.has(d)).map((d) => `${f} → ${d}`));
    expect(missing).toEqual([]);
  });

  it('no file imports itself back through other files (no circle)', () => {
    expect(findCircle(graph)).toEqual([]);
  });

  it('no folder imports a folder that imports it back (the folders stack as floors)', () => {
    const folders = new Map<string, Set<string>>();
    for (const [f, deps] of graph) {
      const from = folderOf(f);
      for (const d of deps) {
        const to = folderOf(d);
        if (to !== from) (folders.get(from) ?? folders.set(from, new Set()).get(from)!).add(to);
      }
    }
    expect(findCircle(new Map([...folders].map(([k, v]) => [k, [...v]])))).toEqual([]);
  });

  it('the circle finder finds a planted circle', () => {
    expect(findCircle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', []]]))).toEqual(['a', 'b', 'c', 'a']);
  });
});

/** Top-level folder of a src path (`analyze/handlers/x.ts` → `analyze`; `cli.ts` → `cli.ts`). */
function folderOf(path: string): string {
  const i = path.indexOf('/');
  return i < 0 ? path : path.slice(0, i);
}

/** The first circle met in a depth-first walk, as the path that closes it; [] when there is none. */
function findCircle(g: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] => {
    if (state.get(n) === 'done') return [];
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const d of g.get(n) ?? []) {
      const c = visit(d);
      if (c.length) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return [];
  };
  for (const n of [...g.keys()].sort()) {
    const c = visit(n);
    if (c.length) return c;
  }
  return [];
}
