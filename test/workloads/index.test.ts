// The registry of built-in workloads, and the determinism rules for workloads/ source
// (the lint config's deterministic-core rules do not cover workloads/ yet).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getModel } from '../../checkers/linearizability/index.js';
import { builtinWorkloads, getWorkload, workloadNames } from '../../workloads/index.js';
import { generate, options } from './helpers.js';

describe('builtin workloads', () => {
  it('are listed by name in a fixed order and found by name', () => {
    expect(workloadNames()).toEqual(['kv', 'register', 'mutex', 'queue', 'bank', 'list-append']);
    for (const w of builtinWorkloads) expect(getWorkload(w.name)).toBe(w);
    expect(getWorkload('nope')).toBeUndefined();
  });

  it('pair with the models they name: linearizability models, or the transactional bank and list-append', () => {
    expect(Object.fromEntries(builtinWorkloads.map((w) => [w.name, w.model ?? null]))).toEqual({
      kv: 'kv',
      register: 'cas-register',
      mutex: 'mutex',
      queue: 'queue',
      bank: 'bank',
      'list-append': 'list-append',
    });
    for (const w of builtinWorkloads) if (w.model && w.model !== 'bank' && w.model !== 'list-append') expect(getModel(w.model), w.model).toBeDefined();
  });

  it.each(builtinWorkloads.map((w) => ({ w, name: w.name })))('$name: the defaults validate and generate', ({ w }) => {
    const opts = options(3, { ...w.defaultMix }, { ...w.defaultParams });
    expect(w.validate?.(opts)).toBeUndefined();
    expect(w.description.length).toBeGreaterThan(0);
    expect(Object.isFrozen(w.defaultMix) && Object.isFrozen(w.defaultParams)).toBe(true);
    // The kernel today hands over no params at all: defaults apply.
    const bare = { keyCount: 3, mix: { ...w.defaultMix } } as unknown as Parameters<typeof w.nextOp>[1];
    expect(generate(w, bare, '1', 100)).toEqual(generate(w, opts, '1', 100));
  });
});

describe('workloads/ source follows the determinism rules', () => {
  const dir = fileURLToPath(new URL('../../workloads/', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const forbidden: Array<[RegExp, string]> = [
    [/\bMath\.random\b/, 'Math.random'],
    [/\bDate\b/, 'Date'],
    [/\b(setTimeout|setInterval|setImmediate|queueMicrotask)\b/, 'timers'],
    [/\bPromise\b|\basync\b|\bawait\b/, 'promises'],
    [/\bfor\s*\((const|let|var)\s+\w+\s+in\b/, 'for...in'],
    [/\.sort\(\s*\)/, 'sort() without a comparator'],
    [/\blocaleCompare\b/, 'localeCompare'],
    [/\bprocess\.env\b/, 'process.env'],
    [/\bperformance\b|\bcrypto\b/, 'wall clock / unseeded randomness'],
  ];
  it.each(files)('%s', (file) => {
    // Strip comments: the rules are about code.
    const code = readFileSync(dir + file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
    for (const [re, what] of forbidden) expect(re.test(code), `${file} uses ${what}`).toBe(false);
  });
});
