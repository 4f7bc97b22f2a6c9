import type { Command } from 'commander';
import type { ExportCliOptions } from './export.js';

/** `iopath export` as commander needs it before parsing argv; the export itself is imported when the command runs. */

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export the rebuilt I/O paths for a timeline viewer (Perfetto / Chrome trace-event JSON)')
    .argument('<trace>', 'trace file (ftrace, trace-cmd report or perf script text, trace.dat, perf.data or the directory perf record --threads writes; .gz is detected), or - for stdin; read once')
    .option('--perfetto <file>', 'write Chrome trace-event JSON for ui.perfetto.dev: CPU tracks, I/O slices, a flow arrow per I/O')
    .option('--format <format>', 'force the input format: ftrace | trace-cmd | perf (default: detected)')
    .option('--unit <unit>', 'auto | dio | request: what one I/O is (default auto: DIOs when iomap events exist)')
    .option('--from-ms <ms>', 'export only from this many ms after the first event (bounds memory and file size)')
    .option('--to-ms <ms>', 'export only up to this many ms after the first event')
    .option('--strict', 'stop at the first malformed line or data loss with file:line and exit 1')
    .action(async (trace: string, opts: ExportCliOptions) => {
      const { runExport } = await import('./export.js');
      process.exitCode = await runExport(trace, opts);
    });
}
