import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXCERPTS } from '../parse/helpers.js';
import { buildCli, CLI, expectNoStack, type Run } from './run.js';

/**
 * `iopath report t.txt | head -3`: the reader of stdout goes away before iopath has written. The
 * read end of the pipe is closed as soon as the child starts (long before it has loaded its modules
 * and read the trace), so every write it makes meets EPIPE. It must end quietly: exit 0, nothing on
 * stderr.
 */

const TRACE = join(EXCERPTS, 'ftrace-libaio-randwrite-cpu1.txt');

function withClosedStdout(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: '', stderr }));
  });
}

const COMMANDS = [['analyze', '--json', TRACE], ['inspect', TRACE], ['report', TRACE], ['calibrate', TRACE], ['capture', '--help']] as const;
const runs = new Map<string, Run>();

beforeAll(async () => {
  buildCli();
  // Two at a time: each is mostly module loading.
  for (let i = 0; i < COMMANDS.length; i += 2) {
    const pair = COMMANDS.slice(i, i + 2);
    const done = await Promise.all(pair.map((args) => withClosedStdout(args)));
    pair.forEach((args, k) => runs.set(args.join(' '), done[k]!));
  }
}, 120_000);

describe('a closed stdout ends the command quietly', () => {
  it.each(COMMANDS.map((args) => [args.join(' ').replace(TRACE, 'TRACE'), args.join(' ')]))('%s', (_name, key) => {
    const r = runs.get(key)!;
    expectNoStack(r);
    expect(r.stderr).not.toMatch(/EPIPE/);
    expect(r.stderr, r.stderr).toBe('');
    expect(r.code, r.stderr).toBe(0);
  });
});
