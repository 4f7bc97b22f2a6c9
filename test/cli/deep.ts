/** Every string in `v` with `from` replaced by `to` (to compare outputs of a renamed trace with the original's). */
export function renameDeep(v: unknown, from: string, to: string): unknown {
  if (typeof v === 'string') return v.split(from).join(to);
  if (Array.isArray(v)) return v.map((x) => renameDeep(x, from, to));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renameDeep(x, from, to)]));
  return v;
}

/** Whether some string inside `v` contains `needle`. */
export function containsString(v: unknown, needle: string): boolean {
  if (typeof v === 'string') return v.includes(needle);
  if (Array.isArray(v)) return v.some((x) => containsString(x, needle));
  if (v !== null && typeof v === 'object') return Object.values(v).some((x) => containsString(x, needle));
  return false;
}
