import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BlockRqCompleteEvent, BlockRqEvent } from '../../src/model/events.js';
import { collect } from './helpers.js';

/**
 * block_rq payloads of other kernels and of lines quoted without parts. Payloads are real: the
 * example of Dongliang Cui's 2024-04 patch adding the ioprio to the block_rq events (linux-block,
 * LKML; "Sometimes we need to track the processing order of requests with ioprio set"), which printed the
 * ioprio as `rt,4` (class,level) before the merged `be,0,4` (class,hint,level):
 *   `block_rq_issue: 8,0 WS 4096 () 16573296 + 8 rt,4 [kworker/7:0H]`
 *   `block_rq_complete: 8,0 WS () 16573296 + 8 rt,4 [0]`
 * the header is that of the bundled 6.18 captures.
 */

const lines = (ls: string[]): Readable => Readable.from([Buffer.from(`${ls.join('\n')}\n`)]);
const H = (comm: string, pid: number, ts: string): string => `${comm.padStart(16)}-${String(pid).padEnd(6)} [000] d..1.  ${ts}: `;

describe('block_rq payload forms', () => {
  it('two-part ioprio, no ioprio, no (cmd): every issue pairs with its completion', async () => {
    const { events, result } = await collect(
      lines([
        `${H('kworker/7:0H', 12, '100.000010')}block_rq_issue: 8,0 WS 4096 () 16573296 + 8 rt,4 [kworker/7:0H]`,
        `${H('<idle>', 0, '100.000100')}block_rq_complete: 8,0 WS () 16573296 + 8 rt,4 [0]`,
        `${H('dd', 123, '100.000200')}block_rq_issue: 8,0 W 4096 () 16573304 + 8 [dd]`,
        `${H('<idle>', 0, '100.000300')}block_rq_complete: 8,0 W () 16573304 + 8 [0]`,
        `${H('dd', 123, '100.000400')}block_rq_issue: 8,0 W 4096 16573312 + 8 [dd]`,
        `${H('<idle>', 0, '100.000500')}block_rq_complete: 8,0 W 16573312 + 8 [0]`,
      ]),
      { format: 'ftrace' },
    );
    expect(result.diagnostics.counts()).toEqual({});
    const issues = events.filter((e): e is BlockRqEvent => e.kind === 'block_rq_issue');
    const completes = events.filter((e): e is BlockRqCompleteEvent => e.kind === 'block_rq_complete');
    expect(issues.map((e) => [e.sector, e.nrSector, e.bytes, e.ioprio, e.issuer])).toEqual([
      [16573296, 8, 4096, 'rt,4', 'kworker/7:0H'],
      [16573304, 8, 4096, undefined, 'dd'],
      [16573312, 8, 4096, undefined, 'dd'],
    ]);
    expect(completes.map((e) => [e.sector, e.rwbs, e.error, e.cmd])).toEqual([
      [16573296, 'WS', 0, ''],
      [16573304, 'W', 0, ''],
      [16573312, 'W', 0, ''],
    ]);
  });
});
