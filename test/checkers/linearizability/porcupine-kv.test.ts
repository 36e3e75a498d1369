// Porcupine's key-value histories (in-repo copy: test/fixtures/histories/porcupine-kv) with
// the verdicts listed in test/fixtures/histories/README.md, partitioned by key and as one state.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkHistory, parseHistory } from '../../../checkers/index.js';
import { porcupineKvDir } from './data.js';

const files = [
  { file: 'c01-ok.txt', want: 'linearizable', keys: 10 },
  { file: 'c01-bad.txt', want: 'not-linearizable', keys: 8 },
  { file: 'c10-ok.txt', want: 'linearizable', keys: 10 },
  { file: 'c10-bad.txt', want: 'not-linearizable', keys: 10 },
];

describe('Porcupine key-value histories', () => {
  it.each(files)('$file is $want (kv, by key)', ({ file, want, keys }) => {
    const parsed = parseHistory(readFileSync(resolve(porcupineKvDir, file), 'utf8'));
    expect(parsed.format).toBe('porcupine-kv');
    const r = checkHistory(parsed.events, 'kv');
    expect(r.verdict).toBe(want);
    expect(r.model).toBe('kv');
    if (want === 'linearizable') expect(r.partitions).toBe(keys);
    if (want === 'not-linearizable') {
      expect(r.counterexample!.op.status).toBe('ok');
      expect(r.counterexample!.reason).toMatch(/^get /);
    }
  });

  it.each(files.filter((f) => f.file.startsWith('c01')))('$file is $want as one state (kv-unpartitioned)', ({ file, want }) => {
    const parsed = parseHistory(readFileSync(resolve(porcupineKvDir, file), 'utf8'));
    expect(checkHistory(parsed.events, 'kv-unpartitioned').verdict).toBe(want);
  });

  it('c01-bad: the counterexample is a get that misses an append', () => {
    const parsed = parseHistory(readFileSync(resolve(porcupineKvDir, 'c01-bad.txt'), 'utf8'));
    const c = checkHistory(parsed.events, 'kv').counterexample!;
    expect(c.partition).toBe('key "7"');
    expect(c.op.text).toBe('p0 get "7" → "x 0 0 y"');
    expect(c.stateAtFailure).toBe('"x 0 0 yx 0 3 y"');
    expect(parsed.lines[c.op.completeIndex!]).toBe(60);
  });
});
