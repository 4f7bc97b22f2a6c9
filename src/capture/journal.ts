/**
 * The restore journal: every tracefs change is recorded with the action that undoes it *before*
 * the change is made, so whatever happens next (the command fails, a signal, an exception in the
 * middle of arming) `restore()` can put back exactly what was touched and nothing else.
 *
 * Undo actions are synchronous on purpose: they must also run from a process 'exit' handler,
 * where nothing asynchronous completes.
 */

export interface RestoreStep {
  /** What the step puts back, for messages: `buffer_size_kb=8195`. */
  what: string;
  undo: () => void;
}

export interface RestoreReport {
  restored: string[];
  /** One message per step that could not be undone; the other steps still ran. */
  errors: string[];
}

export class RestoreJournal {
  private readonly steps: RestoreStep[] = [];
  private readonly keys = new Set<string>();

  /** Records an undo once per key: the first value read is the original one. */
  record(key: string, what: string, undo: () => void): void {
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.steps.push({ what, undo });
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  get pending(): number {
    return this.steps.length;
  }

  /**
   * Undoes in reverse order (tracing_on, journaled first, is put back last, after the buffer was
   * cleared). Idempotent: each step is taken off before it runs, so a second call (the exit
   * handler after a normal restore) does nothing and a step that throws is not retried forever.
   */
  restore(): RestoreReport {
    const report: RestoreReport = { restored: [], errors: [] };
    for (let step = this.steps.pop(); step !== undefined; step = this.steps.pop()) {
      try {
        step.undo();
        report.restored.push(step.what);
      } catch (err) {
        report.errors.push(`${step.what}: ${(err as Error).message}`);
      }
    }
    this.keys.clear();
    return report;
  }
}
