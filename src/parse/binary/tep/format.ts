import { parsePrintFmt, type PrintFmt } from './print-fmt.js';

/**
 * An event format description, as the kernel writes it in `events/SYSTEM/EVENT/format` and as
 * trace.dat and perf.data store it:
 *
 *   name: block_rq_issue
 *   ID: 2104
 *   format:
 *   	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
 *   	…
 *   	field:dev_t dev;	offset:8;	size:4;	signed:0;
 *   	field:char rwbs[10];	offset:34;	size:10;	signed:0;
 *   	field:__data_loc char[] cmd;	offset:60;	size:4;	signed:0;
 *
 *   print fmt: "%d,%d %s %u (%s) %llu + %u %s,%u,%u [%s]", ((unsigned int) ((REC->dev) >> 20)), …
 *
 * Fields are read from this text only (offset, size, signedness), never from offsets written in
 * code, so any kernel's layout reads. Old kernels write `field special:` and omit `signed:`.
 */

export interface FieldFormat {
  name: string;
  /** The C type as written (`unsigned short`, `__data_loc char[]`, `void *`). */
  type: string;
  offset: number;
  size: number;
  signed: boolean;
  /** `[N]` arrays: N (0 for `[]` flexible arrays); undefined for scalars. */
  arrayLen?: number;
  /** `__data_loc` (u32: offset | length << 16 from the record start) or `__rel_loc` (offset from the field's end). */
  dynamic?: 'data_loc' | 'rel_loc';
  /** A character array or dynamic char[]: printed as a NUL-terminated string. */
  isString: boolean;
  isPointer: boolean;
  /** One of the `common_` header fields. */
  common: boolean;
}

export interface EventFormat {
  readonly id: number;
  readonly name: string;
  readonly system: string;
  readonly fields: FieldFormat[];
  /** Fields by name (common ones included). */
  readonly byName: Map<string, FieldFormat>;
  /** The parsed `print fmt:`; null when absent or not understood (the raw text is kept). */
  readonly print: PrintFmt | null;
  readonly printText: string;
}

const FIELD = /^\s*field(?: special)?:(.*?);\s*offset:\s*(\d+);\s*size:\s*(\d+);(?:\s*signed:\s*(-?\d+);)?/;

/** Splits `unsigned char rwbs[10]` into type `unsigned char`, name `rwbs`, array length 10. */
function declaration(decl: string): { type: string; name: string; arrayLen?: number } | null {
  let d = decl.trim();
  let arrayLen: number | undefined;
  const br = /\[([^\]]*)\]\s*$/.exec(d);
  if (br) {
    d = d.slice(0, br.index).trimEnd();
    const n = br[1]!.trim();
    // `[]` or a length written as an expression the kernel did not fold (`[TASK_COMM_LEN]`): sized by `size:`.
    arrayLen = /^\d+$/.test(n) ? Number(n) : 0;
  }
  const m = /^(.*?)([A-Za-z_][A-Za-z0-9_]*)$/.exec(d);
  if (!m) return null;
  const type = m[1]!.trim();
  if (type.length === 0) return null;
  const out: { type: string; name: string; arrayLen?: number } = { type: br ? `${type}[]` : type, name: m[2]! };
  if (arrayLen !== undefined) out.arrayLen = arrayLen;
  return out;
}

export function parseField(line: string): FieldFormat | null {
  const m = FIELD.exec(line);
  if (!m) return null;
  const d = declaration(m[1]!);
  if (!d) return null;
  const size = Number(m[3]);
  const dyn = d.type.startsWith('__data_loc') ? 'data_loc' : d.type.startsWith('__rel_loc') ? 'rel_loc' : undefined;
  const base = d.type.replace(/^__(data|rel)_loc\s+/, '');
  const isChar = /^(unsigned |signed )?char\b/.test(base) && !base.includes('*');
  const f: FieldFormat = {
    name: d.name,
    type: d.type,
    offset: Number(m[2]),
    size,
    // Without `signed:` (kernels before 2.6.32), decide from the type as libtraceevent does.
    signed: m[4] !== undefined ? m[4] !== '0' : !/^(unsigned|u\d|bool|void \*)/.test(base),
    isString: isChar && (d.arrayLen !== undefined || dyn !== undefined),
    isPointer: base.includes('*'),
    common: d.name.startsWith('common_'),
  };
  if (d.arrayLen !== undefined) f.arrayLen = d.arrayLen;
  if (dyn) f.dynamic = dyn;
  return f;
}

/**
 * Parses one format description; `system` is the directory it came from (trace.dat stores it
 * beside the text; the text itself does not say). Returns null when the text has no name or ID.
 * Only the name and ID are read at once: a file describes thousands of events and uses a few, so
 * the fields and the print fmt are parsed the first time they are asked for.
 */
export function parseEventFormat(text: string, system: string): EventFormat | null {
  const name = /^name:\s*(\S+)/m.exec(text)?.[1];
  const idText = /^ID:\s*(\d+)/m.exec(text)?.[1];
  if (name === undefined || idText === undefined) return null;
  const id = Number(idText);
  if (!Number.isSafeInteger(id)) return null;
  let fields: FieldFormat[] | undefined;
  let byName: Map<string, FieldFormat> | undefined;
  let printText: string | undefined;
  let print: PrintFmt | null | undefined;
  const parseFields = (): void => {
    fields = [];
    printText = '';
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.startsWith('print fmt:')) {
        // The print format runs to the end of the text (it is one line, but be lenient).
        printText = lines.slice(i).join('\n').slice(10).trim();
        break;
      }
      if (line.includes('field')) {
        const f = parseField(line);
        if (f) fields.push(f);
      }
    }
    byName = new Map();
    for (const f of fields) if (!byName.has(f.name)) byName.set(f.name, f);
  };
  return {
    id,
    name,
    system,
    get fields() {
      if (!fields) parseFields();
      return fields as FieldFormat[];
    },
    get byName() {
      if (!byName) parseFields();
      return byName as Map<string, FieldFormat>;
    },
    get printText() {
      if (printText === undefined) parseFields();
      return printText as string;
    },
    get print() {
      if (print === undefined) {
        const t = this.printText;
        print = t ? parsePrintFmt(t) : null;
      }
      return print;
    },
  };
}
