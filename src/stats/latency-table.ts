import { createReservoir, type Reservoir } from './reservoir.js';
import { deriveSeed, type Seed } from './rng.js';
import { createSketch, sketchFromJSON, type QuantileSketch, type SketchJSON, type SketchOptions } from './sketch.js';
import { summarizeSketch, type LatencySummary, type SummaryOptions } from './summary.js';

/**
 * Latencies by key (e.g. "kworker-deferred/total") for the analyzer's single streaming pass: each
 * key keeps a quantile sketch (for the summary table) and a fixed-size reservoir sample (for the
 * compare command's rank tests and bootstrap intervals, and for charts). Memory per key is bounded
 * (≤ 29 KB of buckets + 8 bytes × sampleSize) and does not depend on how many I/Os the trace holds.
 * Each key's reservoir is seeded from (seed, key), so a key's sample does not depend on which other
 * keys exist or on the order in which keys first appear.
 */

export const LATENCY_TABLE_SCHEMA = 'iopath.latency-table/1';

export interface LatencyTableOptions {
  sketch?: SketchOptions;
  /** Raw values kept per key (default 10 000, enough for a p99 interval; 0 keeps none). */
  sampleSize?: number;
  seed?: Seed;
}

export interface LatencyEntry {
  sketch: QuantileSketch;
  /** Uniform sample of the values (all of them while there are at most sampleSize). */
  sample: number[];
  /** Values offered to the sample (equals sketch.count plus rejected values). */
  seen: number;
}

export interface LatencyTableJSON {
  schema: typeof LATENCY_TABLE_SCHEMA;
  entries: Record<string, { sketch: SketchJSON; sample?: number[]; seen: number }>;
}

export interface LatencyTable {
  add(key: string, value: number): void;
  keys(): string[];
  get(key: string): LatencyEntry | undefined;
  /** Summary per key, in the values' unit divided by `divideBy`. */
  summaries(options?: SummaryOptions): Record<string, LatencySummary>;
  /** Sketches always; samples only when asked (they are what lets a saved analysis be rank-tested later). */
  toJSON(options?: { samples?: boolean }): LatencyTableJSON;
}

interface Slot {
  sketch: QuantileSketch;
  /** Live tables sample into a reservoir; tables restored from JSON carry the saved sample instead. */
  reservoir?: Reservoir<number>;
  saved?: { sample: number[]; seen: number };
}

function entryOf(s: Slot): LatencyEntry {
  if (s.saved) return { sketch: s.sketch, sample: s.saved.sample.slice(), seen: s.saved.seen };
  return { sketch: s.sketch, sample: s.reservoir?.sample() ?? [], seen: s.reservoir?.seen ?? s.sketch.count + s.sketch.rejected };
}

/** The table object over its slots; `add` is the only behaviour that differs between live and restored tables. */
function tableOver(slots: Map<string, Slot>, add: (key: string, value: number) => void): LatencyTable {
  return {
    add,
    keys: () => [...slots.keys()],
    get(key: string) {
      const s = slots.get(key);
      return s ? entryOf(s) : undefined;
    },
    summaries(summaryOptions?: SummaryOptions) {
      const out: Record<string, LatencySummary> = {};
      for (const [key, s] of slots) out[key] = summarizeSketch(s.sketch, summaryOptions);
      return out;
    },
    toJSON(jsonOptions: { samples?: boolean } = {}): LatencyTableJSON {
      const entries: LatencyTableJSON['entries'] = {};
      for (const [key, s] of slots) {
        const e = entryOf(s);
        entries[key] = jsonOptions.samples ? { sketch: s.sketch.toJSON(), sample: e.sample, seen: e.seen } : { sketch: s.sketch.toJSON(), seen: e.seen };
      }
      return { schema: LATENCY_TABLE_SCHEMA, entries };
    },
  };
}

export function createLatencyTable(options: LatencyTableOptions = {}): LatencyTable {
  const sampleSize = options.sampleSize ?? 10_000;
  if (!(Number.isInteger(sampleSize) && sampleSize >= 0)) throw new RangeError(`sampleSize must be a non-negative integer (got ${sampleSize})`);
  const seed = options.seed ?? 0;
  const slots = new Map<string, Slot>();
  return tableOver(slots, (key, value) => {
    let s = slots.get(key);
    if (!s) {
      s = { sketch: createSketch(options.sketch) };
      if (sampleSize > 0) s.reservoir = createReservoir<number>(sampleSize, deriveSeed(seed, key));
      slots.set(key, s);
    }
    s.sketch.add(value);
    s.reservoir?.add(value);
  });
}

/** Restores a table saved with `toJSON` (for comparing saved analyses); it is read-only. */
export function latencyTableFromJSON(json: unknown): LatencyTable {
  const j = json as Partial<LatencyTableJSON> | null;
  if (!j || j.schema !== LATENCY_TABLE_SCHEMA || typeof j.entries !== 'object' || j.entries === null) {
    throw new Error(`not a valid ${LATENCY_TABLE_SCHEMA} table`);
  }
  const slots = new Map<string, Slot>();
  for (const [key, e] of Object.entries(j.entries)) {
    const sample = Array.isArray(e.sample) ? e.sample.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)) : [];
    const seen = typeof e.seen === 'number' && e.seen >= sample.length ? e.seen : sample.length;
    slots.set(key, { sketch: sketchFromJSON(e.sketch), saved: { sample, seen } });
  }
  return tableOver(slots, (key) => {
    throw new Error(`latency table: cannot add to "${key}": a table restored from JSON is read-only`);
  });
}
