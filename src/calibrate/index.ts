/**
 * Calibration of the simulator from a real trace, and what-if predictions with it: the only
 * module other folders import from src/calibrate. Four stages, each importing only the ones
 * before it:
 *   collect/   two passes over the trace: `analyze` links each I/O, then a walk gathers the
 *              durations between adjacent events, the submitter's timeline and the device's times;
 *   estimate/  those samples → one record per simulator parameter (the calibrated model);
 *   predict/   the model simulated as it is and with one setting changed (whatif);
 *   present/   text and HTML for people (JSON is the model or prediction object itself).
 * "Model" here means the calibrated model (schema iopath.model/1, estimate/model-file.ts) only.
 */
export { calibrateTrace, CalibrateError } from './estimate/calibrate.js';
export type { CalibrateOptions } from './estimate/calibrate.js';
export { MODEL_SCHEMA, isCalibratedModel, readModelFile } from './estimate/model-file.js';
export type { CalibratedModel, CalibratedValue, CalibratedValues, MeasuredFigures, Quantiles } from './estimate/model-file.js';
export { whatif, applyChange, spreadOf, WHATIF_SCHEMA } from './predict/whatif.js';
export type { WhatifChange, WhatifOptions, WhatifResult, SideSummary, Spread } from './predict/whatif.js';
export { formatModel, formatWhatif } from './present/text.js';
import type { writeWhatifHtml as WriteWhatifHtml } from './present/whatif-html.js';

/** Writes the whatif HTML page; the page and its charts (vega-lite, ~0.25 s to load) are imported only when one is written. */
export async function writeWhatifHtml(...args: Parameters<typeof WriteWhatifHtml>): ReturnType<typeof WriteWhatifHtml> {
  return (await import('./present/whatif-html.js')).writeWhatifHtml(...args);
}
