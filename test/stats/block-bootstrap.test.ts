import { describe, expect, it } from 'vitest';
import { optimalBlockLength, rateChange } from '../../src/stats/block-bootstrap.js';
import { NS_PER_MS } from '../../src/model/time.js';
import { createRng, randomNormal, type Rng } from '../../src/stats/rng.js';
import { randomPoisson } from './helpers.js';

const WINDOW_NS = 10 * NS_PER_MS;

/** Per-window completion counts: Poisson around mu·(1 + amp·a_t) with a_t an AR(1) of lag-1 correlation phi. */
function windowCounts(rng: Rng, n: number, mu: number, phi: number, amp = 0.3): Float64Array {
  const out = new Float64Array(n);
  let a = randomNormal(rng);
  for (let i = 0; i < n; i++) {
    a = phi * a + Math.sqrt(1 - phi * phi) * randomNormal(rng);
    out[i] = randomPoisson(rng, Math.max(0, mu * (1 + amp * a)));
  }
  return out;
}

describe('IOPS change from window counts', () => {
  it('computes rates, change and a degenerate interval for constant windows', () => {
    const before = new Array(200).fill(100); // 100 per 10 ms = 10 000 IOPS
    const after = new Array(150).fill(120);
    const r = rateChange(before, after, WINDOW_NS, { seed: 1, resamples: 100 });
    expect(r.before).toBeCloseTo(10_000, 9);
    expect(r.after).toBeCloseTo(12_000, 9);
    expect(r.changePct).toBeCloseTo(20, 9);
    expect(r.ci95[0]).toBeCloseTo(20, 9);
    expect(r.ci95[1]).toBeCloseTo(20, 9);
    expect(r).toMatchObject({ significant: true, windows: { before: 200, after: 150 }, runs: { before: 1, after: 1 } });
  });

  it('is deterministic for a seed', () => {
    const r = createRng(2);
    const a = windowCounts(r, 300, 100, 0.5);
    const b = windowCounts(r, 300, 105, 0.5);
    const x = rateChange(a, b, WINDOW_NS, { seed: 'ci', resamples: 300 });
    expect(rateChange(a, b, WINDOW_NS, { seed: 'ci', resamples: 300 })).toEqual(x);
    expect(rateChange(a, b, WINDOW_NS, { seed: 'other', resamples: 300 }).ci95).not.toEqual(x.ci95);
  });

  it('covers the true change ≥ 93% of the time with independent windows, and holds its level', () => {
    const sims = 250;
    let covered = 0;
    let nullFlags = 0;
    for (let k = 0; k < sims; k++) {
      const r = createRng(`iid${k}`);
      const b = windowCounts(r, 400, 100, 0);
      const a = windowCounts(r, 400, 120, 0);
      const c = windowCounts(r, 400, 100, 0);
      const alt = rateChange(b, a, WINDOW_NS, { seed: k, resamples: 300 });
      if (alt.ci95[0] <= 20 && 20 <= alt.ci95[1]) covered++;
      if (rateChange(b, c, WINDOW_NS, { seed: k, resamples: 300 }).significant) nullFlags++;
    }
    expect(covered / sims).toBeGreaterThanOrEqual(0.93);
    expect(nullFlags / sims).toBeLessThanOrEqual(0.07);
  });

  it('needs blocks for autocorrelated windows: block bootstrap ≥ 92%, single windows far below', () => {
    // Lag-1 correlation 0.5 over 1000 windows (10 s at 10 ms). Resampling single windows ignores the
    // correlation and its intervals are much too narrow; blocks (plus the bias correction) fix that.
    const sims = 200;
    let blocks = 0;
    let single = 0;
    let nullFlags = 0;
    for (let k = 0; k < sims; k++) {
      const r = createRng(`ar${k}`);
      const b = windowCounts(r, 1000, 100, 0.5);
      const a = windowCounts(r, 1000, 120, 0.5);
      const c = windowCounts(r, 1000, 100, 0.5);
      const blocked = rateChange(b, a, WINDOW_NS, { seed: k, resamples: 300 });
      if (blocked.ci95[0] <= 20 && 20 <= blocked.ci95[1]) blocks++;
      const naive = rateChange(b, a, WINDOW_NS, { seed: k, resamples: 300, blockLength: 1, correctBlockBias: false });
      if (naive.ci95[0] <= 20 && 20 <= naive.ci95[1]) single++;
      if (rateChange(b, c, WINDOW_NS, { seed: k, resamples: 300 }).significant) nullFlags++;
    }
    expect(blocks / sims).toBeGreaterThanOrEqual(0.92);
    expect(single / sims).toBeLessThan(0.85);
    expect(nullFlags / sims).toBeLessThanOrEqual(0.08);
  });

  it('chooses block length 1 for independent windows and longer blocks for correlated ones', () => {
    const lengths = (phi: number) =>
      Array.from({ length: 20 }, (_, k) => optimalBlockLength(windowCounts(createRng(`bl${phi}-${k}`), 1000, 100, phi))).sort((x, y) => x - y);
    expect(lengths(0)[10]).toBe(1);
    const strong = lengths(0.8);
    expect(strong[10]).toBeGreaterThan(10);
    expect(strong[19]).toBeLessThanOrEqual(Math.ceil(3 * Math.sqrt(1000)));
    expect(optimalBlockLength(new Array(100).fill(7))).toBe(1);
  });

  it('with several runs per side, accounts for run-to-run noise that one run cannot show', () => {
    // Each run's rate wanders ±5% (different boots, cache, device state); within a run, windows are
    // iid. Same configuration on both sides: any "significant" result is a false positive.
    const sims = 60;
    let singleFlags = 0;
    let multiFlags = 0;
    for (let k = 0; k < sims; k++) {
      const r = createRng(`runs${k}`);
      const run = () => windowCounts(r, 200, 100 * (1 + 0.05 * randomNormal(r)), 0, 0);
      const before = Array.from({ length: 5 }, run);
      const after = Array.from({ length: 5 }, run);
      if (rateChange(before[0]!, after[0]!, WINDOW_NS, { seed: k, resamples: 300 }).significant) singleFlags++;
      const multi = rateChange(before, after, WINDOW_NS, { seed: k, resamples: 300 });
      expect(multi.runs).toEqual({ before: 5, after: 5 });
      if (multi.significant) multiFlags++;
    }
    expect(singleFlags / sims).toBeGreaterThan(0.5);
    expect(multiFlags / sims).toBeLessThan(0.2);
  });

  it('rejects unusable input', () => {
    expect(() => rateChange([], [1], WINDOW_NS)).toThrow(/no complete windows/);
    expect(() => rateChange([1, -1], [1], WINDOW_NS)).toThrow(/invalid/);
    expect(() => rateChange([1], [1], WINDOW_NS, { blockLength: 0 })).toThrow(/blockLength/);
    expect(() => rateChange([1], [1], WINDOW_NS, { level: 1 })).toThrow(/level/);
  });
});
