import { test } from 'vitest';
import * as s from '../../src/stats/index.js';
function ln(r: s.Rng, mu: number, sd: number) { return Math.exp(Math.log(mu) + sd * s.randomNormal(r)); }
function series(r: s.Rng, n: number, mu: number, phi: number, amp: number) {
  const out = new Float64Array(n); let a = s.randomNormal(r);
  for (let i = 0; i < n; i++) { a = phi * a + Math.sqrt(1 - phi * phi) * s.randomNormal(r); out[i] = s.randomPoisson(r, Math.max(0, mu * (1 + amp * a))); }
  return out;
}
test('scratch', () => {
  let t0 = performance.now();
  const z90 = 1.2815515655446004;
  for (const n of [200, 300, 1000]) {
  let c50 = 0, c90 = 0, nullSig = 0; const sims = 300;
  for (let k = 0; k < sims; k++) {
    const r = s.createRng(k);
    const a = Array.from({ length: n }, () => ln(r, 100, 0.5));
    const b = Array.from({ length: n }, () => ln(r, 110, 0.5));
    const c = Array.from({ length: n }, () => ln(r, 100, 0.5));
    const d = s.bootstrapQuantileDiffs(a, b, [0.5, 0.9], { seed: k, resamples: 400 });
    if (d[0]!.ci[0] <= 10 && 10 <= d[0]!.ci[1]) c50++;
    const t90 = 10 * Math.exp(0.5 * z90);
    if (d[1]!.ci[0] <= t90 && t90 <= d[1]!.ci[1]) c90++;
    const e = s.bootstrapQuantileDiffs(a, c, [0.5, 0.9], { seed: k, resamples: 400 });
    if (e[0]!.significant) nullSig++;
  }
  console.log('n', n, 'cov50', c50 / sims, 'cov90', c90 / sims, 'null sig', nullSig / sims, performance.now() - t0);
  }
  for (const phi of [0, 0.5, 0.8]) for (const bl of ['auto', 1] as const) {
    t0 = performance.now();
    let cov = 0, nullSig = 0; const sims = 300; const blocks: number[] = [];
    for (let k = 0; k < sims; k++) {
      const r = s.createRng(`rate${k}`);
      const b = series(r, 500, 100, phi, 0.3), a = series(r, 500, 120, phi, 0.3), c = series(r, 500, 100, phi, 0.3);
      const res = s.iopsChange(b, a, 1e7, { seed: k, resamples: 500, blockLength: bl });
      blocks.push(res.blockLength.before[0]!);
      if (res.ci95[0] <= 20 && 20 <= res.ci95[1]) cov++;
      if (s.iopsChange(b, c, 1e7, { seed: k, resamples: 500, blockLength: bl }).significant) nullSig++;
    }
    console.log('phi', phi, 'block', bl, 'cov', cov / sims, 'null sig', nullSig / sims, 'median block', blocks.sort((x, y) => x - y)[150], performance.now() - t0);
  }
}, 600000);
