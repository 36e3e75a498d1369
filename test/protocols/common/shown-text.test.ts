import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShownText } from '../../../protocols/common/shown-text.js';

describe('ShownText', () => {
  it('is always the text of the value given, over any sequence of values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 40 }), (values) => {
        const shown = new ShownText((v: number) => `v${v}`);
        for (const v of values) expect(shown.of(v)).toBe(`v${v}`);
      }),
    );
  });

  it('formats again only when the value changes (objects by identity)', () => {
    let calls = 0;
    const shown = new ShownText((b: { round: number }) => `${b.round}-${++calls}`);
    const a = { round: 1 };
    expect([shown.of(a), shown.of(a)]).toEqual(['1-1', '1-1']);
    expect(shown.of({ round: 1 })).toBe('1-2');
    expect(shown.of(a)).toBe('1-3');
  });

  it('formats the first value even when it is undefined', () => {
    const shown = new ShownText((v: undefined) => String(v));
    expect(shown.of(undefined)).toBe('undefined');
  });
});
