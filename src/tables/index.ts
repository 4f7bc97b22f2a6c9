/**
 * `iopath/tables`: the analysis as relational tables (docs/tables.md) — rows per I/O, Parquet per
 * trace, many traces at once with a fleet summary. Its own entry because it is built on the library
 * (`analyze`), which therefore cannot re-export it without importing it back.
 */
export { TABLES, TABLE_NAMES, traceName, type Column, type ColumnType, type Row, type TableName } from './columns.js';
export { ioRow, workItemRow, cpuRows, diagnosticRows, traceRow } from './rows.js';
export { analyzeToParquet } from './trace-tables.js';
export { analyzeMany, type TraceJob } from './pool.js';
export { fleetSummary, FLEET_SCHEMA, type FleetSummary, type FleetTrace } from './fleet.js';
