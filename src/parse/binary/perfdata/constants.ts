/**
 * Numbers of the perf.data format (tools/perf/Documentation/perf.data-file-format.txt,
 * include/uapi/linux/perf_event.h, tools/lib/perf/include/perf/event.h), in one place.
 */

/** `PERFILE2` read as a little-endian u64: its bytes 50 45 52 46 49 4c 45 32. */
export const MAGIC = 'PERFILE2';
/** The file header of file mode (104 bytes) and of pipe mode (magic + size 16). */
export const FILE_HEADER_BYTES = 104;
export const PIPE_HEADER_BYTES = 16;

/** Record types the reader acts on (perf_event_type, perf_user_event_type). */
export const REC = {
  MMAP: 1,
  LOST: 2,
  COMM: 3,
  EXIT: 4,
  FORK: 7,
  SAMPLE: 9,
  LOST_SAMPLES: 13,
  /** First type perf writes itself (not the kernel): processed at once, never ordered by time. */
  USER_START: 64,
  HEADER_ATTR: 64,
  HEADER_EVENT_TYPE: 65,
  HEADER_TRACING_DATA: 66,
  HEADER_BUILD_ID: 67,
  FINISHED_ROUND: 68,
  ID_INDEX: 69,
  AUXTRACE: 71,
  /** The tasks and CPUs perf record opened its events on (scope.ts). */
  THREAD_MAP: 73,
  CPU_MAP: 74,
  EVENT_UPDATE: 78,
  HEADER_FEATURE: 80,
  COMPRESSED: 81,
  FINISHED_INIT: 82,
  COMPRESSED2: 83,
} as const;

/** perf_event_sample_format bits. */
export const SAMPLE = {
  IP: 1 << 0,
  TID: 1 << 1,
  TIME: 1 << 2,
  ADDR: 1 << 3,
  READ: 1 << 4,
  CALLCHAIN: 1 << 5,
  ID: 1 << 6,
  CPU: 1 << 7,
  PERIOD: 1 << 8,
  STREAM_ID: 1 << 9,
  RAW: 1 << 10,
  IDENTIFIER: 1 << 16,
} as const;

/** perf_event_read_format bits (the layout of PERF_SAMPLE_READ). */
export const READ_FORMAT = {
  TOTAL_TIME_ENABLED: 1 << 0,
  TOTAL_TIME_RUNNING: 1 << 1,
  ID: 1 << 2,
  GROUP: 1 << 3,
  LOST: 1 << 4,
} as const;

/** perf_event_attr.type of a tracepoint: its config is the event's `ID:` in the format file. */
export const PERF_TYPE_TRACEPOINT = 2;
/**
 * Bits of perf_event_attr's flag word, counted from `disabled` = 0 (include/uapi/linux/perf_event.h):
 * `inherit` (children of a recorded task are recorded too), `freq` (sample_freq, not sample_period:
 * perf record -F), `enable_on_exec`, `sample_id_all` (other records carry a sample-id trailer).
 */
export const ATTR_FLAG_INHERIT = 1;
export const ATTR_FLAG_FREQ = 10;
export const ATTR_FLAG_ENABLE_ON_EXEC = 12;
export const ATTR_FLAG_SAMPLE_ID_ALL = 18;

/**
 * CPU_MAP encodings (enum PERF_CPU_MAP__*, tools/lib/perf/include/perf/event.h): a list of u16
 * CPUs, a bitmap of 32- or 64-bit words, or a range (perf 6.1 on: the one it writes for `-C 1`).
 */
export const CPU_MAP_CPUS = 0;
export const CPU_MAP_MASK = 1;
export const CPU_MAP_RANGE = 2;

/** Feature bits (enum HEADER_*, tools/perf/util/header.h) whose sections the reader reads. */
export const FEAT = {
  TRACING_DATA: 1,
  HOSTNAME: 3,
  OSRELEASE: 4,
  VERSION: 5,
  NRCPUS: 7,
  CMDLINE: 11,
  EVENT_DESC: 12,
  COMPRESSED: 27,
} as const;
/** The feature bitmap has 256 bits (HEADER_FEAT_BITS). */
export const FEAT_BITS = 256;

/** HEADER_COMPRESSED's type for zstd (enum perf_compress_type). */
export const COMP_ZSTD = 1;
