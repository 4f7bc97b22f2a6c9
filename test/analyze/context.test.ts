import { describe, expect, it } from 'vitest';
import { createContext } from '../../src/analyze/context.js';
import type { ReqRecord } from '../../src/analyze/records.js';
import { createDiagnostics } from '../../src/model/diagnostics.js';
import type { TraceEvent } from '../../src/model/events.js';
import type { IoPath } from '../../src/model/io.js';

/**
 * The analyzer's state slices and the auto unit's switch from block requests to DIOs: each slice
 * says what it keeps; the CPUs keep their context, task and time, but no completion links across.
 */

const req = (sector: number): ReqRecord => ({ key: sector, sector, nrSector: 8, bytes: 4096, dir: 'W', tainted: false, issuerBlocked: false, latestOfIssuer: false, soleOfIssuer: false, issuerRunning: false, path: { id: 1 } as IoPath });

describe('unit switch', () => {
  it('keeps CPU contexts, scheduler state, kworkers and requests in flight; starts the rest over', () => {
    const diagnostics = createDiagnostics('t', false);
    const a = createContext('request', diagnostics, () => {});
    a.contexts.handle({ kind: 'softirq_entry', line: 1, ts: 10, cpu: 1, pid: 7, comm: 'fio', vec: 4, action: 'BLOCK' } as TraceEvent);
    const c = a.contexts.cpu(1);
    const r = req(100);
    c.lastComplete = { req: r, invocation: c.invocation };
    c.undecided = { req: r, invocation: c.invocation };
    c.curPid = 7;
    a.block.requests.set(r.key, [r]);
    a.block.lastIssued.set(7, r);
    a.block.irqCompletions.set(1, 3);
    a.sched.blocked.add(7);
    a.sched.comms.set(7, 'fio');
    a.work.kworkerPids.add(41);
    a.work.kworkerStats.set(41, { comm: 'kworker/1:2', cpu: 1, items: 2 });
    a.io.submitterPids.set(7, { comm: 'fio', cpus: new Set([1]), ios: 1 });
    a.io.nextId = 9;
    a.io.lastSweep = 5;
    a.time.windowStart = 3;
    a.seen.add('block_rq_issue');
    a.lastTs = 10;

    const b = createContext('dio', diagnostics, () => {}, a);
    expect(b.unit).toBe('dio');
    // Kept.
    expect(b.cpus).toBe(a.cpus);
    expect(b.contexts.cpu(1).stack).toEqual(['softirq']);
    expect(b.contexts.cpu(1).curPid).toBe(7);
    expect(b.block.requests.get(100)).toEqual([r]);
    expect(r.path).toBeUndefined(); // its request-unit path is not an I/O of the new unit
    expect(b.sched.blocked.has(7)).toBe(true);
    expect(b.sched.comms.get(7)).toBe('fio');
    expect(b.work.kworkerPids.has(41)).toBe(true);
    expect(b.seen.has('block_rq_issue')).toBe(true);
    expect(b.lastTs).toBe(10);
    // Started over.
    expect(b.contexts.cpu(1).lastComplete).toBeUndefined();
    expect(b.contexts.cpu(1).undecided).toBeUndefined();
    expect(b.block.lastIssued.size).toBe(0);
    expect(b.block.irqCompletions.size).toBe(0);
    expect(b.work.kworkerStats.size).toBe(0);
    expect(b.io.submitterPids.size).toBe(0);
    expect(b.io.nextId).toBe(1);
    expect(b.io.lastSweep).toBe(0);
    expect(Number.isNaN(b.time.windowStart)).toBe(true);
  });

  it('reports a stack repaired from brackets alone as context_repaired, and one the flags repaired as nothing', () => {
    const diagnostics = createDiagnostics('t', false);
    const ctx = createContext('dio', diagnostics, () => {});
    const ev = (e: Partial<TraceEvent>): TraceEvent => ({ line: 1, ts: 0, cpu: 0, pid: 7, comm: 'fio', ...e }) as TraceEvent;
    ctx.contexts.handle(ev({ kind: 'irq_handler_entry', irq: 36, name: 'x' } as Partial<TraceEvent>));
    ctx.contexts.handle(ev({ kind: 'sched_waking', ctx: 'task' } as Partial<TraceEvent>));
    expect(diagnostics.count('context_repaired')).toBe(0);
    ctx.contexts.handle(ev({ kind: 'irq_handler_entry', irq: 36, name: 'x' } as Partial<TraceEvent>));
    ctx.contexts.handle(ev({ kind: 'sched_waking', pid: 41, comm: 'kworker/0:1', line: 4 } as Partial<TraceEvent>));
    expect(diagnostics.count('context_repaired')).toBe(1);
  });
});
