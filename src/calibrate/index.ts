/** Calibration of the simulator from a real trace, and what-if predictions with it. */
export { calibrateTrace, CalibrateError } from './calibrate.js';
export type { CalibrateOptions } from './calibrate.js';
export { MODEL_SCHEMA, isCalibratedModel, readModelFile } from './model.js';
export type { CalibratedModel, CalibratedValue, MeasuredFigures, Quantiles } from './model.js';
export { whatif, applyChange, spreadOf, WHATIF_SCHEMA } from './whatif.js';
export type { WhatifChange, WhatifOptions, WhatifResult, SideSummary, Spread } from './whatif.js';
export { formatModel, formatWhatif } from './format.js';
export { writeWhatifHtml } from './html.js';
