import type { PolicyName } from '../params.js';
import { iomap510 } from './iomap-5-10.js';
import { legacy418 } from './legacy-4-18.js';
import { mainline619 } from './mainline-6-19.js';
import { patched } from './patched.js';
import type { Policy } from './types.js';

export const POLICIES: Readonly<Record<PolicyName, Policy>> = {
  'legacy-4.18': legacy418,
  'iomap-5.10': iomap510,
  patched,
  'mainline-6.19': mainline619,
};

export const POLICY_NAMES = Object.keys(POLICIES) as PolicyName[];

export function isPolicyName(s: string): s is PolicyName {
  return Object.hasOwn(POLICIES, s);
}
