import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeTrace } from '../analyze/pipeline.js';
import { compareAnalyses, formatCompareText } from '../compare/index.js';
import { buildReport } from '../report/build-report.js';
import { writeCompareHtml } from '../report/html.js';
import { writeHtmlFile } from '../report/page.js';
import { formatAnalysisText } from '../report/text.js';
import { CliError, command } from './common.js';

/** The repository root (dist/commands/ → ../..). */
export function repoRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** A bundled real capture (see fixtures/README.md). */
export function demoTracePath(name = 'libaio-randwrite-cpu1.ftrace.txt.gz'): string {
  return join(repoRoot(), 'fixtures', 'real', name);
}

/** Paths relative to where the user stands: output never embeds this machine's layout. */
const rel = (p: string): string => relative(process.cwd(), p) || p;

/**
 * `npm start`: analyze the bundled capture (fio on the IRQ's CPU), print the summary, write its
 * HTML report, and a compare report against the same job with fio on the other CPU.
 */
export const runDemo = command(async (): Promise<number> => {
  const one = demoTracePath();
  const zero = demoTracePath('libaio-randwrite-cpu0.ftrace.txt.gz');
  for (const p of [one, zero]) if (!existsSync(p)) throw new CliError(`bundled trace missing: ${rel(p)}`);
  process.stdout.write(`iopath demo: the bundled real capture ${rel(one)}\n`);
  process.stdout.write(`(fio, libaio 4 KiB random DIO overwrites, iodepth 32, pinned to CPU 1, the CPU that takes the virtio-blk interrupt; Linux 6.18)\n\n`);
  const out = join(repoRoot(), 'reports', 'demo.html');
  const report = await buildReport(rel(one), { command: `iopath report ${rel(one)} -o ${rel(out)}` });
  process.stdout.write(formatAnalysisText(report.analysis));
  writeHtmlFile(out, report.html);
  const { analysis: other } = await analyzeTrace(rel(zero));
  const labels = { labelBefore: 'fio on CPU 1 (IRQ CPU)', labelAfter: 'fio on CPU 0' };
  const comparison = compareAnalyses([report.analysis], [other], labels);
  process.stdout.write(`\n${formatCompareText(comparison)}`);
  const cmp = join(repoRoot(), 'reports', 'demo-compare.html');
  writeCompareHtml(report.analysis, other, comparison, cmp, { labels: { before: 'fio on CPU 1 (IRQ CPU)', after: 'fio on CPU 0' }, command: 'iopath compare fixtures/real/libaio-randwrite-cpu1.ftrace.txt.gz fixtures/real/libaio-randwrite-cpu0.ftrace.txt.gz --html reports/demo-compare.html' });
  process.stdout.write(`\nwrote ${rel(out)} and ${rel(cmp)} (fio on the IRQ's CPU vs on the other CPU)\n`);
  return 0;
});
