import { Command, CommanderError } from 'commander';
import { registerCapture } from '../../src/commands/capture-command.js';
import { toCliError } from '../../src/commands/common.js';
import { fakeInstances } from './fake-tracefs.js';

/**
 * A CLI with only `capture`, wired as the real one and with root assumed, so tests can run it as a
 * separate process against a fake tracefs (whose instances it fills) and send it real signals.
 */

const program = new Command().name('iopath').exitOverride();
// The fake kernel also fills the instances the capture makes (see fake-tracefs.ts).
registerCapture(program, { isRoot: () => true, memAvailableKb: () => undefined, instances: fakeInstances() });
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exitCode = 2;
  else {
    const e = toCliError(err);
    process.stderr.write(`iopath: ${e.message}\n`);
    process.exitCode = e.exitCode;
  }
}
