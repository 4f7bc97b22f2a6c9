#!/usr/bin/env node
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from './cdp.js';
import { loadReport, screenshotPage } from './page-check.js';

/**
 * `node dist/browser/screenshot.js reports/demo.html [more.html …]`: writes NAME.png next to each
 * report (the whole page at 1100 CSS px wide) with a local headless Chromium, for a person to look
 * at or for the README. Fails, with the reason, on a console error, a network request or a chart
 * that was not drawn, so a broken report is not silently pictured.
 */

export async function screenshotReports(paths: string[], opts: { width?: number; log?: (s: string) => void } = {}): Promise<string[]> {
  const log = opts.log ?? ((s: string) => process.stdout.write(`${s}\n`));
  const browser = await launchChromium();
  const written: string[] = [];
  try {
    for (const p of paths) {
      const page = await browser.newPage();
      const r = await loadReport(page, resolve(p), { width: opts.width });
      const extra = r.requests.filter((u) => u !== r.url);
      const problems = [
        ...r.consoleErrors,
        ...extra.map((u) => `network request: ${u}`),
        ...r.dialogs.map((d) => `dialog: ${d}`),
        ...(r.state !== 'done' || r.chartsDrawn !== r.chartsTotal ? [`charts: ${r.chartsDrawn} of ${r.chartsTotal} drawn (${r.state})`] : []),
      ];
      if (problems.length > 0) throw new Error(`${p}:\n  ${problems.join('\n  ')}`);
      const png = p.replace(/\.html?$/i, '') + '.png';
      const size = await screenshotPage(page, png, opts.width);
      log(`${png} (${size.width}×${size.height}, ${r.chartsDrawn} charts)`);
      written.push(png);
      await page.send('Page.close').catch(() => undefined);
    }
  } finally {
    await browser.close();
  }
  return written;
}

async function main(): Promise<void> {
  const paths = process.argv.slice(2);
  if (paths.length === 0) {
    process.stderr.write('usage: node dist/browser/screenshot.js REPORT.html [REPORT2.html …]\n');
    process.exitCode = 2;
    return;
  }
  try {
    await screenshotReports(paths);
  } catch (e) {
    process.stderr.write(`screenshot: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
