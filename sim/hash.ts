// A running 64-bit hash of the run (two 32-bit lanes, multiply-xorshift mixing). Cheap on
// the hot path: numbers are mixed directly, strings by char code. Not cryptographic: it
// is the run's identity for determinism checks, not a security boundary.

export class RunHash {
  private a = 0x9e3779b9 | 0;
  private b = 0x85ebca6b | 0;

  int(x: number): void {
    // Mix the low 32 bits, then the high bits for values above 2^32 (times in µs can be).
    const lo = x | 0;
    const hi = Math.floor(x / 0x1_0000_0000) | 0;
    this.a = Math.imul(this.a ^ lo, 0x01000193);
    this.b = Math.imul(this.b ^ hi ^ (this.a >>> 13), 0x5bd1e995);
    this.a ^= this.b >>> 15;
  }

  str(s: string): void {
    this.int(s.length);
    for (let i = 0; i < s.length; i++) {
      this.a = Math.imul(this.a ^ s.charCodeAt(i), 0x01000193);
    }
    this.b = Math.imul(this.b ^ this.a, 0x5bd1e995);
  }

  /** Any JSON-able value, canonically (object keys sorted). For rare events only. */
  value(v: unknown): void {
    // A number, string, boolean, null or undefined (most history values) is its own canonical
    // form: skip the copy canonicalJson makes. Same text, so the same hash.
    if (v === null || typeof v !== 'object') this.str(JSON.stringify(v === undefined ? null : v));
    // So is an array of primitives (a cas's [old, new]): JSON writes undefined in an array as null, as canonical does.
    else if (Array.isArray(v) && flat(v)) this.str(JSON.stringify(v));
    else this.str(canonicalJson(v));
  }

  hex(): string {
    // Final avalanche of both lanes.
    let a = this.a ^ (this.a >>> 16);
    a = Math.imul(a, 0x85ebca6b);
    a ^= a >>> 13;
    let b = this.b ^ (this.b >>> 16) ^ a;
    b = Math.imul(b, 0xc2b2ae35);
    b ^= b >>> 16;
    return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
  }
}

/** JSON with object keys sorted, Maps and Sets as sorted arrays: a canonical text for hashing and golden files. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(canonical(v));
}

function canonical(v: unknown): unknown {
  if (v === undefined) return null;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(canonical);
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => [canonical(k), canonical(x)]).sort(byJson);
  if (v instanceof Set) return [...v].map(canonical).sort(byJson);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v as object).sort(compareStrings)) out[k] = canonical((v as Record<string, unknown>)[k]);
  return out;
}

/** Does the array hold primitives only (nothing canonical() would rewrite but undefined, which JSON writes as null in an array too)? */
function flat(items: readonly unknown[]): boolean {
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    if (x !== null && typeof x === 'object') return false;
  }
  return true;
}

function compareStrings(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

function byJson(x: unknown, y: unknown): number {
  return compareStrings(JSON.stringify(x), JSON.stringify(y));
}
