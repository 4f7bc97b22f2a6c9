/**
 * A pure function of a value a trace repeats over and over (a device number, an iocb-flag string,
 * an rwbs) computed once per distinct value and looked up after: these run several times per
 * event. Bounded: a damaged trace may carry thousands of distinct values, so past `max` entries
 * the table starts over (the results are equal either way).
 *
 * `key` names the argument in the table; `make` must not return undefined.
 */
export function boundedMemo<A, K, V>(key: (a: A) => K, make: (a: A) => V, max: number): (a: A) => V {
  const table = new Map<K, V>();
  return (a) => {
    const k = key(a);
    let v = table.get(k);
    if (v === undefined) {
      if (table.size >= max) table.clear();
      table.set(k, (v = make(a)));
    }
    return v;
  };
}

/** The key of a value that is its own key (a string). */
export const itself = <T>(a: T): T => a;
