import { test } from 'vitest';
import * as s from '../../src/stats/index.js';
test('bench', () => {
  const r = s.createRng(1);
  let t0 = performance.now(); let acc = 0;
  for (let i = 0; i < 1e7; i++) acc += r.int(500);
  console.log('int ns', (performance.now() - t0) / 1e7 * 1e6, acc);
  t0 = performance.now();
  for (let i = 0; i < 1e7; i++) acc += r.uint32();
  console.log('u32 ns', (performance.now() - t0) / 1e7 * 1e6, acc);
});
