// Turn zod issues into messages a person can act on: the field path, and what was
// expected there (for an unknown key: the keys that are allowed, and the closest one).
import type * as z from 'zod';
import { describeValue } from './units.js';
import type { FieldPath } from './yaml-source.js';

export interface FieldProblem {
  /** Path to the offending value (for an unknown key: to the key itself). */
  path: FieldPath;
  /** Point at the key's line rather than the value's (unknown keys). */
  atKey: boolean;
  message: string;
}

/** At most this many problems are described (a file with 50,000 unknown keys reports the first few, fast). */
export const MAX_PROBLEMS = 20;

/** One problem per issue; an unrecognized_keys issue gives one per key (at most MAX_PROBLEMS in all). */
export function describeIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType, input: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    if (problems.length >= MAX_PROBLEMS) break;
    const path = issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
    if (issue.code === 'unrecognized_keys') {
      const allowed = keysAt(schema, path, input);
      for (const key of issue.keys.slice(0, MAX_PROBLEMS - problems.length)) {
        const hint = allowed.length > 0 ? `; expected one of: ${allowed.join(', ')}` : '';
        const close = closest(key, allowed);
        problems.push({ path: [...path, key], atKey: true, message: `unknown key${hint}${close ? ` (did you mean ${close}?)` : ''}` });
      }
      continue;
    }
    const value = valueAt(input, path);
    problems.push({ path, atKey: false, message: messageFor(issue, value) });
  }
  return problems;
}

function messageFor(issue: z.core.$ZodIssue, value: unknown): string {
  const got = value === undefined ? ' (missing: this field is required)' : ` (got ${describeValue(value)})`;
  switch (issue.code) {
    case 'invalid_union': {
      const discriminated = issue as unknown as { discriminator?: string; options?: unknown[] };
      if (discriminated.options && discriminated.options.length > 0) {
        const what = discriminated.discriminator ? `a known ${discriminated.discriminator}` : 'one of';
        return `expected ${what}: ${discriminated.options.map(String).join(', ')}${got}`;
      }
      return `expected ${issue.message}${got}`;
    }
    case 'custom':
      // Our own messages are noun phrases that already carry the value when useful.
      return `expected ${issue.message}${value === undefined ? ' (missing: this field is required)' : ''}`;
    case 'invalid_type':
      if (issue.message.startsWith('Invalid input')) return `expected ${article(issue.expected)}${got}`;
      return `expected ${issue.message}${got}`;
    case 'invalid_value':
      if (issue.message.startsWith('Invalid')) return `expected one of: ${issue.values.map(String).join(', ')}${got}`;
      return `expected ${issue.message}${got}`;
    default:
      if (/^(Invalid|Too)/.test(issue.message)) return `${issue.message}${got}`;
      return `expected ${issue.message}${got}`;
  }
}

function article(noun: string): string {
  const nouns: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'text', number: 'a number', int: 'an integer', boolean: 'true or false' };
  return nouns[noun] ?? noun;
}

function valueAt(input: unknown, path: FieldPath): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** The keys a mapping at `path` may hold, found by walking the schema (zod 4 internals: `_zod.def`). */
export function keysAt(schema: z.ZodType, path: FieldPath, input: unknown): string[] {
  let current: any = schema;
  let value: unknown = input;
  for (let depth = 0; depth <= path.length; depth += 1) {
    current = unwrap(current, value);
    if (!current) return [];
    if (depth === path.length) break;
    const segment = path[depth];
    const def = current._zod.def;
    if (def.type === 'object') current = def.shape[segment];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'tuple') current = def.items[segment as number];
    else if (def.type === 'record') current = def.valueType;
    else return [];
    value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[segment] : undefined;
  }
  const def = current?._zod.def;
  return def?.type === 'object' ? Object.keys(def.shape) : [];
}

function unwrap(schema: any, value: unknown): any {
  let current = schema;
  for (let guard = 0; current && guard < 16; guard += 1) {
    const def = current._zod.def;
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') current = def.innerType;
    else if (def.type === 'pipe') current = def.in;
    else if (def.type === 'union' && typeof def.discriminator === 'string') {
      const tag = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[def.discriminator] : undefined;
      current = def.options.find((option: any) => option._zod.def.shape?.[def.discriminator]?._zod.def.values?.includes(tag));
    } else return current;
  }
  return current;
}

/** The allowed key closest to a typo (edit distance at most 2, or a case-insensitive match). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = candidate.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.min(2, Math.max(1, Math.floor(word.length / 3))) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}
