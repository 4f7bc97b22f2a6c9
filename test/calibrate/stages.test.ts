import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths.js';

/**
 * src/calibrate's layout (src/calibrate/index.ts): four stages, each importing only the ones
 * before it, no import circle inside, and index.ts the only door from the rest of src/.
 */

const SRC = join(REPO, 'src');
const CALIBRATE = join(SRC, 'calibrate');
const STAGES = ['collect', 'estimate', 'predict', 'present'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? tsFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

/** Relative modules a file imports (static, re-exported or dynamic; type-only included), as .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)\.js'/gm)) out.push(resolve(dirname(file), `${m[1]}.ts`));
  return out;
}

const rel = (f: string): string => relative(SRC, f);
/** Stage index of a calibrate file, 4 for index.ts (above every stage), -1 outside calibrate. */
function stageOf(file: string): number {
  const r = relative(CALIBRATE, file);
  if (r.startsWith('..')) return -1;
  if (r === 'index.ts') return STAGES.length;
  return STAGES.indexOf(r.split('/')[0] as string);
}

const calibrateFiles = tsFiles(CALIBRATE);
const graph = new Map(calibrateFiles.map((f) => [f, importsOf(f).filter((t) => stageOf(t) >= 0)]));

describe('src/calibrate stages', () => {
  it('has every file in a stage folder, beside index.ts', () => {
    const stray = calibrateFiles.filter((f) => stageOf(f) < 0 || (stageOf(f) === STAGES.length && !f.endsWith('/calibrate/index.ts')));
    expect(stray.map(rel)).toEqual([]);
    for (const s of STAGES) expect(calibrateFiles.some((f) => stageOf(f) === STAGES.indexOf(s))).toBe(true);
  });

  it('imports only from its own stage or an earlier one, never index.ts', () => {
    const up: string[] = [];
    for (const [f, targets] of graph) {
      for (const t of targets) if (stageOf(f) < STAGES.length && (stageOf(t) > stageOf(f) || stageOf(t) === STAGES.length)) up.push(`${rel(f)} → ${rel(t)}`);
    }
    expect(up).toEqual([]);
  });

  it('has no import circle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        circles.push([...path.slice(path.indexOf(f)), f].map(rel).join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of calibrateFiles) visit(f, []);
    expect(circles).toEqual([]);
  });

  it('is entered from the rest of src/ through index.ts only', () => {
    const inside: string[] = [];
    for (const f of tsFiles(SRC)) {
      if (stageOf(f) >= 0) continue;
      for (const t of importsOf(f)) if (stageOf(t) >= 0 && stageOf(t) < STAGES.length) inside.push(`${rel(f)} → ${rel(t)}`);
    }
    expect(inside).toEqual([]);
  });

  it('finds the imports it checks (the checks above are not vacuous)', () => {
    const walk = graph.get(join(CALIBRATE, 'collect', 'walk.ts')) ?? [];
    expect(walk.map(rel)).toContain('calibrate/collect/cpu-state.ts');
    const command = importsOf(join(SRC, 'commands', 'calibrate.ts')).map(rel);
    expect(command).toContain('calibrate/index.ts');
  });
});
