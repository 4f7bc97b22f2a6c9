import { createSketch, restoreSketch, SKETCH_SCHEMA, type QuantileSketch, type SketchJSON } from './sketch.js';

/**
 * Reading a saved sketch back (`QuantileSketch.toJSON`, e.g. inside an `analyze --json` result that
 * compare loads). The file may come from anywhere, so every field is checked before it becomes a
 * sketch: a count that does not add up, or a bucket outside the parameters' range, is refused
 * rather than turned into quantiles.
 */

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Rebuilds a sketch saved with `toJSON`; throws on anything inconsistent. */
export function sketchFromJSON(json: unknown): QuantileSketch {
  const bad = (why: string): never => {
    throw new Error(`not a valid ${SKETCH_SCHEMA} sketch: ${why}`);
  };
  if (typeof json !== 'object' || json === null) return bad('not an object');
  const j = json as Partial<Record<keyof SketchJSON, unknown>>;
  if (j.schema !== SKETCH_SCHEMA) return bad(`schema is ${JSON.stringify(j.schema)}`);
  const num = (k: keyof SketchJSON): number => (typeof j[k] === 'number' && Number.isFinite(j[k]) ? (j[k] as number) : bad(`${k} is not a number`));
  const sketch = createSketch({ relativeAccuracy: num('relativeAccuracy'), minTrackable: num('minTrackable'), maxTrackable: num('maxTrackable') });
  for (const k of ['count', 'zeroCount', 'saturated', 'rejected'] as const) if (!isCount(j[k])) bad(`${k} is not a count`);
  if (!Array.isArray(j.counts) || !j.counts.every(isCount)) return bad('counts is not an array of counts');
  if (!Number.isInteger(j.offset)) return bad('offset is not an integer');
  const counts = j.counts as number[];
  const offset = j.offset as number;
  const count = j.count as number;
  const total = counts.reduce((a, b) => a + b, 0) + (j.zeroCount as number);
  if (total !== count) bad(`bucket counts add up to ${total}, count is ${String(count)}`);
  let min = NaN;
  let max = NaN;
  if (count > 0) {
    min = num('min');
    max = num('max');
    if (!(min >= 0 && max >= min)) bad('min/max out of order');
  }
  const sum = num('sum');
  const lnGamma = Math.log1p((2 * sketch.relativeAccuracy) / (1 - sketch.relativeAccuracy));
  const lowest = Math.ceil(Math.log(sketch.minTrackable) / lnGamma);
  const highest = Math.ceil(Math.log(sketch.maxTrackable) / lnGamma);
  if (counts.length > 0 && (offset < lowest || offset + counts.length - 1 > highest)) bad('bucket indices out of range');
  restoreSketch(sketch, { count, sum, min, max, zeroCount: j.zeroCount as number, saturated: j.saturated as number, rejected: j.rejected as number, offset, counts });
  return sketch;
}
