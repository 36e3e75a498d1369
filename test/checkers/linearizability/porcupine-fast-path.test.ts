// The Porcupine key-value fast path (parse/porcupine-kv.ts) against the general EDN reader:
// on generated Porcupine-format logs, valid and mutated, parseHistory (which takes the fast
// path when it can) gives the same events, lines and format as the general reader, or the
// same error (line, field, expected); and the fast path does take every log in Porcupine's
// own form, so that these comparisons are not all made on the fallback.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryParseError, parseHistory } from '../../../checkers/index.js';
import { detectFormat, parseEdnOrPorcupineKv } from '../../../checkers/linearizability/parse/history-formats.js';
import { readPorcupineKv } from '../../../checkers/linearizability/parse/porcupine-kv.js';
import { porcupineKvDir } from './data.js';

const seed = Number(process.env.FAULTLINE_FC_SEED ?? 0x5eed);
const numRuns = 400;
const mutatedRuns = 1000;
const FORMATS = ['auto', 'edn', 'porcupine-kv'] as const;

type Outcome = { ok: unknown; json: string } | { error: { name: string; line?: number; field?: string; expected: string } };

function outcome(read: () => unknown): Outcome {
  try {
    const ok = read();
    return { ok, json: JSON.stringify(ok) };
  } catch (e) {
    if (!(e instanceof HistoryParseError)) throw e;
    return { error: { name: e.name, line: e.line, field: e.field, expected: e.expected } };
  }
}

function expectSameAsGeneral(text: string): void {
  for (const format of FORMATS) {
    const got = outcome(() => parseHistory(text, format));
    // `auto` detects the format first: text that looks like JSON (a mutation can make `{"` of `{:`) never reaches either EDN path.
    const detected = format === 'auto' ? detectFormat(text) : format;
    if (detected !== 'edn' && detected !== 'porcupine-kv') {
      expect(got).toStrictEqual(outcome(() => parseHistory(text, detected)));
      continue;
    }
    const want = outcome(() => parseEdnOrPorcupineKv(text, format));
    // Same fields and values, and the same field order in each event (JSON output).
    expect(got).toStrictEqual(want);
  }
}

/** An EDN string literal for s (escapes only where EDN needs them). */
const ednString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

interface Line {
  text: string;
  /** In Porcupine's own form: the fast path must take it. */
  canonical: boolean;
}

// Mostly characters the fast path reads; now and then a quote or a backslash (escaped in the file: the EDN reader's business).
const safeTextArb = fc.string({ unit: fc.constantFrom('x', 'y', '0', '1', '9', ' ', ',', ':', '{', '}', 'é', ';', '\t'), maxLength: 8 });
const textArb = fc.oneof({ weight: 30, arbitrary: safeTextArb }, { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('x', '"', '\\'), minLength: 1, maxLength: 3 }) });
const processArb = fc.oneof(
  { weight: 50, arbitrary: fc.nat(40).map(String) },
  { weight: 5, arbitrary: fc.nat(40).map((n) => `0${n}`) },
  { weight: 1, arbitrary: fc.constantFrom('123456789012345', '1234567890123456', '99999999999999999999') },
);

const lineArb: fc.Arbitrary<Line> = fc
  .record({
    process: processArb,
    type: fc.constantFrom('invoke', 'ok', 'fail', 'info'),
    f: fc.oneof({ weight: 40, arbitrary: fc.constantFrom('get', 'put', 'append') }, { weight: 1, arbitrary: fc.constantFrom('cas', 'read') }),
    key: textArb,
    value: fc.option(textArb, { nil: null, freq: 3 }),
  })
  .map(({ process, type, f, key, value }) => ({
    text: `{:process ${process}, :type :${type}, :f :${f}, :key ${ednString(key)}, :value ${value === null ? 'nil' : ednString(value)}}`,
    canonical: process.length <= 15 && ['get', 'put', 'append'].includes(f) && !/["\\]/.test(key) && (value === null || !/["\\]/.test(value)),
  }));

