import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { connectWebSocket, type WsClient } from './websocket.js';

/**
 * Drives a local headless Chromium through the DevTools protocol: used by the browser test of the
 * HTML report and by the screenshot script. It never downloads a browser: it looks for an installed
 * one (IOPATH_CHROMIUM, then chromium / chromium-browser / google-chrome on PATH) and reports when
 * there is none, so callers can skip with a reason.
 */

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const executable = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  const forced = env.IOPATH_CHROMIUM;
  if (forced) return executable(forced) ? forced : null;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean))
    for (const name of CANDIDATES) if (executable(join(dir, name))) return join(dir, name);
  return null;
}

type Params = Record<string, unknown>;
type Handler = (params: Params, sessionId: string | undefined) => void;

export interface CdpConnection {
  send<T = Params>(method: string, params?: Params, sessionId?: string): Promise<T>;
  on(method: string, handler: Handler): void;
}

export interface Browser {
  cdp: CdpConnection;
  /** Opens a new tab and returns a session attached to it. */
  newPage(): Promise<PageSession>;
  close(): Promise<void>;
}

export interface PageSession {
  sessionId: string;
  send<T = Params>(method: string, params?: Params): Promise<T>;
  on(method: string, handler: (params: Params) => void): void;
  /** Evaluates an expression in the page and returns its value (awaiting promises). */
  evaluate<T = unknown>(expression: string): Promise<T>;
}

function connection(ws: WsClient): CdpConnection {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: Params) => void; reject: (e: Error) => void; method: string }>();
  const handlers = new Map<string, Handler[]>();
  ws.onMessage((text) => {
    const msg = JSON.parse(text) as { id?: number; result?: Params; error?: { message: string }; method?: string; params?: Params; sessionId?: string };
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result ?? {});
    } else if (msg.method) for (const h of handlers.get(msg.method) ?? []) h(msg.params ?? {}, msg.sessionId);
  });
  ws.onClose(() => {
    for (const p of pending.values()) p.reject(new Error(`${p.method}: the browser connection closed`));
    pending.clear();
  });
  return {
    send<T>(method: string, params: Params = {}, sessionId?: string) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: Params) => void, reject, method });
        ws.send(JSON.stringify(sessionId ? { id, method, params, sessionId } : { id, method, params }));
      });
    },
    on(method, handler) {
      handlers.set(method, [...(handlers.get(method) ?? []), handler]);
    },
  };
}

/** Reads "DevTools listening on ws://…" from the browser's stderr. */
function devtoolsUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`chromium did not print its DevTools URL within ${timeoutMs} ms:\n${err.slice(-2000)}`)), timeoutMs);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      err += d;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`chromium exited (code ${code}) before it was ready:\n${err.slice(-2000)}`));
    });
  });
}

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
  '--hide-scrollbars',
  '--mute-audio',
  '--remote-debugging-port=0',
];

export async function launchChromium(opts: { binary?: string; timeoutMs?: number } = {}): Promise<Browser> {
  const binary = opts.binary ?? findChromium();
  if (!binary) throw new Error('no chromium binary found (install Debian’s chromium package or set IOPATH_CHROMIUM)');
  const profile = mkdtempSync(join(tmpdir(), 'iopath-chromium-'));
  const child = spawn(binary, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const cleanup = (): void => rmSync(profile, { recursive: true, force: true });
  let cdp: CdpConnection;
  try {
    const url = await devtoolsUrl(child, opts.timeoutMs ?? 30_000);
    cdp = connection(await connectWebSocket(url));
  } catch (e) {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    cleanup();
    throw e;
  }
  return {
    cdp,
    async newPage() {
      const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
      const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
      return {
        sessionId,
        send: (method, params) => cdp.send(method, params, sessionId),
        on: (method, handler) => cdp.on(method, (p, sid) => sid === sessionId && handler(p)),
        async evaluate<T>(expression: string) {
          const r = await cdp.send<{ result: { value?: unknown }; exceptionDetails?: { text: string } }>('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, sessionId);
          if (r.exceptionDetails) throw new Error(`evaluate failed: ${r.exceptionDetails.text}`);
          return r.result.value as T;
        },
      };
    },
    async close() {
      // Ask politely (the browser takes its renderer processes with it), then insist on our own pid.
      await Promise.race([cdp.send('Browser.close').catch(() => undefined), exited]);
      const t = setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
      cleanup();
    },
  };
}
