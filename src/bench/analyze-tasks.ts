import { analyzeTrace } from '../analyze/pipeline.js';
import { simulate } from '../sim/index.js';
import type { Source } from '../input/lines.js';
import { benchTask, type TaskResult } from './registry.js';

/** Bench tasks beyond parsing: the whole `analyze` pass, and the simulator's ftrace writer. */

async function analyzeTask(src: Source): Promise<TaskResult> {
  const { analysis, stream } = await analyzeTrace(src);
  return {
    bytes: stream.read.bytes,
    lines: stream.read.lines,
    events: stream.events,
    note: `${analysis.unit} ios=${analysis.ios.total} deferred=${analysis.ios.byMode['kworker-deferred']}`,
  };
}

benchTask('analyze', 'the full `iopath analyze` pass: parse (on a second thread for large files), rebuild every I/O path, classify, attribute', analyzeTask);

/** The same pass with the parsing on the analyzing thread, as for stdin or small files. */
benchTask('analyze-1t', 'analyze with IOPATH_THREADS=0: parsing and analysis on one thread', (src) => {
  process.env['IOPATH_THREADS'] = '0';
  return analyzeTask(src);
});

/**
 * Simulates as many I/Os as the trace has block completions would take too long to know in
 * advance; it writes a fixed 200 000-I/O seed-5.10 run of ftrace text to nowhere, so its lines/s
 * is the emitter's speed (the input file only sets nothing but the baseline it is compared with).
 */
benchTask('simulate-ftrace', 'simulate seed-5.10, 200 000 I/Os, ftrace text written to a discarding sink', async () => {
  let bytes = 0;
  let lines = 0;
  await simulate(
    { preset: 'seed-5.10', format: 'ftrace', params: { ios: 200_000 }, exactHeader: false },
    {
      trace: (chunk: string) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines++;
      },
    },
  );
  return { bytes, lines, note: 'simulated, not read from the input' };
});
