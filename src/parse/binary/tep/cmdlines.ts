/**
 * Saved command lines (`saved_cmdlines` of tracefs): one `pid comm` per line,
 *
 *   7909 fio
 *   4150 kworker/1:32
 *
 * the task names `trace-cmd report` prints beside each event. As in libtraceevent, the first name
 * registered for a pid stays; pid 0 is `<idle>` and an unknown pid `<...>`.
 */

export function parseCmdlines(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(-?\d+)\s*(.+)$/.exec(line);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== 0 && !out.has(pid)) out.set(pid, m[2]!);
  }
  return out;
}
