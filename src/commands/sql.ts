import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { SQL_TYPES, TABLE_NAMES, TABLES } from '../tables/columns.js';
import { materialize, tableFiles } from '../tables/inputs.js';
import { CliError, command } from './common.js';
import { formatOption, unitOption } from './options.js';

/**
 * `iopath sql "<query>" INPUT…`: the tables of docs/tables.md as DuckDB views over Parquet files.
 * DuckDB is imported here, at run time, so no other command pays for loading it.
 */

export interface SqlCliOptions {
  json?: boolean;
  csv?: boolean;
  format?: string;
  unit?: string;
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** One statement per table: a view over its files, or an empty table of its columns when no input has it. */
export function viewStatements(roots: readonly string[]): string[] {
  return TABLE_NAMES.map((t) => {
    const files = tableFiles(roots, t);
    if (files.length === 0) return `CREATE TABLE ${t} (trace VARCHAR, ${TABLES[t].map((c) => `${c.name} ${SQL_TYPES[c.type]}`).join(', ')})`;
    const list = `[${files.map(sqlString).join(', ')}]`;
    return `CREATE VIEW ${t} AS SELECT * FROM read_parquet(${list}, hive_partitioning = true, hive_types = {'trace': VARCHAR}, union_by_name = true)`;
  });
}

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

export async function runQuery(query: string, roots: readonly string[]): Promise<QueryResult> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    for (const s of viewStatements(roots)) await conn.run(s);
    const reader = await conn.runAndReadAll(query).catch((err: Error) => {
      throw new CliError(`sql: ${err.message.split('\n')[0]}`, 'usage');
    });
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() as Record<string, unknown>[] };
  } finally {
    conn.closeSync();
  }
}

const show = (v: unknown): string => (v === null || v === undefined ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** A plain text table: numbers right-aligned, a rule under the header. */
export function formatTable(r: QueryResult): string {
  const cells = r.rows.map((row) => r.columns.map((c) => show(row[c])));
  const numeric = r.columns.map((c) => r.rows.length > 0 && r.rows.every((row) => row[c] === null || typeof row[c] === 'number' || (typeof row[c] === 'string' && /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(row[c] as string))));
  const width = r.columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]): string => vals.map((v, i) => (numeric[i] ? v.padStart(width[i]!) : v.padEnd(width[i]!))).join('  ').trimEnd();
  return [line(r.columns), width.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line), `(${r.rows.length} row${r.rows.length === 1 ? '' : 's'})`, ''].join('\n');
}

export const runSql = command(async (query: string, inputs: string[], opts: SqlCliOptions): Promise<number> => {
  if (inputs.length === 0) throw new CliError('sql: give at least one trace, analysis.json or Parquet directory', 'usage');
  if (opts.json && opts.csv) throw new CliError('sql: --json and --csv exclude each other', 'usage');
  const scratch = mkdtempSync(join(tmpdir(), 'iopath-sql-'));
  try {
    const roots = await materialize(inputs, scratch, { format: formatOption(opts.format), unit: unitOption(opts.unit) });
    const r = await runQuery(query, roots);
    if (opts.json) process.stdout.write(JSON.stringify(r.rows, null, 2) + '\n');
    else if (opts.csv) process.stdout.write(Papa.unparse({ fields: r.columns, data: r.rows.map((row) => r.columns.map((c) => row[c] ?? '')) }, { escapeFormulae: true }) + '\n');
    else process.stdout.write(formatTable(r));
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
