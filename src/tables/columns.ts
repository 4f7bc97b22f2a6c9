/**
 * The analysis as relational tables: each table's columns, in order, with their type. One place
 * for these facts: the row builders, the Parquet writer, the empty tables `iopath sql` makes and
 * docs/tables.md (held to this list by a test) all follow it.
 *
 * `trace` is not a column of the files: it is the Hive partition (`ios/trace=NAME/part-0.parquet`),
 * which DuckDB, Spark and Trino all read back as a column; a data column of the same name would
 * clash with it in Spark.
 */

export type ColumnType = 'string' | 'int32' | 'int64' | 'double';

export interface Column {
  name: string;
  type: ColumnType;
}

const c = (spec: string): Column[] =>
  spec
    .trim()
    .split(/\s+/)
    .map((s) => {
      const [name, type] = s.split(':') as [string, ColumnType];
      return { name, type };
    });

export const TABLES = {
  ios: c(`
    id:int64 layer:string unit:string mode:string irq_context:string task_kind:string direction:string bytes:int64
    dev:string ino:string offset:int64 sector:int64
    submitter_pid:int32 submitter_comm:string submitter_cpu:int32 completer_pid:int32 completer_comm:string completer_cpu:int32
    submit_ns:int64 issue_ns:int64 device_complete_ns:int64 device_complete_cpu:int32 device_complete_ctx:string
    queue_work_ns:int64 activate_ns:int64 kworker_waking_ns:int64 kworker_wakeup_ns:int64 kworker_switch_in_ns:int64
    execute_start_ns:int64 execute_end_ns:int64 completion_ns:int64 completion_ctx:string
    total_us:double device_us:double completion_us:double deferral_wait_us:double work_us:double run_delay_us:double
    completion_hops:int32 hop_chain:string devices:string cpu_changes:int32 unresolved_reason:string evidence:string submit_line:int64 completion_line:int64`),
  work_items: c(`
    io_id:int64 work:string function:string workqueue:string kworker_pid:int32 kworker_comm:string cpu:int32
    queue_ns:int64 activate_ns:int64 start_ns:int64 end_ns:int64 wait_us:double run_us:double`),
  cpus: c(`
    cpu:int32 hardirq_us:double softirq_us:double kworker_us:double dio_work_us:double submitter_us:double
    other_task_us:double idle_us:double unknown_us:double context_switches:int64
    submitter_preemptions_by_kworker:int64 submitter_preemptions:int64`),
  diagnostics: c(`code:string severity:string description:string count:int64 first_line:int64 first_text:string`),
  traces: c(`
    input:string format:string kernel:string lines:int64 events:int64 unit:string start_ns:int64 end_ns:int64
    ios:int64 iops:double mbps:double data_loss_suspected:int32`),
} as const satisfies Record<string, Column[]>;

export type TableName = keyof typeof TABLES;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

/** A row: column name → value; a missing or undefined value is NULL. */
export type Row = Record<string, string | number | undefined>;

/** DuckDB's name for each type (for the empty tables `iopath sql` declares). */
export const SQL_TYPES: Record<ColumnType, string> = { string: 'VARCHAR', int32: 'INTEGER', int64: 'BIGINT', double: 'DOUBLE' };

/** A trace's name as a partition value: its file name less .gz, .txt and a format tag (.raw, .tcmd, .perf, .ftrace), safe in a path. */
export function traceName(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  const stem = base.replace(/(\.gz)?$/, '').replace(/\.(txt|dat|json)$/, '').replace(/\.(raw|tcmd|perf|ftrace|trace)$/, '') || 'trace';
  return stem.replace(/[^A-Za-z0-9._-]/g, '_');
}
