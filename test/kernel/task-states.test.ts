import { describe, expect, it } from 'vitest';
import { decodeTaskState, plausibleState, stateLetters, TASK_STATE_LAYOUTS } from '../../src/kernel/task-states.js';

/**
 * prev_state numbers (trace-cmd report -R) read for the kernel that could have written them. The
 * layouts are those of include/trace/events/sched.h: 4.14+ `{ 0x01, "S" } … { 0x80, "I" }`, `+` at
 * 0x100; 4.2–4.13 `{ 1, "S"} … { 1024, "N" }`, `+` at TASK_STATE_MAX 2048.
 */

const [v414, v42, v3] = TASK_STATE_LAYOUTS;

describe('prev_state layouts', () => {
  it('prints each kernel\'s letters', () => {
    expect(stateLetters(0x100, v414!)).toBe('R+');
    expect(stateLetters(0x80, v414!)).toBe('I');
    expect(stateLetters(0x80 | 2, v42!)).toBe('D|K');
    expect(stateLetters(2048, v42!)).toBe('R+');
    expect(stateLetters(1024, v3!)).toBe('R+');
    expect(stateLetters(16, v42!)).toBe('Z');
  });

  it('4.14+ reports one state; old kernels never report K, N or W alone', () => {
    expect(plausibleState(0x80, v414!)).toBe(true);
    expect(plausibleState(0x82, v414!)).toBe(false);
    expect(plausibleState(128, v42!)).toBe(false);
    expect(plausibleState(130, v42!)).toBe(true);
    expect(plausibleState(256, v42!)).toBe(false);
    expect(plausibleState(1026, v42!)).toBe(true);
  });

  it('a number only one kernel could write is decoded for it', () => {
    expect(decodeTaskState(0)).toEqual({ letters: 'R' });
    expect(decodeTaskState(2)).toEqual({ letters: 'D' });
    expect(decodeTaskState(128)).toEqual({ letters: 'I' });
    expect(decodeTaskState(256)).toEqual({ letters: 'R+' });
    expect(decodeTaskState(130)).toEqual({ letters: 'D|K' });
    expect(decodeTaskState(2048)).toEqual({ letters: 'R+' });
  });

  it('a number kernels print differently is reported with each reading', () => {
    const d = decodeTaskState(16);
    expect(d.letters).toBe('X');
    expect(d.readings).toHaveLength(2);
    expect(d.readings?.[0]).toMatch(/^X on 4\.14/);
    expect(d.readings?.[1]).toMatch(/^Z on 4\.2/);
    expect(decodeTaskState(1026).readings).toEqual(['D|N on 4.2–4.13', 'D+ on 3.x–4.1 (TASK_STATE_MAX 1024)']);
  });
});
