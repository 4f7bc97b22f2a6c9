/**
 * trace_printk formats (`printk_formats` of tracefs), which `bprint` events point to by address:
 *
 *   0xffffffff82b1e9a8 : "kthreadd"
 *
 * Parsed as libtraceevent does: the hex address before the first `:`, the text after `: `.
 */

export function parsePrintk(text: string): Map<bigint, string> {
  const out = new Map<bigint, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const hex = line.slice(0, colon).trim().replace(/^0x/i, '');
    if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) continue;
    out.set(BigInt(`0x${hex}`), line.slice(colon + 2));
  }
  return out;
}
