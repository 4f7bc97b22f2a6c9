import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { PageSession } from './cdp.js';

/**
 * Opens a report in a headless browser tab and records what a reader would not want to see:
 * console errors, uncaught exceptions, dialogs (an injected `alert`), and every network request.
 * Then waits until the page says all its charts were drawn (data-charts-state on <html>).
 */

export interface PageLoad {
  url: string;
  consoleErrors: string[];
  requests: string[];
  dialogs: string[];
  chartsTotal: number;
  chartsDrawn: number;
  state: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function loadReport(page: PageSession, htmlPath: string, opts: { width?: number; height?: number; timeoutMs?: number } = {}): Promise<PageLoad> {
  const url = pathToFileURL(htmlPath).href;
  const out: PageLoad = { url, consoleErrors: [], requests: [], dialogs: [], chartsTotal: 0, chartsDrawn: 0, state: 'timeout' };
  page.on('Runtime.consoleAPICalled', (p) => {
    if (p.type === 'error' || p.type === 'assert') out.consoleErrors.push(`console.${String(p.type)}: ${JSON.stringify(p.args)}`);
  });
  page.on('Runtime.exceptionThrown', (p) => out.consoleErrors.push(`exception: ${JSON.stringify(p.exceptionDetails)}`));
  page.on('Log.entryAdded', (p) => {
    const e = p.entry as { level?: string; text?: string; url?: string };
    if (e.level === 'error') out.consoleErrors.push(`log: ${e.text ?? ''} ${e.url ?? ''}`);
  });
  page.on('Network.requestWillBeSent', (p) => out.requests.push(String((p.request as { url?: string }).url)));
  page.on('Page.javascriptDialogOpening', (p) => {
    out.dialogs.push(String(p.message));
    void page.send('Page.handleJavaScriptDialog', { accept: true }).catch(() => undefined);
  });
  await Promise.all(['Runtime.enable', 'Log.enable', 'Network.enable', 'Page.enable'].map((m) => page.send(m)));
  await page.send('Emulation.setDeviceMetricsOverride', { width: opts.width ?? 1100, height: opts.height ?? 900, deviceScaleFactor: 1, mobile: false });
  const loaded = new Promise<void>((r) => page.on('Page.loadEventFired', () => r()));
  await page.send('Page.navigate', { url });
  await loaded;
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    const state = await page.evaluate<string | null>("document.documentElement.getAttribute('data-charts-state')");
    if (state) {
      out.state = state;
      break;
    }
    await sleep(50);
  }
  out.chartsTotal = Number(await page.evaluate("document.documentElement.getAttribute('data-charts-total')"));
  out.chartsDrawn = Number(await page.evaluate("document.documentElement.getAttribute('data-charts-drawn')"));
  return out;
}

/** Writes a PNG of the whole page (not only the viewport) at the given CSS width. */
export async function screenshotPage(page: PageSession, pngPath: string, width = 1100): Promise<{ width: number; height: number }> {
  const height = Math.ceil(await page.evaluate<number>('Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)'));
  await page.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
  const shot = await page.send<{ data: string }>('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width, height, scale: 1 } });
  writeFileSync(pngPath, Buffer.from(shot.data, 'base64'));
  return { width, height };
}
