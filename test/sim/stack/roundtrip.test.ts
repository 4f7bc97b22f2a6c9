import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../src/model/events.js';
import { STACK_PRESET_NAMES } from '../../../src/sim/stack/index.js';
import { FORMATS } from '../helpers.js';
import { parseAll, runStack } from './helpers.js';

/** Every stacked preset's trace parses back, line by line, into the events it was written from. */
describe('stacked presets: emit is the inverse of parse', { timeout: 120_000 }, () => {
  for (const preset of STACK_PRESET_NAMES) {
    for (const format of FORMATS) {
      it(`${preset} as ${format}: zero malformed lines, parse(emit(e)) = e`, () => {
        const run = runStack(preset, format, 2, {}, true);
        const parsed = parseAll(format, run.text);
        expect(parsed.malformed).toBe(0);
        expect(parsed.events.length).toBe(run.events.length);
        expect(run.events.length).toBe(run.figures.events);
        for (let i = 0; i < run.events.length; i++) {
          const got = parsed.events[i] as TraceEvent;
          expect(got).toEqual({ ...(run.events[i] as TraceEvent), line: got.line });
        }
        // Every bio event the stack writes parses as its typed event, none is left as text.
        const bios = parsed.events.filter((e) => e.kind === 'block_bio_queue' || e.kind === 'block_bio_remap' || e.kind === 'block_bio_complete');
        if (preset !== 'nvme-64') expect(bios.length).toBeGreaterThan(0);
        if (preset.startsWith('dm-')) expect(bios.some((e) => e.kind === 'block_bio_remap')).toBe(true);
        expect(parsed.events.filter((e) => e.kind === 'other' && e.name.startsWith('block_'))).toEqual([]);
        // Time order holds across CPUs (tracefs merges the per-CPU buffers by time).
        for (let i = 1; i < parsed.events.length; i++) expect((parsed.events[i] as TraceEvent).ts).toBeGreaterThanOrEqual((parsed.events[i - 1] as TraceEvent).ts);
      });
    }
  }
});
