import { TRACE_FORMATS, type TraceFormat } from '../parse/formats.js';
import type { IoEngine, RwMode } from '../sim/params.js';
import { PRESET_NAMES } from '../sim/presets.js';
import { STACK_PRESET_NAMES } from '../sim/stack/presets.js';
import { CliError } from './common.js';

/**
 * The option parsers every command shares. commander hands options over as strings; each parser
 * returns the typed value or throws a usage error whose message names the option, what it accepts
 * and what it got: `--iodepth must be an integer ≥ 1 (got "0")`.
 */

export const IO_ENGINES: readonly IoEngine[] = ['libaio', 'io_uring', 'psync'];
export const RW_MODES: readonly RwMode[] = ['randwrite', 'write', 'randread', 'read', 'randrw'];

/** Every preset `simulate --preset` takes: the single-disk ones, then the storage stacks. */
export const ALL_PRESET_NAMES: readonly string[] = [...PRESET_NAMES, ...STACK_PRESET_NAMES];

/** `NAME must be one of a, b, c (got "v")`. */
export function enumOption<T extends string>(name: string, v: string, allowed: readonly T[]): T;
export function enumOption<T extends string>(name: string, v: string | undefined, allowed: readonly T[]): T | undefined;
export function enumOption<T extends string>(name: string, v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new CliError(`${name} must be one of ${allowed.join(', ')} (got "${v}")`);
  return v as T;
}

/** A whole decimal number ≥ `min`; `what` says it in the message (default `an integer ≥ MIN`). */
export function intOption(name: string, v: string, min: number, what?: string): number;
export function intOption(name: string, v: string | undefined, min: number, what?: string): number | undefined;
export function intOption(name: string, v: string | undefined, min: number, what = `an integer ≥ ${min}`): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new CliError(`${name} must be ${what} (got "${v}")`);
  return Number(v);
}

/** Any number `ok` accepts (`1.5`, `2e-3`); `what` says which in the message. */
export function numberOption(name: string, v: string, ok: (n: number) => boolean, what: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || !ok(n)) throw new CliError(`${name} must be ${what} (got "${v}")`);
  return n;
}

export function formatOption(v: string | undefined): TraceFormat | undefined {
  return enumOption('--format', v, TRACE_FORMATS);
}

export type UnitOption = 'auto' | 'dio' | 'request';

/** `--unit`, default auto. */
export function unitOption(v: string | undefined): UnitOption {
  const unit = v ?? 'auto';
  if (unit !== 'auto' && unit !== 'dio' && unit !== 'request') throw new CliError(`--unit must be auto, dio or request (got "${unit}")`);
  return unit;
}
