import { Command, CommanderError } from 'commander';
import { registerCapture } from '../../src/commands/capture.js';
import { toCliError } from '../../src/commands/common.js';

/**
 * A CLI with only `capture`, wired as the real one and with root assumed, so tests can run it as a
 * separate process against a fake tracefs and send it real signals.
 */

const program = new Command().name('iopath').exitOverride();
registerCapture(program, { isRoot: () => true, memAvailableKb: () => undefined });
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
