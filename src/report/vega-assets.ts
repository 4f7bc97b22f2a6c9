import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compile } from 'vega-lite';
import { assertInlineableScript } from './escape.js';
import type { VlSpec } from './charts.js';

/**
 * What makes the report work offline: vega-lite specs are compiled to vega here, in Node, and the
 * page inlines only the vega runtime (its minified UMD build from node_modules, ~0.5 MB) instead of
 * vega + vega-lite + vega-embed from a CDN. The page needs no network and no vega-lite compiler.
 */

let runtime: string | undefined;

/** vega's build directory: its package exports do not expose build/vega.min.js, but its schema sits beside it. */
function vegaBuildDir(): string {
  return dirname(createRequire(import.meta.url).resolve('vega/vega-schema.json'));
}

/** The vega UMD bundle's text, checked to be safe inside a <script> element. */
export function vegaRuntime(): string {
  runtime ??= assertInlineableScript('vega.min.js', readFileSync(join(vegaBuildDir(), 'vega.min.js'), 'utf8'));
  return runtime;
}

/** The vega package's version, printed in the report's footer. */
export function vegaVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(vegaBuildDir(), '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Compiles one vega-lite spec to a vega spec (plain JSON, data inline). */
export function toVega(spec: VlSpec): Record<string, unknown> {
  // The specs are built in charts.ts; vega-lite validates them as it compiles.
  return compile(spec as unknown as Parameters<typeof compile>[0]).spec as unknown as Record<string, unknown>;
}
