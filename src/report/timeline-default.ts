/**
 * Width of the report's timeline window in ms when none is asked for. Its own file so that the
 * command line can print it in `iopath report --help` without loading the report's code.
 */
export const DEFAULT_TIMELINE_MS = 1;
