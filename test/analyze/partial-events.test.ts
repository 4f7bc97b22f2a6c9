import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { FORMS, formLine, formText } from '../helpers/forms.js';
import { textSource } from '../helpers/paths.js';

/**
 * Absent event types are not data loss: a trace of only block_rq_issue (a tpoint-style session)
 * says exactly what is missing and claims no loss; zero-length flushes, discards and write-zeroes
 * are counted apart from data I/O and never in MB/s. Lines from this project's 6.18 captures.
 */

const issues = (f: (typeof FORMS)[number]) =>
  Array.from({ length: 40 }, (_, i) => formLine(f, 'fio', 4392, 1, '.....', (389.7 + i * 0.01).toFixed(6), 'block_rq_issue', `254,0 WS 4096 () ${46697520 + 8 * i} + 8 be,0,4 [fio]`));

describe.each(FORMS)('issue-only traces (%s)', (f) => {
  it('claim no loss and name the missing event', async () => {
    // Long enough (0.4 s) that the vanish rule would fire if it applied to absent event types.
    const { analysis: a } = await analyzeTrace(textSource(formText(f, issues(f))), {});
    expect(a.ios.total).toBe(40);
    expect(a.dataLoss.suspected).toBe(false);
    expect(a.dataLoss.vanishedIos).toBe(0);
    expect(a.explanation).not.toMatch(/lost/);
    expect(a.limitations.join('\n')).toMatch(/No block_rq_complete events/);
    expect(a.limitations.join('\n')).not.toMatch(/No block_rq_issue/);
    // The long-outstanding ones are missing_events (their end is not traced), the latest trace_end.
    expect(a.ios.unresolvedReasons.missing_events).toBeGreaterThan(20);
    expect((a.ios.unresolvedReasons.missing_events ?? 0) + (a.ios.unresolvedReasons.trace_end ?? 0)).toBe(40);
  });

  it('with the completion events present, the same never-completed I/Os are vanished', async () => {
    const done = formLine(f, '<idle>', 0, 1, '..s1.', '389.700100', 'block_rq_complete', '254,0 WS () 46697520 + 8 be,0,4 [0]');
    const all = issues(f);
    const { analysis: a } = await analyzeTrace(textSource(formText(f, [all[0] as string, done, ...all.slice(1)])), {});
    expect(a.dataLoss.vanishedIos).toBeGreaterThan(0);
  });
});

describe('requests that move no data', () => {
  const lines = [
    '              rm-10783   [000] ...1.   389.776182: block_rq_insert: 254,0 DS 4096 () 68698464 + 8 be,0,4 [rm]',
    '    kworker/0:0H-10      [000] .....   389.776200: block_rq_issue: 254,0 DS 4096 () 68698464 + 8 be,0,4 [kworker/0:0H]',
    '            node-10612   [001] ..s..   389.776368: block_rq_complete: 254,0 DS () 68698464 + 8 be,0,4 [0]',
    '     jbd2/vda1-8-232     [000] .....   389.777000: block_rq_issue: 254,0 FF 0 () 0 + 0 none,0,0 [jbd2/vda1-8]',
    '          <idle>-0       [000] ..s1.   389.777200: block_rq_complete: 254,0 FF () 18446744073709551615 + 0 none,0,0 [0]',
    '             fio-4392    [001] .....   389.778000: block_rq_issue: 254,0 N 1048576 () 1000000 + 2048 be,0,4 [fio]',
    '          <idle>-0       [001] ..s1.   389.778500: block_rq_complete: 254,0 N () 1000000 + 2048 be,0,4 [0]',
  ];
  it('only flushes, discards and write-zeroes: no data I/O, and they are named', async () => {
    const { analysis: a } = await analyzeTrace(textSource(`${lines.join('\n')}\n`), {});
    expect(a.ios.total).toBe(0);
    expect(a.ios.nonData).toEqual({ flush: 1, discard: 1, other: 1 });
    expect(a.mbps).toBe(0);
    expect(a.explanation).toMatch(/^No data I\/O was found in this trace: only 1 flushes, 1 discards/);
  });
  it('beside a data write, they stay out of IOPS and MB/s', async () => {
    const data = [
      '             fio-4392    [001] .....   389.779000: block_rq_issue: 254,0 WS 4096 () 46697520 + 8 be,0,4 [fio]',
      '          <idle>-0       [001] ..s1.   389.779100: block_rq_complete: 254,0 WS () 46697520 + 8 be,0,4 [0]',
    ];
    const { analysis: a } = await analyzeTrace(textSource(`${[...lines, ...data].join('\n')}\n`), {});
    expect(a.ios.total).toBe(1);
    expect(a.ios.byDirection).toEqual({ R: 0, W: 1, unknown: 0 });
    expect(a.mbps).toBeCloseTo(4096 / 1e6 / ((a.window.endNs - a.window.startNs) / 1e9), 3);
  });
});
