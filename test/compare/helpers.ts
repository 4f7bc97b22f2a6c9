import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import type { Analysis } from '../../src/model/analysis.js';
import type { PresetName, SimParams } from '../../src/sim/index.js';
import { textSource } from '../helpers/paths.js';
import { runToText } from '../sim/helpers.js';

/** Simulates a preset and analyses its trace in memory. */
export async function simAnalysis(preset: PresetName, seed: number, ios: number, params: Partial<SimParams> = {}): Promise<Analysis> {
  const sim = await runToText({ preset, seed, params: { ios, ...params } });
  return (await analyzeTrace(textSource(sim.text), { label: `${preset}#${seed}` })).analysis;
}

/** Simulates a preset into a trace file (gzipped when the name ends in .gz); returns its path. */
export async function simTraceFile(dir: string, name: string, preset: PresetName, seed: number, ios: number): Promise<string> {
  const sim = await runToText({ preset, seed, params: { ios } });
  const path = join(dir, name);
  writeFileSync(path, name.endsWith('.gz') ? gzipSync(sim.text) : sim.text);
  return path;
}

/** What `analyze --json` writes, gzipped when the name ends in .gz. */
export function saveAnalysis(dir: string, name: string, a: Analysis): string {
  const path = join(dir, name);
  const text = `${JSON.stringify(a, null, 2)}\n`;
  writeFileSync(path, name.endsWith('.gz') ? gzipSync(text) : text);
  return path;
}
