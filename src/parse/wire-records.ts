import type { EventKind, TraceEvent } from '../model/events.js';

/**
 * The records of the wire (wire.ts), one layout per event kind. A record is `[tag, mask, required
 * fields…, present optional fields…]`. The tag is the event kind (or DIAG for a diagnostic, RAW
 * for an event sent as its bytes, wire-direct.ts); the mask says which optional fields follow. The
 * decoder rebuilds the very object the parser made: same keys, same values, kind first, optional
 * fields after the required ones in the order the parser adds them (the payload's own, then tgid,
 * flags, ctx), so the analyzer sees the same object shapes whichever thread parsed.
 * `test/parse/wire.test.ts` checks that every fixture's events come back deep-equal.
 *
 * Encoder and decoder are compiled per kind from the field lists below (`new Function`), since a
 * loop over field names would read every property through a megamorphic keyed access.
 */

/** n: number, s: string from the shared table, t: free text sent with its batch, d: `{major, minor}`. */
type FieldType = 'n' | 's' | 't' | 'd';

interface Field {
  key: string;
  type: FieldType;
}

export const HEADER = 'line:n ts:n cpu:n pid:n comm:s';
/** Added by the line parser after the payload's fields, when the line prints them. */
export const HEADER_OPTIONAL = 'tgid:n flags:s ctx:s';

/** Required fields, then `|` and the optional ones, in the order the parsers write them. */
export const SCHEMAS: Record<EventKind, string> = {
  block_rq_issue: 'dev:d rwbs:s bytes:n cmd:s sector:n nrSector:n issuer:s | ioprio:s',
  block_rq_insert: 'dev:d rwbs:s bytes:n cmd:s sector:n nrSector:n issuer:s | ioprio:s',
  block_rq_complete: 'dev:d rwbs:s cmd:s sector:n nrSector:n error:n | ioprio:s',
  block_rq_error: 'dev:d rwbs:s cmd:s sector:n nrSector:n error:n | ioprio:s',
  workqueue_queue_work: 'work:s function:s workqueue:s reqCpu:n targetCpu:n',
  workqueue_activate_work: 'work:s | function:s',
  workqueue_execute_start: 'work:s function:s',
  workqueue_execute_end: 'work:s | function:s',
  sched_switch: 'prevComm:s prevPid:n prevPrio:n prevState:s nextComm:s nextPid:n nextPrio:n form:s',
  sched_waking: 'targetComm:s targetPid:n prio:n targetCpu:n form:s | success:n',
  sched_wakeup: 'targetComm:s targetPid:n prio:n targetCpu:n form:s | success:n',
  sched_wakeup_new: 'targetComm:s targetPid:n prio:n targetCpu:n form:s | success:n',
  sched_migrate_task: 'targetComm:s targetPid:n prio:n origCpu:n destCpu:n',
  irq_handler_entry: 'irq:n name:s',
  irq_handler_exit: 'irq:n ret:s',
  softirq_entry: 'vec:n action:s',
  softirq_exit: 'vec:n action:s',
  softirq_raise: 'vec:n action:s',
  iomap_dio_rw_begin: 'dev:d ino:s size:n offset:n length:n doneBefore:n iocbFlags:s dioFlags:s aio:n',
  iomap_dio_rw_queued: 'dev:d ino:s size:n offset:n length:n',
  iomap_dio_complete: 'dev:d ino:s size:n offset:n iocbFlags:s aio:n error:n ret:n',
  block_bio_queue: 'dev:d rwbs:s sector:n nrSector:n issuer:s',
  block_bio_backmerge: 'dev:d rwbs:s sector:n nrSector:n issuer:s',
  block_bio_frontmerge: 'dev:d rwbs:s sector:n nrSector:n issuer:s',
  block_bio_bounce: 'dev:d rwbs:s sector:n nrSector:n issuer:s',
  block_getrq: 'dev:d rwbs:s sector:n nrSector:n issuer:s',
  block_bio_complete: 'dev:d rwbs:s sector:n nrSector:n error:n',
  block_bio_remap: 'dev:d rwbs:s sector:n nrSector:n fromDev:d fromSector:n',
  block_split: 'dev:d rwbs:s sector:n newSector:n issuer:s',
  other: 'name:s args:t | system:s',
  lost: 'count:n form:s',
};

const KINDS = Object.keys(SCHEMAS) as EventKind[];
export const KIND_TAG = new Map<string, number>(KINDS.map((k, i) => [k, i]));
export const DIAG = KINDS.length;
/** An unanalysed event of a trace.dat sent as its record's bytes (writeRawOther). */
export const RAW = DIAG + 1;

export function fields(spec: string): Field[] {
  return spec
    .split(' ')
    .filter(Boolean)
    .map((f) => {
      const [key, type] = f.split(':') as [string, FieldType];
      return { key, type };
    });
}

/** Most numbers one record takes (header, the widest payload, every optional field). */
export const MAX_RECORD = 40;

/**
 * What an encoder writes into; `s` interns a string (undefined → -1), `t` queues a text. `last`
 * and `lastId` remember, per string field of each kind, the last value and its id: consecutive
 * events mostly repeat them (the same comm, function, inode), and comparing with the last value
 * costs less than hashing a freshly cut string for the table. Cleared with the table.
 */
