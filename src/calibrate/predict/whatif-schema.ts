/**
 * The schema name of `iopath whatif --json`, in a file of its own so that the library entry can
 * export it without loading the simulator that whatif.ts runs.
 */
export const WHATIF_SCHEMA = 'iopath.whatif/1';
