import type { TraceEventJson } from '../../src/report/perfetto.js';

/**
 * Structural checks of a Chrome trace-event file as Perfetto and DevTools read it:
 * - DevTools binds a flow event only to a slice with the same ts, pid, tid and cat;
 * - Perfetto keys v1 flows on (id, cat, name): one `s`, then `t`s, one `f`; a reused id is an error;
 * - Perfetto replays each thread's X slices in order with a stack (closed-open intervals: a slice
 *   ending exactly where the next begins is closed first); a slice that starts inside an open one
 *   but ends after it is dropped; `s`/`t`/`f(bp:e)` bind to the slice on top of the stack, which a
 *   flow event does not pop (FlowTracker reads GetTopmostSliceOnTrack as it is).
 * The replay follows slice_tracker.cc's MaybeCloseStack rules, on the events in file order, with
 * times converted to ns the way Perfetto's JSON importer does.
 */

export interface CheckResult {
  flows: number;
  problems: string[];
}

interface Open {
  ts: number;
  end: number;
  dur: number;
  name: string;
}

export function checkTraceEvents(events: TraceEventJson[]): CheckResult {
  const problems: string[] = [];
  const sliceKeys = new Set<string>();
  for (const e of events) if (e.ph === 'X') sliceKeys.add(`${e.ts}|${e.pid}|${e.tid}|${e.cat}`);

  // Flow grammar and DevTools binding.
  const byId = new Map<string, TraceEventJson[]>();
  for (const e of events) {
    if (e.ph !== 's' && e.ph !== 't' && e.ph !== 'f') continue;
    const key = `${e.cat}|${e.name}|${e.id}`;
    const list = byId.get(key);
    if (list) list.push(e);
    else byId.set(key, [e]);
    if (!sliceKeys.has(`${e.ts}|${e.pid}|${e.tid}|${e.cat}`)) problems.push(`flow ${e.id} ${e.ph} at ${e.ts} on ${e.pid}/${e.tid}: no slice with that ts/pid/tid/cat`);
  }
  for (const [key, steps] of byId) {
    const phs = steps.map((s) => s.ph).join('');
    if (!/^st*f$/.test(phs)) problems.push(`flow ${key}: steps ${phs} (want s t… f)`);
    if (steps.some((s, i) => i > 0 && (s.ts ?? 0) < (steps[i - 1]?.ts ?? 0))) problems.push(`flow ${key}: steps go back in time`);
    const f = steps[steps.length - 1];
    if (f?.ph === 'f' && f.bp !== 'e') problems.push(`flow ${key}: f without bp:"e"`);
  }

  // Perfetto's per-thread slice stacks, replayed in file order.
  const stacks = new Map<string, Open[]>();
  let lastTs = -Infinity;
  for (const e of events) {
    if (e.ph === 'M') continue;
    if ((e.ts ?? 0) < lastTs) problems.push(`event at ${e.ts} after one at ${lastTs}: not sorted`);
    lastTs = e.ts ?? lastTs;
    if (e.ph !== 'X' && e.ph !== 's' && e.ph !== 't' && e.ph !== 'f') continue;
    const track = `${e.pid}|${e.tid}`;
    const stack = stacks.get(track) ?? [];
    stacks.set(track, stack);
    // Perfetto's conversion of a fractional µs: (int64)(double × 1000), truncating.
    const ts = Math.trunc((e.ts ?? 0) * 1000);
    const dur = e.ph === 'X' ? Math.trunc((e.dur ?? 0) * 1000) : NaN;
    // A new slice first closes what ended before it (or exactly at its start, unless both are
    // instants). Flow events close nothing: they bind to whatever is on top of the stack.
    while (e.ph === 'X' && stack.length > 0) {
      const top = stack[stack.length - 1] as Open;
      if (top.end < ts || (top.end === ts && !(top.dur === 0 && dur === 0))) stack.pop();
      else break;
    }
    if (e.ph === 'X') {
      const top = stack[stack.length - 1];
      if (top && ts < top.end && ts + dur > top.end) problems.push(`slice "${e.name}" [${ts}, ${ts + dur}] overlaps "${top.name}" [${top.ts}, ${top.end}] on ${track}: Perfetto drops it`);
      else stack.push({ ts, end: ts + dur, dur, name: e.name });
    } else {
      const top = stack[stack.length - 1];
      if (!top) problems.push(`flow ${e.id} ${e.ph} at ${ts} on ${track}: no open slice (flow_no_enclosing_slice)`);
      else if (top.ts !== ts) problems.push(`flow ${e.id} ${e.ph} at ${ts} on ${track}: binds to "${top.name}" starting at ${top.ts}, not a slice starting with it`);
    }
  }

  // Async slices: balanced and nested per (cat, id).
  const asyncStacks = new Map<string, string[]>();
  for (const e of events) {
    if (e.ph !== 'b' && e.ph !== 'e') continue;
    const key = `${e.cat}|${e.id}`;
    const st = asyncStacks.get(key) ?? [];
    asyncStacks.set(key, st);
    if (e.ph === 'b') st.push(e.name);
    else if (st.pop() !== e.name) problems.push(`async ${key}: "${e.name}" ends out of order`);
  }
  for (const [key, st] of asyncStacks) if (st.length > 0) problems.push(`async ${key}: ${st.join(', ')} never end`);
  return { flows: byId.size, problems };
}
