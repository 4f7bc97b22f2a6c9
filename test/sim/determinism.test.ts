import { describe, expect, it } from 'vitest';
import { FORMATS, runToText, sha256 } from './helpers.js';

describe('same seed, same bytes', () => {
  for (const format of FORMATS) {
    it(`${format}: two runs hash the same; another seed differs`, async () => {
      const opts = { preset: 'vm-cpu1' as const, params: { ios: 500 }, format };
      const a = await runToText({ ...opts, seed: 11 });
      const b = await runToText({ ...opts, seed: 11 });
      const c = await runToText({ ...opts, seed: 12 });
      expect(sha256(a.text)).toBe(sha256(b.text));
      expect(sha256(a.truth)).toBe(sha256(b.truth));
      expect(sha256(a.text)).not.toBe(sha256(c.text));
      expect(a.text.length).toBeGreaterThan(10000);
    });
  }

  it('ftrace header counts exactly the events written', async () => {
    const { text } = await runToText({ preset: 'seed-5.10', params: { ios: 300 }, seed: 2, format: 'ftrace' });
    const m = /entries-in-buffer\/entries-written: (\d+)\/(\d+)/.exec(text);
    const eventLines = text.split('\n').filter((l) => l.length > 0 && !l.startsWith('#')).length;
    expect(Number(m?.[1])).toBe(eventLines);
  });

  it('trace-cmd starts with cpus=N, perf has no header', async () => {
    const t = await runToText({ preset: 'vm-cpu0', params: { ios: 50 }, format: 'trace-cmd' });
    expect(t.text.startsWith('cpus=2\n')).toBe(true);
    const p = await runToText({ preset: 'vm-cpu0', params: { ios: 50 }, format: 'perf' });
    expect(p.text.startsWith(' ')).toBe(true);
  });
});
