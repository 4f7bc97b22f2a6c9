import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TaskMap, TaskSet } from '../../src/analyze/task-map.js';

type Op = { kind: 'set'; pid: number; v: number } | { kind: 'delete'; pid: number };

const ops = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('set' as const), pid: fc.integer({ min: 0, max: 12 }), v: fc.integer() }),
    fc.record({ kind: fc.constant('delete' as const), pid: fc.integer({ min: 0, max: 12 }) }),
  ),
  { maxLength: 200 },
);

describe('TaskMap', () => {
  it('answers get/has/size as a Map does, and an ordered one iterates in a Map’s order', () => {
    fc.assert(
      fc.property(ops, (list: Op[]) => {
        const ref = new Map<number, number>();
        const m = new TaskMap<number>(true);
        for (const op of list) {
          if (op.kind === 'set') {
            ref.set(op.pid, op.v);
            m.set(op.pid, op.v);
          } else {
            ref.delete(op.pid);
            m.delete(op.pid);
          }
          expect(m.get(op.pid)).toBe(ref.get(op.pid));
          expect(m.has(op.pid)).toBe(ref.has(op.pid));
        }
        expect(m.size).toBe(ref.size);
        expect(m.entries()).toEqual([...ref.entries()]);
        expect(m.values()).toEqual([...ref.values()]);
      }),
    );
  });

  it('drops empty keys once many tasks came and went, keeping the live ones', () => {
    const m = new TaskMap<number>(true);
    m.set(-1, 42);
    for (let pid = 0; pid < 20_000; pid++) {
      m.set(pid, pid);
      m.delete(pid);
    }
    m.set(7, 7);
    expect(m.size).toBe(2);
    expect(m.entries()).toEqual([
      [-1, 42],
      [7, 7],
    ]);
    // The keys held stay bounded by the limit, not by every task seen.
    expect((m as unknown as { m: Map<number, unknown> }).m.size).toBeLessThanOrEqual(4097);
  });
});

describe('TaskSet', () => {
  it('adds, asks and deletes as a Set does', () => {
    const s = new TaskSet();
    s.add(3);
    s.add(5);
    s.delete(3);
    s.delete(9);
    expect(s.has(3)).toBe(false);
    expect(s.has(5)).toBe(true);
    expect(s.size).toBe(1);
  });
});
