import { spawn, type StdioOptions } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Running the traced command: PATH lookup before anything is armed, then spawn with signal forwarding. */

export type CommandOutcome =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null; durationMs: number; interrupted?: NodeJS.Signals }
  | { kind: 'spawn-failed'; message: string; durationMs: number; interrupted?: NodeJS.Signals };

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The signal an abort stands for: its reason when that names one, else SIGTERM. */
export function signalOf(reason: unknown): NodeJS.Signals {
  return typeof reason === 'string' && (FORWARDED as readonly string[]).includes(reason) ? (reason as NodeJS.Signals) : 'SIGTERM';
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Where `cmd` would be found (as execvp would look), or undefined. */
export function findOnPath(cmd: string, path: string | undefined = process.env.PATH): string | undefined {
  if (cmd.includes('/')) return isFile(cmd) ? cmd : undefined;
  for (const dir of (path ?? '').split(delimiter)) {
    const p = join(dir || '.', cmd);
    if (isFile(p)) return p;
  }
  return undefined;
}

export function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface RunOptions {
  /** Aborting forwards the signal named by the abort reason to the command. */
  signal?: AbortSignal;
  stdio?: StdioOptions;
}

/** Runs `argv` to its end; never rejects. */
export function runCommand(argv: readonly string[], opts: RunOptions = {}): Promise<CommandOutcome> {
  const [cmd = '', ...args] = argv;
  const start = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    let interrupted: NodeJS.Signals | undefined;
    const child = spawn(cmd, args, { stdio: opts.stdio ?? 'inherit' });
    const onAbort = (): void => {
      interrupted = signalOf(opts.signal?.reason);
      // The terminal may have sent it to the command already (same process group); a second
      // SIGINT is harmless for the commands this is made for, and a `kill` of iopath alone needs it.
      if (child.exitCode === null && child.signalCode === null) child.kill(interrupted);
    };
    const finish = (o: CommandOutcome): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(interrupted ? { ...o, interrupted } : o);
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', (err: NodeJS.ErrnoException) => {
      // After a successful spawn 'error' only reports a failed kill; 'exit' still comes.
      if (child.pid === undefined) finish({ kind: 'spawn-failed', message: `${cmd}: ${err.code ?? err.message}`, durationMs: performance.now() - start });
    });
    child.once('exit', (code, signal) => finish({ kind: 'exited', code, signal, durationMs: performance.now() - start }));
  });
}
