import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import type { Column, ColumnType, Row, TableName } from './columns.js';
import { TABLES } from './columns.js';

/**
 * Streaming Parquet writer of one table (hyparquet-writer: pure JS, no native or downloaded code;
 * see docs/tables.md for why it was chosen). Rows are buffered column by column and written as a
 * row group every ROW_GROUP rows, so memory holds one row group, not the table.
 */

const ROW_GROUP = 65_536;

const PARQUET_TYPE: Record<ColumnType, { type: 'BYTE_ARRAY' | 'INT32' | 'INT64' | 'DOUBLE'; converted_type?: 'UTF8' }> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  int32: { type: 'INT32' },
  int64: { type: 'INT64' },
  double: { type: 'DOUBLE' },
};

export interface TableWriter {
  add(row: Row): void;
  readonly rows: number;
  close(): void;
}

/** `DIR/TABLE/trace=NAME/part-0.parquet`: the Hive layout every engine reads as a `trace` column. */
export function partPath(dir: string, table: TableName, trace: string): string {
  return join(dir, table, `trace=${trace}`, 'part-0.parquet');
}

const cell = (t: ColumnType, v: string | number | undefined): string | number | bigint | null => {
  if (v === undefined || v === null || (typeof v === 'number' && !Number.isFinite(v))) return null;
  if (t === 'int64') return BigInt(Math.round(Number(v)));
  if (t === 'int32') return Math.round(Number(v));
  if (t === 'double') return Number(v);
  return String(v);
};

export function createTableWriter(file: string, columns: readonly Column[]): TableWriter {
  mkdirSync(dirname(file), { recursive: true });
  const schema = [
    { name: 'root', num_children: columns.length },
    ...columns.map((c) => ({ name: c.name, ...PARQUET_TYPE[c.type], repetition_type: 'OPTIONAL' as const })),
  ];
  const writer = new ParquetWriter({ writer: fileWriter(file), schema, createdBy: 'iopath' });
  let buf: (string | number | bigint | null)[][] = columns.map(() => []);
  let pending = 0;
  let rows = 0;
  const flush = (): void => {
    if (pending === 0) return;
    void writer.write({ columnData: columns.map((c, i) => ({ name: c.name, data: buf[i]! })), rowGroupSize: ROW_GROUP });
    buf = columns.map(() => []);
    pending = 0;
  };
  return {
    add(row) {
      columns.forEach((c, i) => buf[i]!.push(cell(c.type, row[c.name])));
      pending++;
      rows++;
      if (pending >= ROW_GROUP) flush();
    },
    get rows() {
      return rows;
    },
    close() {
      flush();
      writer.finish();
    },
  };
}

/** One writer per table for one trace under DIR. */
export function createTraceWriters(dir: string, trace: string): Record<TableName, TableWriter> {
  const out = {} as Record<TableName, TableWriter>;
  for (const t of Object.keys(TABLES) as TableName[]) out[t] = createTableWriter(partPath(dir, t, trace), TABLES[t]);
  return out;
}
