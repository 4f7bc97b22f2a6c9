import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analyze/pipeline.js';
import type { IoPath } from '../../src/model/io.js';
import { FIXTURES } from '../helpers/paths.js';

/**
 * Block events only, without a flags column or irq/softirq events (`perf record -e
 * block:block_rq_issue -e block:block_rq_complete`, trace-cmd report without -l, tracefs with
 * irq-info off): a paired request keeps its device latency, size and direction and counts toward
 * IOPS and MB/s; only its completion context is unknown (`no_context`). Real excerpts, one per format.
 */

const FILES = ['ftrace-noflags-block-only.txt', 'trace-cmd-block-only.txt', 'perf-block-only.txt'];

describe.each(FILES)('%s', (file) => {
  it('paired requests are no_context with device time, bytes and IOPS; no mode is claimed', async () => {
    const paths: IoPath[] = [];
    const { analysis: a } = await analyzeTrace(createReadStream(join(FIXTURES, 'excerpts', file)), { onPath: (p) => paths.push(p) });
    const paired = paths.filter((p) => p.issue && p.deviceComplete);
    expect(paired.length).toBeGreaterThan(10);
    for (const p of paired) {
      expect(p.mode).toBe('unresolved');
      expect(p.unresolvedReason).toBe('no_context');
      expect(['R', 'W']).toContain(p.dir);
      expect(p.deviceComplete?.pid).toBeGreaterThanOrEqual(0);
    }
    expect(paired.filter((p) => p.dir === 'W').length).toBeGreaterThan(10);
    expect(a.ios.byMode['irq-inline'] + a.ios.byMode['kworker-deferred'] + a.ios.byMode['task-inline']).toBe(0);
    expect(a.ios.unresolvedReasons.no_context).toBe(paired.length);
    expect(a.ios.noContext?.ios).toBe(paired.length);
    expect(a.latencyUs.device?.count).toBe(paired.length);
    const spanS = (a.window.endNs - a.window.startNs) / 1e9;
    expect(a.iops).toBeCloseTo(paired.length / spanS, 0);
    expect(a.mbps).toBeGreaterThan(0);
    expect(a.explanation).toMatch(/irq_handler_entry\/exit and softirq_entry\/exit events would/);
    expect(a.explanation).not.toMatch(/None of the/);
    expect(a.dataLoss.suspected).toBe(false);
  });
});

describe('who the completing line names', () => {
  it('the issuer current at completion is said to be ambiguous (completed it itself, or interrupted)', async () => {
    const { analysis: a } = await analyzeTrace(createReadStream(join(FIXTURES, 'excerpts', 'perf-block-only.txt')), {});
    expect(a.ios.noContext?.issuingTask).toBeGreaterThan(0);
    expect(a.explanation).toMatch(/their own issuer was current: it either completed them itself or was interrupted/);
  });
});
