import { analyzeJob, type PoolReply, type TraceJob } from './pool.js';

/** A child process of {@link analyzeMany}: analyzes the traces it is sent, one at a time, until the parent disconnects. */
process.on('message', (job: TraceJob) => {
  const reply = (r: PoolReply): void => void process.send!(r);
  analyzeJob(job).then(
    (analysis) => reply({ ok: true, analysis: { ...analysis, samples: [] } }),
    (err: unknown) => reply({ ok: false, error: { kind: (err as { kind?: ErrorKindLike }).kind, message: (err as Error).message ?? String(err) } }),
  );
});

type ErrorKindLike = Extract<PoolReply, { ok: false }>['error']['kind'];
