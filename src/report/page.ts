import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { VlSpec } from './charts.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { toVega, vegaRuntime, vegaVersion } from './vega-assets.js';

/**
 * The page shell shared by the report and the compare report: one self-contained HTML file.
 * The Content-Security-Policy forbids every fetch (no CDN, no fonts, no beacons), so the page works
 * offline by construction and a stray URL in trace data cannot make it reach out. vega compiles its
 * expressions with `new Function`, hence 'unsafe-eval'; all script is inline, hence 'unsafe-inline'.
 */

/** Named in each page's footer and generator meta tag. */
export const GENERATOR = 'iopath 0.1.0';

export interface ChartSlot {
  id: string;
  spec: VlSpec;
}

export interface PageSection {
  id: string;
  title: string;
  html: string;
}

const CSP = "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'";

const CSS = `
:root { color-scheme: light; --fg: #1d1d1f; --muted: #5a5a5f; --line: #d8d8dc; --bg-alt: #f6f6f8; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); margin: 0; padding: 24px; }
main { max-width: 1000px; margin: 0 auto; }
h1 { font-size: 24px; margin: 0 0 12px; word-break: break-all; }
h2 { font-size: 19px; margin: 36px 0 8px; padding-top: 12px; border-top: 1px solid var(--line); }
h3 { font-size: 16px; margin: 20px 0 6px; }
nav ul { columns: 2; margin: 8px 0 0; padding-left: 20px; list-style: none; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 12px; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; word-break: break-word; }
code { font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, monospace; }
code.cmd { display: inline-block; background: var(--bg-alt); padding: 2px 6px; border-radius: 4px; word-break: break-all; }
code.line { color: var(--muted); word-break: break-all; }
p.explanation { background: var(--bg-alt); border-left: 4px solid #0072B2; padding: 10px 14px; margin: 12px 0; }
p.note, .muted { color: var(--muted); font-size: 13px; }
figure.chart { margin: 12px 0; }
figure.chart .vega { min-height: 120px; overflow-x: auto; }
figcaption { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg-alt); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
details { margin: 8px 0; }
summary { cursor: pointer; color: #0b5394; }
dl.glossary dt { font-weight: 600; margin-top: 8px; }
dl.glossary dd { margin: 0 0 0 16px; }
.verdict { font-size: 16px; background: #fff8e6; border-left: 4px solid #E69F00; padding: 10px 14px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;

/**
 * Draws every chart with vega's SVG renderer and records the outcome on <html> (data-charts-*), so
 * a headless browser (and a curious reader) can tell that all charts were drawn.
 */
const RENDER = `(function () {
  var root = document.documentElement;
  var charts = JSON.parse(document.getElementById('iopath-charts').textContent);
  root.setAttribute('data-charts-total', String(charts.length));
  var drawn = 0, failed = 0;
  Promise.all(charts.map(function (c) {
    var el = document.getElementById(c.id);
    return Promise.resolve().then(function () {
      return new vega.View(vega.parse(c.spec), { renderer: 'svg', container: el, hover: true }).runAsync();
    }).then(function () { drawn++; }, function (err) {
      failed++;
      el.textContent = 'This chart could not be drawn (' + err + '); the table below holds its numbers.';
      console.error('iopath: chart ' + c.id + ' failed:', err);
    });
  })).then(function () {
    root.setAttribute('data-charts-drawn', String(drawn));
    root.setAttribute('data-charts-state', failed > 0 ? 'error' : 'done');
  });
})();`;

export function chartFigure(id: string, caption: string): string {
  return `<figure class="chart"><div id="${escapeHtml(id)}" class="vega"></div><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

export function renderPage(p: { title: string; intro: string; sections: PageSection[]; charts: ChartSlot[]; generator: string }): string {
  const nav = `<nav aria-label="contents"><ul>${p.sections.map((s) => `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a></li>`).join('')}</ul></nav>`;
  const body = p.sections.map((s) => `<section id="${escapeHtml(s.id)}">\n<h2>${escapeHtml(s.title)}</h2>\n${s.html}\n</section>`).join('\n');
  const compiled = p.charts.map((c) => ({ id: c.id, spec: toVega(c.spec) }));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(p.generator)}">
<title>${escapeHtml(p.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(p.title)}</h1>
${p.intro}
<noscript><p class="note">The charts need JavaScript; the tables hold the same numbers.</p></noscript>
${nav}
${body}
<footer>Written by ${escapeHtml(p.generator)}; charts drawn with vega ${escapeHtml(vegaVersion())}, inlined: this file makes no network request.</footer>
</main>
<script>${vegaRuntime()}</script>
<script type="application/json" id="iopath-charts">${jsonForScript(compiled)}</script>
<script>${RENDER}</script>
</body>
</html>
`;
}

export function writeHtmlFile(path: string, html: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, html);
}
