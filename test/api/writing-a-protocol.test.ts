// docs/writing-a-protocol.md shows the example's code in pieces: each block marked
// `<!-- path -->` must be a verbatim part of that file, so the text cannot drift from the
// code that CI runs (scripts/example-from-tarball.sh).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'writing-a-protocol.md'), 'utf8');
const blocks = [...doc.matchAll(/<!-- (\S+) -->\n```\w+\n([\s\S]*?)```/g)].map((m) => ({ file: m[1], code: m[2] }));

describe('docs/writing-a-protocol.md', () => {
  it('shows the example in several pieces', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
  });

  it.each(blocks.map((b, i) => [i + 1, b.file, b.code] as const))('block %i is part of %s, verbatim', (_i, file, code) => {
    expect(readFileSync(join(root, file), 'utf8')).toContain(code);
  });

  it('links the files it names', () => {
    for (const [, target] of doc.matchAll(/\]\((\.\.\/[^)#]+)\)/g)) expect(existsSync(join(root, 'docs', target)), target).toBe(true);
  });
});
