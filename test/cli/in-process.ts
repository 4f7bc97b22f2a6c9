import { CommanderError } from 'commander';
import { toCliError, EXIT_USAGE } from '../../src/commands/common.js';
import type { Run } from './run.js';

/**
 * A command's body (`runAnalyze`, `runReport`, …) called in the test's own process, with what it
 * writes to stdout and stderr captured and its failure turned into the exit code and `iopath:` line
 * as the CLI's entry point does (src/cli.ts main). For tests of what a command writes, run over
 * many inputs: a spawned CLI costs ~0.7 s of CPU to load its modules before it reads a byte, this
 * costs the analysis alone. Each such test file keeps one spawned run of the built CLI and checks
 * it gives the same bytes as the in-process run, so the entry point stays covered.
 * Calls must not overlap: they share process.stdout.
 */
export async function runInProcess(body: () => Promise<number>): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const { stdout, stderr } = process;
  const realOut = stdout.write;
  const realErr = stderr.write;
  const capture =
    (into: string[]) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    };
  stdout.write = capture(out) as typeof stdout.write;
  stderr.write = capture(err) as typeof stderr.write;
  let code: number;
  try {
    code = await body();
  } catch (e) {
    if (e instanceof CommanderError) code = e.exitCode === 0 ? 0 : EXIT_USAGE;
    else {
      const c = toCliError(e);
      err.push(`iopath: ${c.message}\n`);
      code = c.exitCode;
    }
  } finally {
    stdout.write = realOut;
    stderr.write = realErr;
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}
