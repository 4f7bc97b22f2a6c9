import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths.js';
import { buildCli, iopathAll, type Run } from './run.js';

/**
 * What the built CLI prints for --help, --version, `help CMD`, each command's --help and
 * commander's usage errors (which print the command's help after the error), byte for byte, with
 * the exit code: the text in help-text.json was recorded from the CLI as it was before commands
 * were loaded lazily (src/commands/*-command.ts), so the help must not change by accident when a
 * command's definition moves. A deliberate change of a help text: regenerate it
 * (`UPDATE_HELP=1 npx vitest run test/cli/help-text`) and say why in the commit.
 */

interface Recorded extends Run {
  args: string[];
}

const FILE = join(REPO, 'test', 'cli', 'help-text.json');
const recorded = JSON.parse(readFileSync(FILE, 'utf8')) as Recorded[];
let runs: Run[] = [];

beforeAll(async () => {
  buildCli();
  runs = await iopathAll(recorded.map((r) => r.args));
  if (process.env.UPDATE_HELP) writeFileSync(FILE, `${JSON.stringify(recorded.map((r, i) => ({ args: r.args, code: runs[i]!.code, stdout: runs[i]!.stdout, stderr: runs[i]!.stderr })), null, 1)}\n`);
}, 120_000);

/** The command names listed under "Commands:" in the program's help. */
function listedCommands(help: string): string[] {
  const section = help.slice(help.indexOf('\nCommands:\n'));
  return [...section.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!);
}

describe('help and usage texts of the built CLI', () => {
  it('covers the program and every command it lists', () => {
    const program = recorded.find((r) => r.args.length === 1 && r.args[0] === '--help')!;
    const commands = listedCommands(program.stdout);
    expect(commands).toContain('analyze');
    expect(commands.length).toBeGreaterThanOrEqual(10);
    const cases = new Set(recorded.map((r) => r.args.join(' ')));
    for (const c of commands) expect(cases, c).toContain(`${c} --help`);
    // `help CMD` is commander's other way to the same text: a few commands, not all (each case is a process).
    for (const c of ['analyze', 'simulate', 'help']) expect(cases).toContain(`help ${c}`);
    // The list the CLI prints today is the recorded one (a command added without a case fails here).
    expect(listedCommands(runs[recorded.indexOf(program)]!.stdout)).toEqual(commands);
  });

  it.each(recorded.map((r, i) => [r.args.join(' ') || '(no arguments)', i] as const))('%s: same exit code, stdout and stderr', (_, i) => {
    const want = recorded[i]!;
    const got = runs[i]!;
    expect({ code: got.code, stdout: got.stdout, stderr: got.stderr }).toEqual({ code: want.code, stdout: want.stdout, stderr: want.stderr });
  });
});