export interface WireSink {
  f: Float64Array;
  n: number;
  s(v: string | undefined): number;
  t(v: string | undefined): number;
  /** Copies bytes [start, start + size) (`view` is over `bytes`) into the batch's byte buffer and gives their offset there. */
  b(bytes: Uint8Array, view: DataView, start: number, size: number): number;
  last: (string | undefined)[];
  lastId: number[];
}

/** Slots of WireSink.last handed out to the compiled encoders, one per kind and string field. */
let cacheSlots = 0;
const slots = new Map<string, number>();
/** How many slots there are (all are handed out when this module loads). */
export const slotCount = (): number => cacheSlots;
export const slotOf = (kind: EventKind, key: string): number => {
  const name = `${kind}.${key}`;
  let k = slots.get(name);
  if (k === undefined) slots.set(name, (k = cacheSlots++));
  return k;
};

type Encoder = (ev: TraceEvent, w: WireSink) => void;
type Decoder = (f: Float64Array, a: number, S: readonly string[], T: readonly string[], at: { p: number }) => TraceEvent;

/** Code writing value `v` of field `fl` of a `kind` event at `f[idx]`. */
export function writeField(kind: EventKind, fl: Field, idx: string, v = `ev[${JSON.stringify(fl.key)}]`): string {
  switch (fl.type) {
    case 'n':
      return `f[${idx}] = ${v};`;
    case 's': {
      const k = slotOf(kind, fl.key);
      return `{ const v = ${v}; if (v === w.last[${k}] && v !== undefined) f[${idx}] = w.lastId[${k}]; else { const id = w.s(v); w.last[${k}] = v; w.lastId[${k}] = id; f[${idx}] = id; } }`;
    }
    case 't':
      return `f[${idx}] = w.t(${v});`;
    case 'd':
      return `f[${idx}] = ${v}.major; f[${idx} + 1] = ${v}.minor;`;
  }
}

function readField(fl: Field, idx: string): string {
  switch (fl.type) {
    case 'n':
      return `f[${idx}]`;
    case 's':
      return `S[f[${idx}]]`;
    case 't':
      return `T[f[${idx}]]`;
    case 'd':
      return `{ major: f[${idx}], minor: f[${idx} + 1] }`;
  }
}

export const width = (fl: Field): number => (fl.type === 'd' ? 2 : 1);

function compile(kind: EventKind): { enc: Encoder; dec: Decoder } {
  const [req = '', opt = ''] = (SCHEMAS[kind] ?? '').split('|');
  const required = [...fields(HEADER), ...fields(req)];
  const optional = [...fields(opt), ...fields(HEADER_OPTIONAL)];
  const tag = KIND_TAG.get(kind) as number;
  const enc: string[] = ['const f = w.f; const a = w.n;', `f[a] = ${tag};`];
  const dec: string[] = [];
  let off = 2;
  const props: string[] = [`kind: ${JSON.stringify(kind)}`];
  for (const fl of required) {
    enc.push(writeField(kind, fl, `a + ${off}`));
    props.push(`${JSON.stringify(fl.key)}: ${readField(fl, `a + ${off}`)}`);
    off += width(fl);
  }
  enc.push(`let i = a + ${off}; let m = 0;`);
  dec.push(`const m = f[a + 1]; const ev = { ${props.join(', ')} }; let i = a + ${off};`);
  optional.forEach((fl, bit) => {
    // `in`, not `!== undefined`: a parser that writes a key with an undefined value gets it back.
    enc.push(`if (${JSON.stringify(fl.key)} in ev) { m |= ${1 << bit}; ${writeField(kind, fl, 'i')} i += ${width(fl)}; }`);
    dec.push(`if (m & ${1 << bit}) { ev[${JSON.stringify(fl.key)}] = ${readField(fl, 'i')}; i += ${width(fl)}; }`);
  });
  enc.push('f[a + 1] = m; w.n = i;');
  dec.push('at.p = i; return ev;');
  return {
    enc: new Function('ev', 'w', enc.join('\n')) as Encoder,
    dec: new Function('f', 'a', 'S', 'T', 'at', dec.join('\n')) as Decoder,
  };
}

/**
 * Each kind is compiled when first met (a trace has a dozen of the 30: compiling them all made
 * loading this module take 8-18 ms instead of 3-8, on each thread, 4 runs each); the string slots are all handed out now, so that a writer's
 * `last` arrays have one for every kind whenever it is compiled.
 */
for (const kind of KINDS) {
  const [req = '', opt = ''] = SCHEMAS[kind].split('|');
  for (const fl of fields(`${HEADER} ${req} ${opt} ${HEADER_OPTIONAL}`)) if (fl.type === 's') slotOf(kind, fl.key);
}
const ENCODERS = new Map<string, Encoder>();
const DECODERS: Decoder[] = new Array<Decoder | undefined>(KINDS.length).fill(undefined) as Decoder[];

function compileKind(kind: EventKind): void {
  const { enc, dec } = compile(kind);
  ENCODERS.set(kind, enc);
  DECODERS[KIND_TAG.get(kind) as number] = dec;
}

export function encoderOf(kind: EventKind): Encoder {
  let e = ENCODERS.get(kind);
  if (e === undefined) {
    compileKind(kind);
    e = ENCODERS.get(kind) as Encoder;
  }
  return e;
}

export function decoderOf(tag: number): Decoder {
  let d = DECODERS[tag];
  if (d === undefined) {
    compileKind(KINDS[tag] as EventKind);
    d = DECODERS[tag] as Decoder;
  }
  return d;
}