const logArb = fc
  .record({
    lines: fc.array(lineArb, { minLength: 1, maxLength: 12 }),
    blankAfter: fc.array(fc.nat(15), { maxLength: 2 }),
    crlf: fc.boolean(),
    finalNewline: fc.boolean(),
  })
  .map(({ lines, blankAfter, crlf, finalNewline }) => {
    const rows = lines.map((l) => l.text);
    for (const k of blankAfter) rows.splice(Math.min(k, rows.length), 0, '');
    const eol = crlf ? '\r\n' : '\n';
    return { text: rows.join(eol) + (finalNewline ? eol : ''), canonical: lines.every((l) => l.canonical) };
  });

const mutationArb = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('insert', 'delete', 'replace'),
  char: fc.constantFrom(' ', ',', '"', '\\', '\n', '\r', ';', '#', '_', '{', '}', '[', ':', 'x', '1', '-', 'N'),
});

function mutate(text: string, mutations: ReadonlyArray<{ at: number; kind: string; char: string }>): string {
  let t = text;
  for (const { at, kind, char } of mutations) {
    const i = at % (t.length + 1);
    if (kind === 'insert') t = t.slice(0, i) + char + t.slice(i);
    else if (kind === 'delete') t = t.slice(0, i) + t.slice(i + 1);
    else t = t.slice(0, i) + char + t.slice(i + 1);
  }
  return t;
}

describe('Porcupine kv fast path', () => {
  it('takes each of Porcupine\'s four files and reads them as the EDN reader does', () => {
    for (const file of ['c01-ok', 'c01-bad', 'c10-ok', 'c10-bad']) {
      const text = readFileSync(resolve(porcupineKvDir, `${file}.txt`), 'utf8');
      const fast = readPorcupineKv(text);
      expect(fast, file).toBeDefined();
      const general = parseEdnOrPorcupineKv(text, 'auto');
      expect(general.format).toBe('porcupine-kv');
      expect(fast).toStrictEqual({ events: general.events, lines: general.lines });
      expectSameAsGeneral(text);
    }
  });

  it('generated logs: the fast path takes exactly those in Porcupine\'s form, with the general reader\'s result', () => {
    fc.assert(
      fc.property(logArb, ({ text, canonical }) => {
        expect(readPorcupineKv(text) !== undefined).toBe(canonical);
        expectSameAsGeneral(text);
      }),
      { seed, numRuns },
    );
  });

  it('mutated logs: the same events, or the same error with its line and field, as the general reader', () => {
    let taken = 0;
    let errors = 0;
    fc.assert(
      fc.property(logArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), ({ text }, mutations) => {
        const mutated = mutate(text, mutations);
        if (readPorcupineKv(mutated) !== undefined) taken++;
        if ('error' in outcome(() => parseEdnOrPorcupineKv(mutated, 'auto'))) errors++;
        expectSameAsGeneral(mutated);
      }),
      { seed, numRuns: mutatedRuns },
    );
    // Both sides of the comparison were exercised: mutations the fast path still takes, and malformed files.
    expect(taken).toBeGreaterThan(mutatedRuns / 100);
    expect(errors).toBeGreaterThan(mutatedRuns / 10);
  });

  it('falls back on what it does not read, and the errors are the EDN reader\'s', () => {
    const ok = '{:process 0, :type :invoke, :f :get, :key "k", :value nil}';
    expect(readPorcupineKv(ok)).toBeDefined();
    for (const other of [
      '{:process 0 :type :invoke :f :get :key "k" :value nil}', // no commas
      '{:process 0, :type :invoke, :f :get, :key "k", :value 3}', // a number
      '{:process 0, :type :invoke, :f :get, :key "k\\"", :value nil}', // an escape
      '{:process :nemesis, :type :info, :f :start, :key "k", :value nil}',
      `${ok} ; a comment`,
      ` ${ok}`,
    ]) {
      expect(readPorcupineKv(`${ok}\n${other}`), other).toBeUndefined();
      expectSameAsGeneral(`${ok}\n${other}`);
    }
    const e = outcome(() => parseHistory(`${ok}\n{:process 0, :type :invoke, :f :get, :key "k", :value nil\n`));
    expect(e).toStrictEqual({ error: { name: 'HistoryParseError', line: 3, field: undefined, expected: "a closing '}' for the collection opened on line 2" } });
  });
});
