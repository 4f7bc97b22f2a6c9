import type { BioEventName, BioPayload } from '../../parse/payload/bio.js';

/** The text of a block_bio event's payload: the exact inverse of parse/payload/bio.ts. */
export function bioArgs(name: BioEventName, b: BioPayload): string {
  const head = `${b.dev.major},${b.dev.minor} ${b.rwbs} ${b.sector} + ${b.nrSector}`;
  if (name === 'block_bio_remap') return `${head} <- (${b.from?.dev.major},${b.from?.dev.minor}) ${b.from?.sector}`;
  if (name === 'block_bio_complete') return `${head} [${b.error ?? 0}]`;
  return `${head} [${b.comm ?? ''}]`;
}
