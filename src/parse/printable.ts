import { EXAMPLE_TEXT_CHARS } from '../model/diagnostics.js';

/**
 * Lines quoted in diagnostics are printed to terminals (inspect, --strict) and into the HTML
 * report: control bytes in them (a NUL, an escape sequence, DEL) are shown as `\xNN` instead of
 * being written raw.
 */

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
const HAS_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** The line with control bytes shown as `\xNN`, cut to the characters a diagnostic keeps. */
export function printable(line: string): string {
  const head = line.length > EXAMPLE_TEXT_CHARS ? line.slice(0, EXAMPLE_TEXT_CHARS) : line;
  return head.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A line to quote in a diagnostic: as it is, unless it holds control bytes. */
export function quoteLine(line: string): string {
  return HAS_CONTROL.test(line) ? printable(line) : line;
}
