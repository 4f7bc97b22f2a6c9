import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../../src/model/analysis.js';
import { buildReport } from '../../src/report/build-report.js';
import { stackSection } from '../../src/report/html-stack.js';
import { renderReportHtml } from '../../src/report/html.js';
import { hasStack, stackFlow } from '../../src/report/stack-flow.js';
import { FIXTURES } from '../helpers/paths.js';
import { EVIL } from './helpers.js';

/**
 * The report's "Storage stack" section on the loop-stack fixtures (xfs: every write takes two
 * hops, dio/vda then dio/loop0; btrfs: requests on the top, three hops), and its absence on a
 * single disk.
 */

const XFS = join(FIXTURES, 'stacks', 'xfs-libaio-randwrite.txt');
const BTRFS = join(FIXTURES, 'stacks', 'btrfs-libaio-randwrite.txt');
const SINGLE = join(FIXTURES, 'excerpts', 'ftrace-libaio-randwrite-cpu1.txt');

const sectionOf = (html: string): string => /<section id="stack">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';

let xfs: { html: string; analysis: Analysis };
let btrfs: { html: string; analysis: Analysis };
let single: { html: string; analysis: Analysis };
beforeAll(async () => {
  [xfs, btrfs, single] = await Promise.all([XFS, BTRFS, SINGLE].map((p) => buildReport(p, { command: 'iopath report x' })));
}, 60_000);

describe('Storage stack section of the xfs-on-loop report', () => {
  it('comes first, in the contents too, with both layers in the table and the drawing', () => {
    expect(xfs.html.indexOf('<section id="stack">')).toBeGreaterThan(0);
    expect(xfs.html.indexOf('<section id="stack">')).toBeLessThan(xfs.html.indexOf('<section id="modes">'));
    expect(xfs.html).toContain('<a href="#stack">Storage stack</a>');
    const s = sectionOf(xfs.html);
    expect(s).toMatch(/<svg [^>]*role="img"/);
    expect(s).toContain('loop0 (7:0) · top · dio');
    expect(s).toContain('vda (254:0) · loop-backing · dio');
    expect(s).toMatch(/<td><strong>loop0<\/strong> <code>7:0<\/code><\/td><td>top<\/td><td>dio<\/td><td class="num">165<\/td>/);
  });

  it('gives each hop the share of the completed workload I/Os that took it', () => {
    const a = xfs.analysis;
    const resolved = Object.values(a.hops?.histogram ?? {}).reduce((x, y) => x + y, 0);
    const twoHops = a.hops?.histogram['2'] ?? 0;
    expect(twoHops).toBeGreaterThan(100);
    const share = `${((100 * twoHops) / resolved).toFixed(1)}% of I/Os`;
    const s = sectionOf(xfs.html);
    expect(s).toContain(`iomap_dio_complete_work on dio/vda: ${share}`);
    expect(s).toContain(`iomap_dio_complete_work on dio/loop0: ${share}`);
    // The hop table says which layer's completion queued each.
    expect(s).toMatch(/<td><code>iomap_dio_complete_work<\/code><\/td><td>dio\/vda<\/td><td>[^<]+<\/td><td>vda \(254:0\)<\/td><td class="num">128<\/td>/);
  });
});

describe('Storage stack section of the btrfs-on-loop report', () => {
  it('shows the request unit on the top and the three hops with their shares', () => {
    const s = sectionOf(btrfs.html);
    expect(s).toContain('loop2 (7:2) · top · request');
    expect(s).toContain('simple_end_io_work on btrfs-endio: 100.0% of I/Os');
    expect(s).toMatch(/btrfs_work_helper on btrfs-endio-write: 98\.5% of I\/Os/);
    expect(s).toContain('Hops per workload I/O: 2 hops: 1, 3 hops: 65.');
  });
});

describe('Storage stack section elsewhere', () => {
  it('is absent from a single-disk report, which is the page it was without the section', () => {
    expect(hasStack(single.analysis)).toBe(false);
    expect(single.html).not.toContain('id="stack"');
    expect(single.html).not.toContain('Storage stack');
  });

  it('escapes trace strings in the drawing and the tables', () => {
    const a = structuredClone(xfs.analysis);
    const top = a.layers?.[0];
    if (top) top.name = EVIL;
    const s = stackSection(a, stackFlow(a));
    expect(s).not.toContain(EVIL);
    expect(s).toContain('&lt;script&gt;');
  });

  it('without a tally (a caller with only the analysis) draws the most common chain without shares', () => {
    const html = renderReportHtml({ analysis: xfs.analysis, command: 'x', timeline: null });
    const s = sectionOf(html);
    expect(s).toContain('iomap_dio_complete_work on dio/vda<');
    expect(s).not.toContain('on dio/vda: ');
  });
});
