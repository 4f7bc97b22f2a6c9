import type { SymbolSource } from './print-eval.js';
import type { TracingData } from './tracing-data.js';

/**
 * Task names and symbols as `trace-cmd report` resolves them.
 *
 * Task names: the saved cmdlines, then what libtraceevent's sched plugin registers while it prints
 * sched_switch (prev and next task) and sched_wakeup / sched_wakeup_new (the woken task). As in
 * libtraceevent (`tep_register_comm`), the first name a pid gets stays; pid 0 is `<idle>` and a pid
 * never named `<...>`. The header of an event is resolved before its payload registers anything.
 */

export interface CommRegistry {
  comm(pid: number): string;
  has(pid: number): boolean;
  register(pid: number, comm: string): void;
}

export function createCommRegistry(cmdlines: ReadonlyMap<number, string>): CommRegistry {
  const names = new Map(cmdlines);
  return {
    comm: (pid) => (pid === 0 ? '<idle>' : (names.get(pid) ?? '<...>')),
    has: (pid) => pid === 0 || names.has(pid),
    register(pid, comm) {
      if (pid !== 0 && !names.has(pid)) names.set(pid, comm);
    },
  };
}

/** The SymbolSource of a tracing-data block (kallsyms for `%ps`, printk formats for `%s` of bprint). */
export function symbolSource(td: Pick<TracingData, 'longSize' | 'kallsyms' | 'printk'>, extra?: SymbolSource['findFunction']): SymbolSource {
  return {
    longSize: td.longSize,
    findFunction: (addr) => td.kallsyms.find(addr) ?? extra?.(addr),
    printkFormat: (addr) => td.printk.get(addr),
  };
}
