/**
 * Escaping for the HTML report. Every string that came from a trace (task names, paths, diagnostic
 * examples, even the explanation, which quotes kworker names) passes through one of these before it
 * reaches the page: a task may legally be called `<script>alert(1)</script>`.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for element content or a quoted attribute value. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * JSON for a `<script type="application/json">` block. JSON.stringify leaves `<` alone, so
 * `</script>` inside a string would end the block; `<!--` would switch the HTML tokenizer into its
 * escaped-script state. `\u003c` keeps both inert while JSON.parse reads the same text. U+2028 and
 * U+2029 are legal in JSON but were line terminators in JavaScript source before ES2019; escaping
 * them keeps the block safe even if a consumer evaluates it as script.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Checks third-party JavaScript before it is inlined in a `<script>` element: `</script` would end
 * the element early and `<!--` changes how the HTML parser reads the rest of it. Rewriting minified
 * code safely is not possible in general, so refuse instead of emitting a broken page.
 */
export function assertInlineableScript(name: string, code: string): string {
  if (/<\/script/i.test(code) || code.includes('<!--')) throw new Error(`${name}: contains "</script" or "<!--" and cannot be inlined in a <script> element`);
  return code;
}

/** Quotes one argument for a POSIX shell, so the printed command reproduces the run when pasted. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_./:=,+@%-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
