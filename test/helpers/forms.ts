/**
 * One event line in each text form the parsers read, as the real captures print it:
 *   tracefs     `             fio-7909    [001] .....   508.368299: block_rq_issue: 254,0 WS …`
 *   trace-cmd   `             fio-7909  [001]   508.368299: block_rq_issue:       254,0 WS …` (after `cpus=N`)
 *   perf script `             fio  7937 [001]   511.825671:           block:block_rq_complete: 254,0 WS …`
 * trace-cmd (default) and perf print no flags column: the flags given are used by tracefs only.
 */

export const FORMS = ['ftrace', 'trace-cmd', 'perf'] as const;
export type Form = (typeof FORMS)[number];

const SUBSYSTEM: Record<string, string> = { block_rq_issue: 'block', block_rq_complete: 'block', block_rq_insert: 'block' };

export function formLine(form: Form, comm: string, pid: number, cpu: number, flags: string, ts: string, event: string, payload: string): string {
  const c = String(cpu).padStart(3, '0');
  if (form === 'ftrace') return `${comm.padStart(16)}-${String(pid).padEnd(7)} [${c}] ${flags} ${ts.padStart(12)}: ${event}: ${payload}`;
  if (form === 'trace-cmd') return `${comm.padStart(16)}-${String(pid).padEnd(5)} [${c}] ${ts.padStart(12)}: ${`${event}:`.padEnd(21)} ${payload}`;
  return `${comm.padStart(16)} ${String(pid).padStart(5)} [${c}] ${ts.padStart(12)}: ${`${SUBSYSTEM[event] ?? 'sched'}:${event}:`.padStart(30)} ${payload}`;
}

/** A whole input in `form` (trace-cmd's `cpus=` line first). */
export function formText(form: Form, lines: string[]): string {
  return `${form === 'trace-cmd' ? 'cpus=2\n' : ''}${lines.join('\n')}\n`;
}
