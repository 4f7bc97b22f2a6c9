/**
 * The schema names of the calibrated model (`iopath calibrate -o`) and of `iopath whatif --json`.
 * They belong to src/calibrate, which defines both objects, but sit here because src/calibrate is
 * entered through its index.ts only and that loads the calibration and the simulator: the library
 * entry (src/index.ts) exports these names without loading either.
 */
export const MODEL_SCHEMA = 'iopath.model/1';
export const WHATIF_SCHEMA = 'iopath.whatif/1';
