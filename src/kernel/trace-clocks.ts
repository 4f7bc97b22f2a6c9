/**
 * The tracefs trace clocks whose timestamps are not nanoseconds: `trace_clocks[]` in
 * kernel/trace/trace.c marks them `in_ns = 0` — `counter` (an atomic count of events), `uptime`
 * (jiffies) — and so do the architectures' ARCH_TRACE_CLOCKS for `x86-tsc` (TSC cycles,
 * arch/x86/include/asm/trace_clock.h) and `ppc-tb` (the time base, arch/powerpc/include/asm/
 * trace_clock.h). The generic clocks (local, global, perf, mono, mono_raw, boot, tai) count
 * nanoseconds.
 *
 * tracefs prints such a clock's timestamp as a bare integer, a ns clock's as seconds with a
 * fraction (kernel/trace/trace_output.c, trace_print_context: `%12llu` unless
 * TRACE_FILE_TIME_IN_NS, else `%5lu.%06lu`):
 *
 *   `             fio-9852    [001] ..... 108569755210345: block_rq_issue: 254,0 WS 4096 () 141569776 + 8 be,0,4 [fio]`  (x86-tsc)
 *   `             fio-9864    [001] .....          333: block_rq_issue: 254,0 WS 4096 () 141569776 + 8 be,0,4 [fio]`  (counter)
 *
 * A trace.dat names its clock (TRACECLOCK option, a buffer's clock); trace-cmd converts TSC
 * cycles to ns only when the file has a TSC2NSEC option.
 */
export const NON_NS_CLOCKS: ReadonlySet<string> = new Set(['counter', 'uptime', 'x86-tsc', 'ppc-tb']);
