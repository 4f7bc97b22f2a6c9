/**
 * sched_switch `prev_state` as each kernel prints it (include/trace/events/sched.h). The value is
 * a bit set whose letters are printed with `__print_flags`; `R` when no bit is set, and a `+` when
 * the switch was a preemption. The bit layout changed in 4.14 (TASK_REPORT: `X`/`Z` swapped, `x`,
 * `K`, `W`, `N` gone, `P` moved, `I` added) and the preemption bit moved with it, so a number read
 * without its kernel (`trace-cmd report -R` prints the raw field: `prev_state=128`) can mean two
 * things: `I` (idle kworker) on 4.14+, `K` (wakekill) on 3.x–4.13. Letters printed by the kernel
 * itself are never re-decoded: they are taken as printed.
 */

export interface TaskStateLayout {
  /** Kernels that print this layout. */
  kernels: string;
  bits: readonly (readonly [number, string])[];
  /** The bit that adds `+` (TASK_REPORT_MAX / TASK_STATE_MAX), 0 when the kernel prints none. */
  preempt: number;
  /**
   * Bits this kernel never reports alone for a task switched out: [bit, one of which must be
   * set with it]. TASK_WAKEKILL (`K`) only comes with D, T or t (TASK_KILLABLE, TASK_STOPPED,
   * TASK_TRACED); TASK_NOLOAD (`N`) only with D (TASK_IDLE); TASK_WAKING (`W`) is the state of a
   * task being woken, never of one switching out (0: never).
   */
  onlyWith?: readonly (readonly [number, number])[];
  /**
   * 4.14 and later report one state (`1 << task_state_index()`, or TASK_REPORT_MAX alone for a
   * preemption), so two bits together never come from them.
   */
  oneBit?: boolean;
}

/** Newest first: the first is the one taken when a number cannot tell. */
export const TASK_STATE_LAYOUTS: readonly TaskStateLayout[] = [
  {
    kernels: '4.14 and later',
    bits: [[0x01, 'S'], [0x02, 'D'], [0x04, 'T'], [0x08, 't'], [0x10, 'X'], [0x20, 'Z'], [0x40, 'P'], [0x80, 'I']],
    preempt: 0x100,
    oneBit: true,
  },
  {
    kernels: '4.2–4.13',
    bits: [[1, 'S'], [2, 'D'], [4, 'T'], [8, 't'], [16, 'Z'], [32, 'X'], [64, 'x'], [128, 'K'], [256, 'W'], [512, 'P'], [1024, 'N']],
    preempt: 2048,
    onlyWith: [[128, 2 | 4 | 8], [256, 0], [1024, 2]],
  },
  {
    kernels: '3.x–4.1 (TASK_STATE_MAX 1024)',
    bits: [[1, 'S'], [2, 'D'], [4, 'T'], [8, 't'], [16, 'Z'], [32, 'X'], [64, 'x'], [128, 'K'], [256, 'W'], [512, 'P']],
    preempt: 1024,
    onlyWith: [[128, 2 | 4 | 8], [256, 0]],
  },
  {
    kernels: '2.6.x–early 3.x (no preemption mark)',
    bits: [[1, 'S'], [2, 'D'], [4, 'T'], [8, 't'], [16, 'Z'], [32, 'X'], [64, 'x'], [128, 'W']],
    preempt: 0,
    onlyWith: [[128, 0]],
  },
];

/** The letters `layout`'s kernel prints for `state`. */
export function stateLetters(state: number, layout: TaskStateLayout): string {
  const known = layout.preempt > 0 ? state & (layout.preempt - 1) : state;
  let out = '';
  for (const [bit, letter] of layout.bits) if (known & bit) out += out.length > 0 ? `|${letter}` : letter;
  if (out.length === 0) out = 'R';
  return layout.preempt > 0 && state & layout.preempt ? `${out}+` : out;
}

/**
 * Whether `layout`'s kernel could have written `state` for a task switching out: no bit it does
 * not know, and no bit it never reports alone (see `onlyWith`).
 */
export function plausibleState(state: number, layout: TaskStateLayout): boolean {
  let known = layout.preempt;
  for (const [bit] of layout.bits) known |= bit;
  if ((state & ~known) !== 0) return false;
  if (layout.oneBit === true && (state & (state - 1)) !== 0) return false;
  for (const [bit, need] of layout.onlyWith ?? []) if (state & bit && !(state & need)) return false;
  return true;
}

export interface DecodedState {
  /** The letters of the newest kernel that could have written the value. */
  letters: string;
  /** When the layouts disagree: each distinct reading with its kernels (`K on 4.2–4.13`). */
  readings?: string[];
}

/**
 * Decodes a numeric prev_state for the kernels that could have written it (`prev_state=128` is
 * `I`: the K it would be on 4.13 never comes alone); `readings` is set when those kernels print
 * it differently (`prev_state=16`: `X` on 4.14+, `Z` before), and then `letters` are the newest
 * plausible kernel's.
 */
export function decodeTaskState(state: number): DecodedState {
  const plausible = TASK_STATE_LAYOUTS.filter((l) => plausibleState(state, l));
  // A value no kernel writes (damage, or a kernel newer than this table): read it as the newest.
  const layouts = plausible.length > 0 ? plausible : TASK_STATE_LAYOUTS.slice(0, 1);
  const letters = stateLetters(state, layouts[0] as TaskStateLayout);
  const byLetters = new Map<string, string[]>();
  for (const l of layouts) {
    const s = stateLetters(state, l);
    const list = byLetters.get(s);
    if (list) list.push(l.kernels);
    else byLetters.set(s, [l.kernels]);
  }
  if (byLetters.size === 1) return { letters };
  return { letters, readings: [...byLetters].map(([s, k]) => `${s} on ${k.join(', ')}`) };
}
