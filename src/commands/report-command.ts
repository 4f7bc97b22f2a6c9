import type { Command } from 'commander';
import { DEFAULT_TIMELINE_MS } from '../report/timeline-default.js';
import type { ReportCliOptions } from './report.js';

/**
 * `iopath report` as commander needs it before parsing argv: name, argument, options, help. The
 * report's code (report.ts, src/report, vega-lite) is imported only when the command runs.
 */

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML report (charts and tables; opens offline)')
    .argument('<trace>', 'trace file (ftrace, trace-cmd report or perf script text, trace.dat, perf.data or the directory perf record --threads writes; .gz is detected), or - for stdin; read once')
    .option('-o, --output <file>', 'HTML file to write (default reports/<trace name>.html)')
    .option('--format <format>', 'force the input format: ftrace | trace-cmd | perf (default: detected)')
    .option('--unit <unit>', 'auto | dio | request: what one I/O is (default auto: DIOs when iomap events exist)')
    .option('--timeline-ms <ms>', `width of the timeline window in the middle of the I/O window (default ${DEFAULT_TIMELINE_MS}; on a long trace, the nearest of evenly spaced candidates)`)
    .option('--strict', 'stop at the first malformed line or data loss with file:line and exit 1')
    .action(async (trace: string, opts: ReportCliOptions) => {
      const { runReport } = await import('./report.js');
      process.exitCode = await runReport(trace, opts);
    });
}
