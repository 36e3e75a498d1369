// A running 64-bit hash of the run (two 32-bit lanes, multiply-xorshift mixing). Cheap on
// the hot path: numbers are mixed directly, strings by char code. Not cryptographic: it
// is the run's identity for determinism checks, not a security boundary.

export class RunHash {
  private a = 0x9e3779b9 | 0;
  private b = 0x85ebca6b | 0;

  int(x: number): void {
    // Mix the low 32 bits, then the high bits for values above 2^32 (times in µs can be).
    const lo = x | 0;
    // Most values (kinds, endpoints, times below 71 minutes) are integers in [0, 2^32): their high bits are 0, no division needed.
    const hi = x >>> 0 === x ? 0 : Math.floor(x / 0x1_0000_0000) | 0;
    this.a = Math.imul(this.a ^ lo, 0x01000193);
    this.b = Math.imul(this.b ^ hi ^ (this.a >>> 13), 0x5bd1e995);
    this.a ^= this.b >>> 15;
  }

  /**
   * int(kind), int(at), int(a), int(b): an event's four fields, the same mixing in one call
   * with the lanes in locals (the event loop hashes every event).
   */
  event(kind: number, at: number, x: number, y: number): void {
    let a = this.a;
    let b = this.b;
    a = Math.imul(a ^ (kind | 0), 0x01000193);
    b = Math.imul(b ^ (kind >>> 0 === kind ? 0 : Math.floor(kind / 0x1_0000_0000) | 0) ^ (a >>> 13), 0x5bd1e995);
    a ^= b >>> 15;
    a = Math.imul(a ^ (at | 0), 0x01000193);
    b = Math.imul(b ^ (at >>> 0 === at ? 0 : Math.floor(at / 0x1_0000_0000) | 0) ^ (a >>> 13), 0x5bd1e995);
    a ^= b >>> 15;
    a = Math.imul(a ^ (x | 0), 0x01000193);
    b = Math.imul(b ^ (x >>> 0 === x ? 0 : Math.floor(x / 0x1_0000_0000) | 0) ^ (a >>> 13), 0x5bd1e995);
    a ^= b >>> 15;
    a = Math.imul(a ^ (y | 0), 0x01000193);
    b = Math.imul(b ^ (y >>> 0 === y ? 0 : Math.floor(y / 0x1_0000_0000) | 0) ^ (a >>> 13), 0x5bd1e995);
    a ^= b >>> 15;
    this.a = a;
    this.b = b;
  }

  str(s: string): void {
    this.int(s.length);
    this.chars(s);
    this.b = Math.imul(this.b ^ this.a, 0x5bd1e995);
  }

  /** Any JSON-able value, canonically (object keys sorted). For rare events only. */
  value(v: unknown): void {
    // A string with nothing JSON escapes (most history values) is hashed as its JSON text
    // without building it; so is an array of such strings, nulls and booleans (a cas's [old, new]).
    if (typeof v === 'string') {
      if (!this.quoted(v)) this.str(JSON.stringify(v));
    }
    // Any other number, string, boolean, null or undefined is its own canonical form: skip
    // the copy canonicalJson makes. Same text, so the same hash.
    else if (v === null || typeof v !== 'object') this.str(JSON.stringify(v === undefined ? null : v));
    // So is an array of primitives: JSON writes undefined in an array as null, as canonical does.
    else if (Array.isArray(v) && flat(v)) {
      if (!this.flatArray(v)) this.str(JSON.stringify(v));
    } else this.str(canonicalJson(v));
  }

  /**
   * str(JSON.stringify(s)) without the text, when JSON writes s as '"' + s + '"' (no
   * character it escapes); false, with the hash untouched, otherwise.
   */
  private quoted(s: string): boolean {
    if (!plain(s)) return false;
    this.int(s.length + 2);
    this.a = Math.imul(this.a ^ QUOTE, 0x01000193);
    this.chars(s);
    this.a = Math.imul(this.a ^ QUOTE, 0x01000193);
    this.b = Math.imul(this.b ^ this.a, 0x5bd1e995);
    return true;
  }

  /** The same for an array of plain strings, nulls, undefineds and booleans; false, with the hash untouched, for anything else in it. */
  private flatArray(items: readonly unknown[]): boolean {
    // The text: '[', the items' texts between commas, ']'.
    let length = items.length === 0 ? 2 : items.length + 1;
    for (let i = 0; i < items.length; i++) {
      const x = items[i];
      if (typeof x === 'string') {
        if (!plain(x)) return false;
        length += x.length + 2;
      } else if (x === null || x === undefined || x === true) length += 4;
      else if (x === false) length += 5;
      else return false;
    }
    this.int(length);
    this.a = Math.imul(this.a ^ OPEN_BRACKET, 0x01000193);
    for (let i = 0; i < items.length; i++) {
      if (i > 0) this.a = Math.imul(this.a ^ COMMA, 0x01000193);
      const x = items[i];
      if (typeof x === 'string') {
        this.a = Math.imul(this.a ^ QUOTE, 0x01000193);
        this.chars(x);
        this.a = Math.imul(this.a ^ QUOTE, 0x01000193);
      } else this.chars(x === false ? 'false' : x === true ? 'true' : 'null');
    }
    this.a = Math.imul(this.a ^ CLOSE_BRACKET, 0x01000193);
    this.b = Math.imul(this.b ^ this.a, 0x5bd1e995);
    return true;
  }

  /** The per-character step of str. */
  private chars(s: string): void {
    let a = this.a;
    for (let i = 0; i < s.length; i++) a = Math.imul(a ^ s.charCodeAt(i), 0x01000193);
    this.a = a;
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

const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Does JSON write the string as itself between quotes? (No quote, backslash, control character or surrogate: JSON escapes a lone one.) */
function plain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === QUOTE || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
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
