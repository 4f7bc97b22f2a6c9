import { detach } from '../input/lines.js';
import type { CpuSlice, SliceKind } from './slices.js';

/**
 * Slices held in columns of typed arrays (40 bytes each) with their names interned, instead
 * of one object each (over 100 bytes, and a name cut from the parser's chunk may keep that whole
 * chunk alive): the window collector holds tens of thousands of them through a whole trace.
 */

export interface SliceStore {
  readonly size: number;
  push(s: CpuSlice): void;
  /** Keeps the slices `keep` accepts, in their order. */
  retain(keep: (startNs: number, endNs: number) => boolean): void;
  /** The slices overlapping [startNs, endNs], clipped to it, in their order. */
  within(startNs: number, endNs: number): CpuSlice[];
}

const KINDS: readonly SliceKind[] = ['task', 'hardirq', 'softirq', 'work'];

export function createSliceStore(initial = 1024): SliceStore {
  let cap = initial;
  let n = 0;
  let start = new Float64Array(cap);
  let end = new Float64Array(cap);
  /** Input line numbers: a long trace has more than 2^31 lines. */
  let lines = new Float64Array(cap);
  /** cpu, kind, pid, name index: four 32-bit fields per slice. */
  let ints = new Int32Array(cap * 4);
  const names: string[] = [];
  const nameIds = new Map<string, number>();

  const grow = (): void => {
    cap *= 2;
    const s = new Float64Array(cap);
    s.set(start);
    start = s;
    const e = new Float64Array(cap);
    e.set(end);
    end = e;
    const l = new Float64Array(cap);
    l.set(lines);
    lines = l;
    const i = new Int32Array(cap * 4);
    i.set(ints);
    ints = i;
  };
  const nameId = (name: string): number => {
    let id = nameIds.get(name);
    if (id === undefined) {
      id = names.length;
      names.push(detach(name));
      nameIds.set(names[id] as string, id);
    }
    return id;
  };

  return {
    get size() {
      return n;
    },
    push(s) {
      if (n === cap) grow();
      start[n] = s.startNs;
      end[n] = s.endNs;
      lines[n] = s.line;
      const o = n * 4;
      ints[o] = s.cpu;
      ints[o + 1] = KINDS.indexOf(s.kind);
      ints[o + 2] = s.pid;
      ints[o + 3] = nameId(s.name);
      n++;
    },
    retain(keep) {
      let k = 0;
      for (let i = 0; i < n; i++) {
        if (!keep(start[i] as number, end[i] as number)) continue;
        if (k !== i) {
          start[k] = start[i] as number;
          end[k] = end[i] as number;
          lines[k] = lines[i] as number;
          ints.copyWithin(k * 4, i * 4, i * 4 + 4);
        }
        k++;
      }
      n = k;
    },
    within(startNs, endNs) {
      const out: CpuSlice[] = [];
      for (let i = 0; i < n; i++) {
        const a = start[i] as number;
        const b = end[i] as number;
        if (b < startNs || a > endNs) continue;
        const o = i * 4;
        out.push({
          cpu: ints[o] as number,
          kind: KINDS[ints[o + 1] as number] as SliceKind,
          startNs: Math.max(a, startNs),
          endNs: Math.min(b, endNs),
          name: names[ints[o + 3] as number] as string,
          pid: ints[o + 2] as number,
          line: lines[i] as number,
        });
      }
      return out;
    },
  };
}
