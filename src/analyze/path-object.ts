import type { IoPath } from '../model/io.js';

/**
 * The object an I/O path is. It starts with six fields and gains up to twenty more as its events
 * arrive: made with `new`, V8 keeps room in such objects for the fields they went on to gain (slack
 * tracking), where an object literal has none and each field added past it copied the object's
 * out-of-line field array (about 600 bytes allocated per I/O). The fields keep the order they are
 * set in, so a path's JSON is the same.
 *
 * It also carries the layer tracker's slots for the path (layers/path-slots.ts) in a private field:
 * invisible to JSON, keys, spreads, clones and comparisons, and read as fast as a field.
 */
class PathObject {
  #slots: unknown = undefined;

  constructor(id: number, unit: IoPath['unit'], dir: IoPath['dir'], bytes: number) {
    const p = this as unknown as IoPath;
    p.id = id;
    p.unit = unit;
    p.dir = dir;
    p.bytes = bytes;
    p.mode = 'unresolved';
    p.evidence = 'none';
  }

  /** The private slot of a path made here; `undefined` both when empty and for another object (see `hasPrivateSlot`). */
  static slot(p: object): unknown {
    return #slots in p ? (p as PathObject).#slots : undefined;
  }

  static hasSlot(p: object): boolean {
    return #slots in p;
  }

  static setSlot(p: object, v: unknown): void {
    (p as PathObject).#slots = v;
  }
}

export function newPathObject(id: number, unit: IoPath['unit'], dir: IoPath['dir'], bytes: number): IoPath {
  return new PathObject(id, unit, dir, bytes) as unknown as IoPath;
}

/** Whether `p` was made by newPathObject (and so has the private slot). */
export function hasPrivateSlot(p: object): boolean {
  return PathObject.hasSlot(p);
}

export function privateSlot(p: object): unknown {
  return PathObject.slot(p);
}

/** Only for a path that hasPrivateSlot. */
export function setPrivateSlot(p: object, v: unknown): void {
  PathObject.setSlot(p, v);
}
