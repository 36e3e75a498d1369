import { describe, expect, it } from 'vitest';
import { asRows, figuresOf, formatFigure, formatTable, goal, judge, rowKey, type BenchRow, type TableRow } from '../../bench/table.js';

describe('judge: a goal is met or not met, and nothing without a figure', () => {
  it.each([
    { figure: 3.9, op: '<=', value: 4, want: 'met' },
    { figure: 4, op: '<=', value: 4, want: 'met' },
    { figure: 4.1, op: '<=', value: 4, want: 'not met' },
    { figure: 150, op: '<', value: 150, want: 'not met' },
    { figure: 149, op: '<', value: 150, want: 'met' },
    { figure: 1.8, op: '>=', value: 1.8, want: 'met' },
    { figure: 1.2, op: '>=', value: 1.8, want: 'not met' },
    { figure: 1.8, op: '>', value: 1.8, want: 'not met' },
  ] as const)('$figure $op $value: $want', ({ figure, op, value, want }) => {
    expect(judge({ name: 'x', figure, unit: '×', goal: goal(op, value, `${op} ${value}`) })).toBe(want);
  });

  it('has no status without a goal, or with a missing or non-finite figure', () => {
    expect(judge({ name: 'x', figure: 3, unit: 'ms' })).toBeUndefined();
    expect(judge({ name: 'x', figure: null, unit: 'ms', goal: goal('<', 150, '< 150 ms') })).toBeUndefined();
    expect(judge({ name: 'x', figure: Number.NaN, unit: 'ms', goal: goal('<', 150, '< 150 ms') })).toBeUndefined();
  });
});

describe('asRows: a bench return value is taken only when every element is a row', () => {
  const row: BenchRow = { name: 'a', figure: 1, unit: 'ms' };
  it('takes BenchRow[] (null figures included)', () => {
    expect(asRows([row, { name: 'b', figure: null, unit: '' }])).toHaveLength(2);
    expect(asRows([])).toEqual([]);
  });
  it.each([
    ['undefined', undefined],
    ['an object', { rows: [row] }],
    ['a row without a unit', [row, { name: 'b', figure: 2 }]],
    ['a string figure', [{ name: 'b', figure: '2', unit: 'ms' }]],
    ["startup's own rows", [{ name: 'faultline --help', runs: 11, medianMs: 90, minMs: 80, exitCode: 0 }]],
  ])('refuses %s', (_what, value) => {
    expect(asRows(value)).toBeUndefined();
  });
});

describe('formatTable', () => {
  it('prints one line per row plus a header and a rule, with the status and its number', () => {
    const rows: TableRow[] = [
      { bench: 'kernel', name: 'fuzz ÷ bare', figure: 5.25, unit: '×', goal: goal('<=', 4, 'fuzz ÷ bare ≤ 4×'), status: 'not met', peakRssMb: 168.4 },
      { bench: 'growth', name: '(not present)', figure: null, unit: '', peakRssMb: null, note: 'no bench/growth.ts' },
    ];
    const lines = formatTable(rows);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^bench +figure +value +unit +goal +status +peak MB +note$/);
    expect(lines[2]).toContain('not met (5.25)');
    expect(lines[2]).toContain('fuzz ÷ bare ≤ 4×');
    expect(lines[2]).toMatch(/ 168$/);
    expect(lines[3]).toContain('—');
    expect(lines[3]).toContain('no bench/growth.ts');
    // The columns line up: every row's value column ends where the header's does.
    const end = lines[0].indexOf('value') + 'value'.length;
    expect(lines[2].slice(0, end).endsWith('5.25')).toBe(true);
  });

  it('formats figures by size', () => {
    expect(formatFigure(12_345.6)).toBe('12,346');
    expect(formatFigure(42.34)).toBe('42.3');
    expect(formatFigure(1.234)).toBe('1.23');
    expect(formatFigure(0.0123)).toBe('0.012');
    expect(formatFigure(null)).toBe('—');
  });
});

describe('comparing with an earlier run', () => {
  it('reads the figures of an earlier report by bench and name, and shows now ÷ before', () => {
    const before = figuresOf({ rows: [{ bench: 'kernel', name: 'bare loop', figure: 100 }, { bench: 'kernel', name: 'gone', figure: null }, null, { name: 'no bench' }] });
    expect([...before.keys()].map((k) => k.replace('\u0000', '/'))).toEqual(['kernel/bare loop', 'kernel/gone']);
    const row: TableRow = { bench: 'kernel', name: 'bare loop', figure: 110, unit: 'ns/event', peakRssMb: 1 };
    const lines = formatTable([{ ...row, before: before.get(rowKey(row)) }, { ...row, name: 'new', before: null }]);
    expect(lines[0]).toContain('before (now ÷ before)');
    expect(lines[2]).toContain('100 (×1.10)');
    expect(lines[3]).toMatch(/ — *$/);
    expect(figuresOf('not a report').size).toBe(0);
  });

  it('has no before column when nothing is compared', () => {
    expect(formatTable([{ bench: 'b', name: 'n', figure: 1, unit: 'ms', peakRssMb: null }])[0]).not.toContain('before');
  });
});
