// Canonical text of JSON-like values, so that model states and values compare by key.

/** nil in any of its spellings: JSON null, EDN nil, a missing value. */
export function isNil(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

/**
 * A canonical string for a JSON-like value: equal values give equal strings, whatever the
 * key order of objects. nil (null or undefined) is `null`; 1 and "1" differ.
 */
export function canonicalKey(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return `${v.toString()}n`;
    case 'object': {
      if (Array.isArray(v)) {
        let s = '[';
        for (let i = 0; i < v.length; i++) s += (i === 0 ? '' : ',') + canonicalKey(v[i]);
        return `${s}]`;
      }
      if (v instanceof Map) {
        const parts = [...v.entries()].map(([k, x]) => `${canonicalKey(k)}:${canonicalKey(x)}`);
        parts.sort(compareStrings);
        return `{${parts.join(',')}}`;
      }
      const keys = Object.keys(v as object).sort(compareStrings);
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalKey((v as Record<string, unknown>)[k])}`).join(',')}}`;
    }
    default:
      return JSON.stringify(String(v));
  }
}

/**
 * Like canonicalKey, cheaper for the common top-level scalars (a string needs no escaping
 * when it is the whole key: the leading quote already tells it from every other key).
 */
export function stateKey(v: unknown): string {
  if (typeof v === 'string') return `"${v}`;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return canonicalKey(v);
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isNil(a) || isNil(b)) return isNil(a) && isNil(b);
  if (typeof a !== 'object' && typeof b !== 'object') return false;
  return canonicalKey(a) === canonicalKey(b);
}

/** Code-unit order: locale-independent and total. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A short display of a value for messages: nil, numbers bare, strings quoted, collections as JSON. */
export function showValue(v: unknown, maxChars = 60): string {
  const text = isNil(v) ? 'nil' : canonicalKey(v);
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}
