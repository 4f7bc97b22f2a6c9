import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/commands/common.js';
import { optionsToParams, parseSize, runSimulate } from '../../src/commands/simulate.js';
import { registerSimulate } from '../../src/commands/simulate-command.js';
import { PARAM_SPECS } from '../../src/sim/params.js';

describe('simulate command', () => {
  it('lists every parameter with its default and reason in --help', () => {
    const program = new Command();
    registerSimulate(program);
    const cmd = program.commands.find((c) => c.name() === 'simulate');
    let help = '';
    cmd?.configureOutput({ writeOut: (s) => (help += s) });
    cmd?.outputHelp();
    for (const name of Object.keys(PARAM_SPECS)) expect(help).toContain(`${name}=`);
    for (const opt of ['--preset', '--kernel', '--engine', '--rw', '--iodepth', '--bs', '--ios', '--duration', '--submit-cpu', '--irq-cpu', '--seed', '--format', '--output', '--truth', '--json']) expect(help).toContain(opt);
  });

  it('maps options to parameters and rejects bad ones with a usage error', async () => {
    expect(parseSize('4k')).toBe(4096);
    expect(optionsToParams({ iodepth: '32', bs: '8k', duration: '0.5', kernel: 'patched' })).toMatchObject({ iodepth: 32, bs: 8192, ios: 0, durationNs: 500_000_000, kernel: 'patched' });
    const bad = [{ kernel: 'linux-2.6' }, { iodepth: '0' }, { bs: 'big' }, { ios: '5', duration: '1' }, { engine: 'spdk' }];
    for (const o of bad) expect(() => optionsToParams(o)).toThrow(CliError);
    await expect(runSimulate({ preset: 'nope' })).rejects.toThrow(CliError);
    await expect(runSimulate({ submitCpu: '7', json: true })).rejects.toMatchObject({ exitCode: 2 });
  });
});
