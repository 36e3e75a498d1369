// A JSON.stringify replacer for run data (traces, failure files).

/** JSON for values JSON.stringify mangles: bigint as a string, Map and Set as arrays. */
export function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return [...value.entries()];
  if (value instanceof Set) return [...value.values()];
  return value;
}
