import { describe, expect, it } from 'vitest';
import { assertInlineableScript, escapeHtml, jsonForScript, shellQuote } from '../../src/report/escape.js';
import { vegaRuntime } from '../../src/report/vega-assets.js';

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<script>alert("x" & 'y')</script>`)).toBe('&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;');
    expect(escapeHtml(42)).toBe('42');
  });
});

describe('jsonForScript', () => {
  const tricky = { name: '</script><script>alert(1)</script>', comment: '<!-- x -->', seps: 'a\u2028b\u2029c', amp: 'a&b' };

  it('cannot end or confuse the <script> element, and parses back to the same value', () => {
    const s = jsonForScript(tricky);
    expect(s).not.toMatch(/<|>|&|\u2028|\u2029/);
    expect(JSON.parse(s)).toEqual(tricky);
  });

  it('is also valid JavaScript with the same value', () => {
    expect(new Function(`return ${jsonForScript(tricky)};`)()).toEqual(tricky);
  });
});

describe('assertInlineableScript', () => {
  it('refuses code that would end the script element or open an HTML comment', () => {
    expect(() => assertInlineableScript('x', 'var a = "</script>";')).toThrow(/cannot be inlined/);
    expect(() => assertInlineableScript('x', 'var a = "<!--";')).toThrow(/cannot be inlined/);
    expect(assertInlineableScript('x', 'var a = 1 < 2;')).toBe('var a = 1 < 2;');
  });

  it('accepts the vega runtime the report inlines', () => {
    expect(vegaRuntime().length).toBeGreaterThan(100_000);
  });
});

describe('shellQuote', () => {
  it('leaves plain arguments and quotes the rest so a shell reads them back', () => {
    expect(shellQuote('reports/demo.html')).toBe('reports/demo.html');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});
