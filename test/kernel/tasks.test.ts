import { describe, expect, it } from 'vitest';
import { isIdlePid, isKsoftirqdComm, isKworkerComm, kworkerBaseComm } from '../../src/kernel/tasks.js';
import { SOFTIRQ, SOFTIRQ_NAMES } from '../../src/kernel/softirq.js';

describe('kernel tasks by what a trace prints', () => {
  it('recognises kworkers as ftrace and perf print them, and nothing else', () => {
    expect(isKworkerComm('kworker/1:32')).toBe(true);
    expect(isKworkerComm('kworker/u8:2-dio/vda'.slice(0, 15))).toBe(true);
    expect(isKworkerComm('kworker')).toBe(false);
    expect(isKworkerComm('fio')).toBe(false);
    expect(isKworkerComm('my kworker/1')).toBe(false);
  });

  it('strips the workqueue perf appends to a kworker name, only from kworkers', () => {
    expect(kworkerBaseComm('kworker/1:32-dio/vda')).toBe('kworker/1:32');
    expect(kworkerBaseComm('kworker/1:32')).toBe('kworker/1:32');
    expect(kworkerBaseComm('a-b-c')).toBe('a-b-c');
  });

  it('knows the idle task and ksoftirqd', () => {
    expect(isIdlePid(0)).toBe(true);
    expect(isIdlePid(1)).toBe(false);
    expect(isKsoftirqdComm('ksoftirqd/1')).toBe(true);
    expect(isKsoftirqdComm('kworker/1:1')).toBe(false);
  });
});

describe('softirq vectors', () => {
  it('names the vectors read by number as the kernel prints them', () => {
    expect(SOFTIRQ_NAMES[SOFTIRQ.BLOCK]).toBe('BLOCK');
    expect(SOFTIRQ_NAMES[SOFTIRQ.TIMER]).toBe('TIMER');
    expect(SOFTIRQ_NAMES[SOFTIRQ.SCHED]).toBe('SCHED');
    expect(SOFTIRQ_NAMES).toHaveLength(10);
  });
});
