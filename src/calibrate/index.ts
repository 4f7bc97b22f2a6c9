/** Calibration of the simulator from a real trace, and what-if predictions with it. */
export { calibrateTrace, CalibrateError } from './estimate/calibrate.js';
export type { CalibrateOptions } from './estimate/calibrate.js';
export { MODEL_SCHEMA, isCalibratedModel, readModelFile } from './estimate/model-file.js';
export type { CalibratedModel, CalibratedValue, MeasuredFigures, Quantiles } from './estimate/model-file.js';
export { whatif, applyChange, spreadOf, WHATIF_SCHEMA } from './predict/whatif.js';
export type { WhatifChange, WhatifOptions, WhatifResult, SideSummary, Spread } from './predict/whatif.js';
export { formatModel, formatWhatif } from './present/text.js';
export { writeWhatifHtml } from './present/whatif-html.js';
