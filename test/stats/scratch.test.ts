import { test } from 'vitest';
import * as s from '../../src/stats/index.js';
function series(r: s.Rng, n: number, mu: number, phi: number, amp: number) {
  const out = new Float64Array(n); let a = s.randomNormal(r);
  for (let i = 0; i < n; i++) { a = phi * a + Math.sqrt(1 - phi * phi) * s.randomNormal(r); out[i] = s.randomPoisson(r, Math.max(0, mu * (1 + amp * a))); }
  return out;
}
test('scratch', () => {
  for (const n of [200, 500, 2000]) for (const phi of [-0.5, 0, 0.3, 0.5, 0.8, 0.9]) for (const corr of [false, true]) {
    const t0 = performance.now();
    let cov = 0, nullSig = 0; const sims = 300; const blocks: number[] = [];
    for (let k = 0; k < sims; k++) {
      const r = s.createRng(`rate${k}`);
      const b = series(r, n, 100, phi, 0.3), a = series(r, n, 120, phi, 0.3), c = series(r, n, 100, phi, 0.3);
      const res = s.iopsChange(b, a, 1e7, { seed: k, resamples: 500, correctBlockBias: corr });
      blocks.push(res.blockLength.before[0]!);
      if (res.ci95[0] <= 20 && 20 <= res.ci95[1]) cov++;
      if (s.iopsChange(b, c, 1e7, { seed: k, resamples: 500, correctBlockBias: corr }).significant) nullSig++;
    }
    console.log('n', n, 'phi', phi, 'corr', corr, 'cov', cov / sims, 'null sig', nullSig / sims, 'median block', blocks.sort((x, y) => x - y)[150], Math.round(performance.now() - t0));
  }
}, 600000);
