import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createHtmlUnwrapper } from '../../src/parse/systrace-html.js';
import { collect, ROOT } from './helpers.js';

/**
 * Android systrace's HTML: the trace text is read from inside its viewer, the viewer's lines are
 * counted once as ftrace_text (info). The 2012 form is catapult's own test file (fixtures/public);
 * the `<script class="trace-data">` form wraps real lines (the public excerpts') the way catapult's
 * systrace writes them.
 */

const PUBLIC = join(ROOT, 'fixtures', 'public');

describe('systrace HTML', () => {
  it('2012 form: the JavaScript string of catapult trivial_systrace.html', async () => {
    const { events, result } = await collect(join(PUBLIC, 'systrace-trivial.html'));
    expect(result.format).toBe('ftrace');
    expect(events.map((e) => [e.comm, e.pid, e.kind === 'other' ? e.args : e.kind])).toEqual([
      ['hwc_eventmon', 336, 'C|124|VSYNC|1'],
      ['Binder_1', 340, 'C|124|StatusBar|1'],
      ['hwc_eventmon', 336, 'C|124|VSYNC|0'],
      ['InputReader', 419, 'C|360|iq|1'],
    ]);
    expect(result.diagnostics.counts()).toEqual({ ftrace_text: 29 });
  });

  it('trace-data form: ftrace text between the tags, JSON blocks and the viewer skipped', async () => {
    const html = [
      '<!DOCTYPE html>',
      '<html><head><script>var x = 1; // viewer</script></head>',
      '<script class="trace-data" type="application/text">',
      '{"traceEvents": [], "metadata": {}}',
      '</script>',
      '<script class="trace-data" type="application/text">',
      '# tracer: nop',
      '             fio-7888    [001] d.s1.   505.925043: softirq_entry: vec=4 [action=BLOCK]',
      '             fio-7888    [001] d.s1.   505.925050: softirq_exit: vec=4 [action=BLOCK]',
      '  </script>',
      '</html>',
    ].join('\n');
    const { events, result } = await collect(Readable.from([Buffer.from(html)]));
    expect(events.map((e) => e.kind)).toEqual(['softirq_entry', 'softirq_exit']);
    expect(result.diagnostics.counts()).toEqual({ ftrace_text: 8 });
  });

  it('plain text is never touched, even when it later holds a tag', () => {
    const u = createHtmlUnwrapper();
    expect(u.unwrap('# tracer: nop')).toBe('# tracer: nop');
    expect(u.unwrap('<html>')).toBe('<html>');
    expect(u.skipped()).toBe(0);
  });
});
