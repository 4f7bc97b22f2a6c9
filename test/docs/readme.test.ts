import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths.js';
import { anchors, isExternal, kernelNoteCitations, markdownLinks, proseLines, sectionNumbers, slug } from './markdown.js';

/**
 * The README is what a newcomer reads first: short, opening with the commands to type, and every
 * link in it and in docs/ leads somewhere. The kernel notes are cited from the code as "§N"; a
 * citation to a section that does not exist sends the reader nowhere, so each must resolve.
 */

const README = join(REPO, 'README.md');
const DOCS = join(REPO, 'docs');
const KERNEL_NOTES = join(DOCS, 'kernel-notes.md');
const MAX_README_LINES = 250;

function filesUnder(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : filesUnder(p, ext);
    return d.name.endsWith(ext) ? [p] : [];
  });
}

const markdownFiles = (): string[] => [README, ...filesUnder(DOCS, '.md')];
const read = (p: string): string => readFileSync(p, 'utf8');
const rel = (p: string): string => relative(REPO, p).split(sep).join('/');

/** What is wrong with each relative link of one Markdown file: a missing file, a missing anchor, or a way out of the repository. */
function brokenLinks(file: string, text: string, readTarget: (path: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const { target, line } of markdownLinks(text)) {
    if (isExternal(target)) continue;
    const [pathPart = '', anchor] = target.split('#', 2);
    const path = pathPart === '' ? file : resolve(dirname(file), decodeURIComponent(pathPart));
    const where = `${rel(file)}:${line}: ${target}`;
    if (path !== REPO && !path.startsWith(REPO + sep)) {
      problems.push(`${where} leaves the repository`);
      continue;
    }
    const body = readTarget(path);
    if (body === undefined) {
      problems.push(`${where} names no file`);
      continue;
    }
    if (anchor !== undefined && anchor !== '' && path.endsWith('.md') && !anchors(body).has(anchor)) {
      problems.push(`${where} names no heading of ${rel(path)}`);
    }
  }
  return problems;
}

const fromDisk = (path: string): string | undefined => {
  if (!existsSync(path)) return undefined;
  return statSync(path).isDirectory() ? '' : read(path);
};

describe('README', () => {
  const text = read(README);

  it(`is at most ${MAX_README_LINES} lines`, () => {
    const lines = text.replace(/\n$/, '').split('\n').length;
    expect(lines).toBeLessThanOrEqual(MAX_README_LINES);
  });

  it('opens with the commands a newcomer types: npm ci && npm start, and npm test', () => {
    const first = /^(`{3,}|~{3,})[^\n]*\n([\s\S]*?)^\1/m.exec(text);
    expect(first, 'README has no fenced code block').not.toBeNull();
    const block = (first as RegExpExecArray)[2] as string;
    expect(block).toMatch(/^\s*npm ci && npm start\b/m);
    expect(block).toMatch(/^\s*npm test\b/m);
    // Nothing but the title before it: it is what the reader sees first.
    const before = text.slice(0, (first as RegExpExecArray).index);
    expect(proseLines(before).filter((l) => l.text.trim() !== '' && !l.text.startsWith('# '))).toEqual([]);
  });
});

describe('links in README.md and docs/', () => {
  it('finds the files to check', () => {
    expect(markdownFiles().length).toBeGreaterThan(1);
  });

  it.each(markdownFiles().map((f) => [rel(f), f]))('every relative link of %s resolves', (_name, file) => {
    expect(brokenLinks(file, read(file), fromDisk)).toEqual([]);
  });

  it('the check itself reports a missing file, a missing heading and a link out of the repository', () => {
    const file = join(DOCS, 'example.md');
    const text = ['# Title', '', '## Real `heading` here', '', '[ok](#real-heading-here) [gone](nope.md)', '[no anchor](#nowhere) [out](../../x.md)', '```', '[in code](also-gone.md)', '```'].join('\n');
    const problems = brokenLinks(file, text, (p) => (p === file ? text : undefined));
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/nope\.md names no file/);
    expect(problems.join('\n')).toMatch(/#nowhere names no heading/);
    expect(problems.join('\n')).toMatch(/\.\.\/\.\.\/x\.md leaves the repository/);
  });

  it("anchors follow GitHub's rule", () => {
    expect(slug('`iopath.compare/1`')).toBe('iopathcompare1');
    expect(slug('`analyze --csv` columns')).toBe('analyze---csv-columns');
    expect(slug('1a. 4.18 — `fs/direct-io.c` + ext4')).toBe('1a-418--fsdirect-ioc--ext4');
  });
});

describe('kernel notes cited in the code', () => {
  const sections = existsSync(KERNEL_NOTES) ? sectionNumbers(read(KERNEL_NOTES)) : new Set<string>();
  const sources = [
    ...filesUnder(join(REPO, 'src'), '.ts'),
    ...filesUnder(join(REPO, 'test'), '.ts').filter((f) => !f.startsWith(join(REPO, 'test', 'docs') + sep)),
    ...markdownFiles().filter((f) => f !== KERNEL_NOTES),
    join(REPO, 'fixtures', 'README.md'),
  ].filter(existsSync);
  const citations = sources.flatMap((f) => kernelNoteCitations(read(f)).map((c) => ({ ...c, where: `${rel(f)}:${c.line}` })));

  it('are found in src/ (the scan works)', () => {
    expect(citations.filter((c) => c.where.startsWith('src/')).length).toBeGreaterThan(0);
  });

  it('each exist as a numbered heading of docs/kernel-notes.md', () => {
    const missing = citations.filter((c) => !sections.has(c.section)).map((c) => `${c.where}: §${c.section}`);
    expect(missing).toEqual([]);
  });

  it('the citation reader takes every § after the words, and only there', () => {
    const text = ['/** Work functions (kernel notes §1, §3.1). */', ' * (kernel notes, §1a–§1d) and docs/kernel-notes.md §4:', ' * Efron & Tibshirani 1993, §11.6; the kernel', ' * notes §2 wrapped', 'a wrapped kernel', 'notes §5 in prose'].join('\n');
    expect(kernelNoteCitations(text).map((c) => c.section)).toEqual(['1', '3.1', '1a', '1d', '4', '2', '5']);
    expect(kernelNoteCitations(text).map((c) => c.line)).toEqual([1, 1, 2, 2, 2, 4, 6]);
    expect([...sectionNumbers('## 0. Summary\n### 1a. 4.18\n### 3.1 Formats\n### Flags column\n```\n## 9. in code\n```')]).toEqual(['0', '1a', '3.1']);
  });
});
