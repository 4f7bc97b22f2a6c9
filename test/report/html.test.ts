import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import type { Analysis } from '../../src/model/analysis.js';
import { buildReport } from '../../src/report/build-report.js';
import { renderCompareHtml } from '../../src/report/compare-html.js';
import { HAS_SHARED, SHARED_TRACES, SKIP_SHARED_REASON } from '../helpers/paths.js';
import { CPU0, CPU1, EVIL, hostileTrace, tempDir } from './helpers.js';

/** The HTML report's structure and escaping, without a browser. */

const COMMAND = "iopath report hostile.ftrace.txt -o 'reports/x y.html'";
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';

interface ChartJson {
  id: string;
  spec: { $schema: string; marks?: unknown[] };
}

function chartsOf(html: string): ChartJson[] {
  const m = /<script type="application\/json" id="iopath-charts">([\s\S]*?)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m?.[1] ?? '[]') as ChartJson[];
}

describe('HTML report of a trace whose submitter is called <script>alert(1)</script>', () => {
  let html: string;
  beforeAll(async () => {
    const dir = tempDir();
    html = (await buildReport(hostileTrace(dir), { command: COMMAND })).html;
  });

  it('has a header with input, format, window, unit, the explanation and the command', () => {
    for (const label of ['Input', 'Format', 'Unit', 'Window', 'Reproduce']) expect(html).toContain(`<dt>${label}</dt>`);
    expect(html).toContain('hostile.ftrace.txt');
    expect(html).toContain('direct I/O (iomap_dio_rw_begin … iomap_dio_complete)');
    expect(html).toContain('iopath report hostile.ftrace.txt -o &#39;reports/x y.html&#39;');
    expect(html).toMatch(/<p class="explanation">[^<]*completed in kworker/);
  });

  it('escapes the task name everywhere: as text in HTML, as \\u003c in the embedded JSON', () => {
    expect(html).not.toContain(EVIL);
    expect(html).toContain(`Submitters</dt><dd>${ESCAPED} (pid 7888`);
    expect(html).toContain('\\u003cscript\\u003ealert(1)\\u003c/script\\u003e');
    // Exactly three script elements: the vega runtime, the chart data, the renderer.
    expect(html.match(/<script\b/gi)?.length).toBe(3);
    expect(html.match(/<\/script/gi)?.length).toBe(3);
  });

  it('has the five charts, compiled to vega, each with a container', () => {
    const charts = chartsOf(html);
    expect(charts.map((c) => c.id)).toEqual(['chart-modes', 'chart-latency', 'chart-cpu', 'chart-timeline', 'chart-waterfall']);
    for (const c of charts) {
      expect(c.spec.$schema).toMatch(/schema\/vega\/v6/);
      expect(html).toContain(`<div id="${c.id}" class="vega"></div>`);
    }
  });

  it('has a table behind every chart, a data-quality section and a glossary', () => {
    for (const id of ['modes', 'latency', 'cpu', 'timeline', 'waterfall', 'quality', 'glossary']) expect(html).toContain(`<section id="${id}">`);
    const section = (id: string): string => html.slice(html.indexOf(`<section id="${id}">`), html.indexOf('</section>', html.indexOf(`<section id="${id}">`)));
    for (const id of ['modes', 'latency', 'cpu', 'timeline', 'waterfall']) expect(section(id), id).toContain('<table');
    expect(section('quality')).toContain('What this trace cannot tell');
    expect(section('quality')).toMatch(/lost events|Diagnostics/);
    expect(section('glossary')).toContain('kworker-deferred');
    expect(section('glossary')).toContain('deferralWait');
  });

  it('can make no network request: no external src/href, and a CSP that forbids fetching', () => {
    expect(html).not.toMatch(/\s(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain("connect-src 'none'");
  });

  it('stays small: summaries and samples, not every event', () => {
    expect(Buffer.byteLength(html)).toBeLessThan(1.5e6);
  });
});

describe('compare report', () => {
  let before: Analysis;
  let after: Analysis;
  beforeAll(async () => {
    before = (await analyzeTrace(CPU1)).analysis;
    after = (await analyzeTrace(CPU0)).analysis;
  });

  it('works from two Analyses alone (no statistics): mix and overlay, no delta chart', () => {
    const html = renderCompareHtml(before, after, undefined);
    expect(chartsOf(html).map((c) => c.id)).toEqual(['chart-mix', 'chart-overlay']);
    expect(html).toContain('No confidence intervals were given');
  });

  it('shows the comparison’s statistics, escaping the verdict and labels', () => {
    const html = renderCompareHtml(
      before,
      after,
      {
        iops: { changePct: 12.5, ci95: [8, 17], significant: true },
        modes: { 'kworker-deferred': { before: 0.93, after: 0.9, pValue: 0.002 } },
        latencyUs: { total: { p50: { before: 99, after: 90, ci95: [-12, -6] }, p99: { before: 200, after: 210, ci95: [-3, 25] }, pValue: 0.01 } },
        verdict: `after: ${EVIL} +12.5% IOPS`,
      },
      { labels: { before: EVIL, after: 'cpu0' } },
    );
    expect(html).not.toContain(EVIL);
    expect(html).toContain(`<p class="verdict">after: ${ESCAPED} +12.5% IOPS</p>`);
    expect(chartsOf(html).map((c) => c.id)).toEqual(['chart-mix', 'chart-overlay', 'chart-delta']);
    expect(html).toContain('+12.5%');
    expect(html).toContain('-12.0 … -6.0');
    expect(html).toContain('0.0020');
  });
});

describe.skipIf(!HAS_SHARED)('size of the report of a whole 20000-I/O capture', () => {
  if (!HAS_SHARED) console.warn(SKIP_SHARED_REASON);
  it('stays under 2 MB with all five charts: it plots summaries and samples, not events', async () => {
    const { html, analysis } = await buildReport(join(SHARED_TRACES, 'libaio-randwrite-cpu1-raw.raw.txt.gz'), { command: 'iopath report whole' });
    expect(analysis.ios.total).toBe(20000);
    expect(chartsOf(html)).toHaveLength(5);
    expect(Buffer.byteLength(html)).toBeLessThan(2e6);
  });
});
