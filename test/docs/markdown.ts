/**
 * The little Markdown reading the documentation checks need: links outside code, heading anchors
 * as GitHub makes them, and the "kernel notes §N" citations the code makes. Hand-written rather
 * than a Markdown parser: the docs use a small, regular subset (ATX headings, fenced code, inline
 * links and images).
 */

export interface Link {
  target: string;
  line: number;
}

/** Lines outside fenced code blocks, with their 1-based numbers. */
export function proseLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let fence: string | null = null;
  text.split('\n').forEach((l, i) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(l);
    if (m) {
      const mark = m[1] as string;
      if (fence === null) fence = mark;
      else if (mark.startsWith(fence)) fence = null;
      return;
    }
    if (fence === null) out.push({ text: l, line: i + 1 });
  });
  return out;
}

/** Inline links and images (`[t](target)`, `![a](target "title")`) and reference definitions, outside code. */
export function markdownLinks(text: string): Link[] {
  const links: Link[] = [];
  for (const { text: l, line } of proseLines(text)) {
    const prose = l.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ target: (m[1] as string).replace(/^<|>$/g, ''), line });
    }
    const def = /^\s{0,3}\[[^\]]+\]:\s*(\S+)/.exec(prose);
    if (def) links.push({ target: def[1] as string, line });
  }
  return links;
}

/** A link to somewhere else (`https:`, `mailto:`…) is not checked here. */
export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
export function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** ATX headings outside code: their text. */
export function headings(text: string): string[] {
  return proseLines(text)
    .map((l) => /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(l.text)?.[1])
    .filter((h): h is string => h !== undefined);
}

/** The anchors a file offers, with GitHub's `-1`, `-2` suffixes for repeated headings. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const h of headings(text)) {
    const s = slug(h);
    const n = seen.get(s) ?? 0;
    out.add(n === 0 ? s : `${s}-${n}`);
    seen.set(s, n + 1);
  }
  return out;
}

/** Section numbers of the kernel notes' headings: `## 0. Summary` → 0, `### 1a. …` → 1a, `### 3.1 …` → 3.1. */
export function sectionNumbers(text: string): Set<string> {
  const out = new Set<string>();
  for (const h of headings(text)) {
    const m = /^§?(\d+(?:\.\d+)*[a-z]?)(?:\.|\s|$)/.exec(h);
    if (m) out.add(m[1] as string);
  }
  return out;
}

/**
 * Sections cited as "kernel notes §N" (also "kernel-notes.md §N"): every §N after the words on the
 * line where they end, so "(kernel notes §1, §3.1)" gives 1 and 3.1 and "(kernel notes, §1a–§1d)"
 * both ends. The words may be wrapped onto two lines, in prose or in a comment (`kernel\n * notes`).
 */
export function kernelNoteCitations(text: string): { section: string; line: number }[] {
  const out: { section: string; line: number }[] = [];
  // A second mention on a line already read adds nothing: its sections were taken with the first.
  let readTo = 0;
  for (const m of text.matchAll(/kernel(?:[ \t-]|\r?\n[ \t]*(?:\*|\/\/|#)?[ \t]*)notes/gi)) {
    if ((m.index as number) < readTo) continue;
    const from = (m.index as number) + m[0].length;
    const eol = text.indexOf('\n', from);
    readTo = eol === -1 ? text.length : eol;
    const rest = text.slice(from, eol === -1 ? undefined : eol);
    const line = text.slice(0, from).split('\n').length;
    for (const c of rest.matchAll(/§(\d+(?:\.\d+)*[a-z]?)/g)) out.push({ section: c[1] as string, line });
  }
  return out;
}
