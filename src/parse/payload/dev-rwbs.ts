import { at, uint } from '../scan.js';

const COMMA = 44;
const SP = 32;

/**
 * The head every block_rq and block_bio payload starts with, `major,minor rwbs ` (`254,0 WS 46391296
 * + 8 …`), read from `p` into `out` (the caller's reused object: parsing is synchronous); the index
 * after the space is left in at.p. False on anything else.
 */
export function devRwbs(s: string, p: number, out: { major: number; minor: number; rwbs: string }): boolean {
  const major = uint(s, p);
  p = at.p;
  if (major !== major || s.charCodeAt(p) !== COMMA) return false;
  const minor = uint(s, p + 1);
  p = at.p;
  if (minor !== minor || s.charCodeAt(p) !== SP) return false;
  const sp = s.indexOf(' ', p + 1);
  if (sp < 0) return false;
  out.major = major;
  out.minor = minor;
  out.rwbs = s.slice(p + 1, sp);
  at.p = sp + 1;
  return true;
}
