import type { Command } from 'commander';
import type { SqlCliOptions } from './sql.js';

/** `iopath sql` as commander needs it before parsing argv; the tables and DuckDB are imported when the command runs. */

export function registerSql(program: Command): void {
  program
    .command('sql')
    .description('run a SQL query (DuckDB) over the tables ios, work_items, cpus, diagnostics, traces of one or many inputs')
    .argument('<query>', 'the query, e.g. "select trace, mode, count(*) from ios group by all"')
    .argument('<inputs...>', 'traces, saved analyze --json files (*.json[.gz]) or directories written by analyze --parquet')
    .option('--json', 'print the rows as a JSON array of objects')
    .option('--csv', 'print the rows as CSV (formula-escaped)')
    .option('--format <format>', 'force the trace format: ftrace | trace-cmd | perf (default: detected)')
    .option('--unit <unit>', 'auto | dio | request: what one I/O is', 'auto')
    .action(async (query: string, inputs: string[], opts: SqlCliOptions) => {
      const { runSql } = await import('./sql.js');
      process.exitCode = await runSql(query, inputs, opts);
    });
}
