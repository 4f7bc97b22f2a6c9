import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RestoreJournal } from './journal.js';

/**
 * A small typed wrapper over the tracefs control files, rooted at a directory given by the caller
 * (the real mount, or a fake tree in tests). Plain `write`/`append` change nothing in the journal;
 * `set`, `setList` and `clearTrace` record how to undo themselves first.
 *
 * All I/O is synchronous: a control-file write is one syscall, and the undo side must be callable
 * from a process 'exit' handler.
 */

export const DEFAULT_TRACEFS = '/sys/kernel/tracing';

export class TracefsError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'TracefsError';
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code} (${e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')})` : String(e.message ?? err);
}

/** `[local] global counter` → `local`: the selected entry of a choice file, or the whole value. */
export function selectedChoice(text: string): string {
  const m = /\[([^\]]+)\]/.exec(text);
  return m?.[1] ?? text.trim();
}

export class Tracefs {
  constructor(
    readonly root: string,
    readonly journal: RestoreJournal = new RestoreJournal(),
  ) {}

  path(rel: string): string {
    return join(this.root, rel);
  }

  exists(rel: string): boolean {
    return existsSync(this.path(rel));
  }

  read(rel: string): string {
    try {
      return readFileSync(this.path(rel), 'utf8');
    } catch (err) {
      throw new TracefsError(`cannot read ${rel}: ${describe(err)}`, rel);
    }
  }

  /** The file's value without its trailing newline. */
  value(rel: string): string {
    return this.read(rel).trim();
  }

  /** Opens with O_TRUNC: for `trace`, `set_event` and `set_event_pid` that alone clears them. */
  write(rel: string, text: string): void {
    try {
      writeFileSync(this.path(rel), text);
    } catch (err) {
      throw new TracefsError(`cannot write ${JSON.stringify(text.trim())} to ${rel}: ${describe(err)}`, rel);
    }
  }

  /** Opens without O_TRUNC, so `set_event` keeps the events already enabled. */
  append(rel: string, text: string): void {
    try {
      appendFileSync(this.path(rel), text);
    } catch (err) {
      throw new TracefsError(`cannot add ${JSON.stringify(text.trim())} to ${rel}: ${describe(err)}`, rel);
    }
  }

  /** Writes a single-value file, journaling the value read before (the selected one for choice files). */
  set(rel: string, value: string): void {
    if (!this.journal.has(rel)) {
      const before = selectedChoice(this.read(rel));
      this.journal.record(rel, `${rel}=${before}`, () => this.write(rel, `${before}\n`));
    }
    this.write(rel, `${value}\n`);
  }

  /** `set` only when the file exists and holds something else; true when it was changed. */
  ensure(rel: string, value: string): boolean {
    if (!this.exists(rel) || selectedChoice(this.read(rel)) === value) return false;
    this.set(rel, value);
    return true;
  }

  /** Replaces a list file (one entry a line, e.g. `set_event`) and journals the entries read before. */
  setList(rel: string, entries: readonly string[]): void {
    if (!this.journal.has(rel)) {
      const before = this.list(rel);
      this.journal.record(rel, `${rel}=${before.length === 0 ? '(empty)' : before.join(',')}`, () => this.replaceList(rel, before));
    }
    this.replaceList(rel, entries);
  }

  list(rel: string): string[] {
    return this.read(rel)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
  }

  /** One write per entry: older kernels parse a single token per write on these files. */
  private replaceList(rel: string, entries: readonly string[]): void {
    this.write(rel, '');
    for (const e of entries) this.append(rel, `${e}\n`);
  }

  /**
   * Empties the ring buffer. What was in it cannot be put back, so the undo clears it again: the
   * capture's events must not stay in the kernel's buffer after it.
   */
  clearTrace(): void {
    this.journal.record('trace', 'trace (cleared)', () => this.write('trace', ''));
    this.write('trace', '');
  }

  /** CPUs with a per_cpu directory (the CPUs the ring buffer has a part for). */
  cpus(): number[] {
    if (!this.exists('per_cpu')) return [];
    return readdirSync(this.path('per_cpu'))
      .map((d) => /^cpu(\d+)$/.exec(d)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }
}
