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
});
