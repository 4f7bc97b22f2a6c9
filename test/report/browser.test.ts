import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import { buildReport } from '../../src/report/build-report.js';
import { findChromium, launchChromium, type Browser } from '../../src/browser/cdp.js';
import { writeCompareHtml } from '../../src/report/compare-html.js';
import { loadReport, type PageLoad } from '../../src/browser/page-check.js';
import { screenshotReports } from '../../src/browser/screenshot.js';
import { FIXTURES, HAS_SHARED, SHARED_TRACES, SKIP_SHARED_REASON } from '../helpers/paths.js';
import { CPU0, CPU1, EVIL, hostileTrace, tempDir } from './helpers.js';

/**
 * The reports in a real headless browser (Debian's chromium, driven over the DevTools protocol;
 * never downloaded). Skipped, with the reason printed, where no chromium is installed.
 */

const CHROMIUM = findChromium();
if (!CHROMIUM) console.warn('SKIP browser tests: no chromium binary found (apt-get install -y chromium, or set IOPATH_CHROMIUM)');

interface ChartMarks {
  id: string;
  svg: boolean;
  marks: number;
}

const MARKS = `JSON.stringify([...document.querySelectorAll('.vega')].map((el) => ({
  id: el.id, svg: !!el.querySelector('svg'), marks: el.querySelectorAll('svg .role-mark > path, svg .role-mark > text').length })))`;

function expectClean(r: PageLoad): void {
  expect(r.consoleErrors).toEqual([]);
  expect(r.dialogs).toEqual([]);
  // The only request is the file itself: no CDN, no font, no favicon.
  expect(r.requests).toEqual([r.url]);
  expect(r.state).toBe('done');
  expect(r.chartsDrawn).toBe(r.chartsTotal);
}

describe.skipIf(!CHROMIUM)('reports in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    browser = await launchChromium();
    dir = tempDir();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws every chart of the hostile report, offline, and shows the task name as text', async () => {
    const path = join(dir, 'hostile.html');
    writeFileSync(path, (await buildReport(hostileTrace(dir), { command: 'iopath report hostile.ftrace.txt' })).html);
    const page = await browser.newPage();
    const r = await loadReport(page, path);
    expectClean(r);
    expect(r.chartsTotal).toBe(5);
    const charts = JSON.parse(await page.evaluate<string>(MARKS)) as ChartMarks[];
    expect(charts.map((c) => c.id)).toEqual(['chart-modes', 'chart-latency', 'chart-cpu', 'chart-timeline', 'chart-waterfall']);
    for (const c of charts) {
      expect(c.svg, c.id).toBe(true);
      expect(c.marks, c.id).toBeGreaterThan(0);
    }
    // The name is on the page as text, and no element came out of it.
    expect(await page.evaluate<boolean>(`document.body.innerText.includes(${JSON.stringify(EVIL)})`)).toBe(true);
    expect(await page.evaluate<number>('document.scripts.length')).toBe(3);
    expect(await page.evaluate<number>("[...document.scripts].filter((s) => s.textContent.trim().startsWith('alert')).length")).toBe(0);
  });

  it('draws the compare report', async () => {
    const path = join(dir, 'compare.html');
    const before = (await analyzeTrace(CPU1)).analysis;
    const after = (await analyzeTrace(CPU0)).analysis;
    writeCompareHtml(before, after, { latencyUs: { total: { p50: { before: 99, after: 90, ci95: [-12, -6] } } }, verdict: `verdict with ${EVIL}` }, path, { labels: { before: 'cpu1', after: 'cpu0' } });
    const page = await browser.newPage();
    const r = await loadReport(page, path);
    expectClean(r);
    expect(r.chartsTotal).toBe(3);
    const charts = JSON.parse(await page.evaluate<string>(MARKS)) as ChartMarks[];
    for (const c of charts) expect(c.marks, c.id).toBeGreaterThan(0);
    expect(await page.evaluate<boolean>(`document.querySelector('.verdict').textContent.includes(${JSON.stringify(EVIL)})`)).toBe(true);
  });

  it('the screenshot script writes a PNG next to each report', async () => {
    const path = join(dir, 'shot.html');
    writeFileSync(path, (await buildReport(CPU1, { command: 'iopath report cpu1' })).html);
    const lines: string[] = [];
    const [png] = await screenshotReports([path], { log: (s) => lines.push(s) });
    expect(png).toBe(join(dir, 'shot.png'));
    const bytes = readFileSync(png as string);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    // A whole page (width × height from the IHDR chunk), not an empty viewport.
    expect(bytes.readUInt32BE(16)).toBe(1100);
    expect(bytes.readUInt32BE(20)).toBeGreaterThan(2000);
    expect(lines[0]).toContain('5 charts');
  });

  it('draws the storage-stack report of the xfs-on-loop fixture, its stack drawing visible', async () => {
    const path = join(dir, 'stack.html');
    writeFileSync(path, (await buildReport(join(FIXTURES, 'stacks', 'xfs-libaio-randwrite.txt'), { command: 'iopath report xfs' })).html);
    const page = await browser.newPage();
    expectClean(await loadReport(page, path));
    // The submitters' box and one box per layer, laid out (not collapsed) in the page.
    const svg = JSON.parse(await page.evaluate<string>(`JSON.stringify((() => { const el = document.querySelector('#stack svg.stack'); const r = el.getBoundingClientRect(); return { rects: el.querySelectorAll('rect').length, h: r.height, w: r.width, text: el.textContent }; })())`)) as { rects: number; h: number; w: number; text: string };
    expect(svg.rects).toBe(3);
    expect(svg.h).toBeGreaterThan(200);
    expect(svg.w).toBeGreaterThan(500);
    expect(svg.text).toContain('iomap_dio_complete_work on dio/loop0');
  });

  it.skipIf(!HAS_SHARED)('the report of a whole 20000-I/O capture draws cleanly', async () => {
    if (!HAS_SHARED) console.warn(SKIP_SHARED_REASON);
    const path = join(dir, 'whole.html');
    writeFileSync(path, (await buildReport(join(SHARED_TRACES, 'libaio-randwrite-cpu1-raw.raw.txt.gz'), { command: 'iopath report whole' })).html);
    const page = await browser.newPage();
    expectClean(await loadReport(page, path));
  });
});
