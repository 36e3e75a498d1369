// A YAML key that is itself a list or a mapping (`? [a, b]`, `{a: 1}: 2`): given twice it is a
// repeated key, and given once it is still not a name. Both are bad input with the line, and
// the parser's "keys will be stringified" warning never reaches stderr.
import { describe, expect, it, vi } from 'vitest';
import { YamlSource } from '../../scenario/yaml-source.js';

function problem(text: string) {
  const parsed = YamlSource.parse(text);
  expect(parsed.ok).toBe(false);
  return parsed.ok ? undefined : parsed.error;
}

describe('collection keys in YAML', () => {
  it('a list key given twice is a repeated key, at the second one', () => {
    expect(problem('protocol: raft\n? [a, b]\n: 1\n? [a, b]\n: 2\n')).toMatchObject({ line: 4, message: expect.stringMatching(/given only once/) });
  });

  it('a mapping key given twice (flow and block) is a repeated key, at the second one', () => {
    expect(problem('protocol: raft\n{a: 1}: 2\n{a: 1}: 3\n')).toMatchObject({ line: 3, message: expect.stringMatching(/given only once/) });
    expect(problem('x:\n  ? - p\n    - q\n  : 1\n  ? [p, q]\n  : 2\n')).toMatchObject({ line: 5, message: expect.stringMatching(/given only once/) });
  });

  it('a collection key given once is still not a name, with its line, deep inside too', () => {
    expect(problem('protocol: raft\n{a: 1}: 2\n')).toMatchObject({ line: 2, message: expect.stringMatching(/a key that is a name, not a mapping/) });
    expect(problem('nemesis:\n  faults:\n    [crash]: 1\n')).toMatchObject({ line: 3, message: expect.stringMatching(/not a list/) });
  });

  it('a collection key through an alias is caught too, and no warning is printed', () => {
    const warn = vi.spyOn(process, 'emitWarning');
    try {
      expect(problem('a: &k [x]\n*k : 1\n')).toMatchObject({ line: 2 });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('ordinary keys still parse', () => {
    const parsed = YamlSource.parse('protocol: raft\nnodes: 3\nnemesis: { faults: { crash: 1 } }\n');
    expect(parsed.ok).toBe(true);
  });
});
