import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError } from '../../src/commands/common.js';
import { registerExport } from '../../src/commands/export-command.js';
import { registerReport } from '../../src/commands/report-command.js';
import { defaultReportPath, reportCommand } from '../../src/commands/report.js';
import { CPU1, tempDir } from './helpers.js';

/** `iopath report` and `iopath export` as the CLI wires them (register functions on a program). */

async function run(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerReport(program);
  registerExport(program);
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out.push(String(s));
    return true;
  });
  try {
    await program.parseAsync(['node', 'iopath', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out.join('');
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('iopath report', () => {
  it('writes the HTML where -o says and prints one line', async () => {
    const out = join(tempDir(), 'sub', 'r.html');
    const line = await run('report', CPU1, '-o', out, '--timeline-ms', '0.5');
    expect(existsSync(out)).toBe(true);
    expect(line).toMatch(/^iopath report: .*r\.html \(\d+ KiB\): \d+ I\/Os from /);
    expect(readFileSync(out, 'utf8')).toContain('--timeline-ms 0.5');
  });

  it('rejects bad options and missing files with a one-line CliError', async () => {
    await expect(run('report', CPU1, '--unit', 'bogus')).rejects.toThrow(CliError);
    await expect(run('report', CPU1, '--timeline-ms', '-1')).rejects.toThrow(/--timeline-ms/);
    await expect(run('report', join(tempDir(), 'nope.txt'))).rejects.toThrow(/no such file/);
  });

  it('defaults to reports/<trace stem>.html and prints a command that reproduces it', () => {
    expect(defaultReportPath('../x/libaio-randwrite-cpu1.ftrace.txt.gz')).toBe('reports/libaio-randwrite-cpu1.ftrace.html');
    expect(reportCommand('my trace.txt', 'reports/a.html', { unit: 'request', format: 'ftrace' })).toBe("iopath report 'my trace.txt' -o reports/a.html --format ftrace --unit request");
  });
});

describe('iopath export', () => {
  it('writes Perfetto JSON for a window of the trace', async () => {
    const out = join(tempDir(), 'p.json');
    const line = await run('export', '--perfetto', out, '--to-ms', '5', CPU1);
    expect(line).toMatch(/^iopath export: .*p\.json \([\d.]+ MB, \d+ events, \d+ I\/Os, \d+ flows\)/);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: unknown[] };
    expect(json.traceEvents.length).toBeGreaterThan(100);
  });

  it('needs --perfetto and a sane window (stdin is read as a file is: test/cli/export-stdin)', async () => {
    await expect(run('export', CPU1)).rejects.toThrow(/--perfetto/);
    await expect(run('export', '--perfetto', 'x.json', '--from-ms', '5', '--to-ms', '2', CPU1)).rejects.toThrow(/--to-ms/);
  });
});
