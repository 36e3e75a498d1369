// faultline check --model list-append: Jepsen EDN fixtures, exit codes, text and --json
// output, malformed txn values (exit 2 naming the line and field), other models untouched.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkListAppend, parseHistory } from '../../../checkers/index.js';
import { runCheck, type CheckArgs } from '../../../cli/commands/check.js';

const fixture = (name: string) => resolve(import.meta.dirname, '../../fixtures/list-append', name);
const files: Record<string, string> = {
  'bad-value.json': '[\n{"index":0,"process":0,"type":"invoke","f":"txn","value":[["append","x",1]],"timeUs":0},\n{"index":1,"process":0,"type":"ok","f":"txn","value":[["append","x"]],"timeUs":5}\n]',
  'not-a-list.edn': '{:process 0 :type :invoke :f :txn :value 3}\n{:process 0 :type :ok :f :txn :value 3}\n',
  'stale.json': JSON.stringify([
    { index: 0, process: 0, type: 'invoke', f: 'txn', value: [['append', 'x', 1]], timeUs: 0 },
    { index: 1, process: 0, type: 'ok', f: 'txn', value: [['append', 'x', 1]], timeUs: 10 },
    { index: 2, process: 1, type: 'invoke', f: 'txn', value: [['r', 'x', null]], timeUs: 20 },
    { index: 3, process: 1, type: 'ok', f: 'txn', value: [['r', 'x', []]], timeUs: 30 },
    { index: 4, process: 2, type: 'invoke', f: 'txn', value: [['r', 'x', null]], timeUs: 40 },
    { index: 5, process: 2, type: 'ok', f: 'txn', value: [['r', 'x', [1]]], timeUs: 50 },
  ]),
};
// 40 txns in real-time order, the last reading k0 as [] after T0 appended to it: a 40-step cycle.
const chain: unknown[] = Array.from({ length: 40 }, (_, i) => [
  { index: 2 * i, process: i % 2, type: 'invoke', f: 'txn', value: [['append', `k${i}`, 1], ['r', `k${i + 1}`, null], ...(i === 39 ? [['r', 'k0', null]] : [])], timeUs: 10 * i },
  { index: 2 * i + 1, process: i % 2, type: 'ok', f: 'txn', value: [['append', `k${i}`, 1], ['r', `k${i + 1}`, []], ...(i === 39 ? [['r', 'k0', []]] : [])], timeUs: 10 * i + 5 },
]).flat();
chain.push({ index: 80, process: 5, type: 'invoke', f: 'txn', value: [['r', 'k0', null]], timeUs: 500 }, { index: 81, process: 5, type: 'ok', f: 'txn', value: [['r', 'k0', [1]]], timeUs: 505 });
files['chain.json'] = JSON.stringify(chain);
const env = { readFile: (path: string) => files[path] ?? readFileSync(path, 'utf8'), color: false };
const check = (args: Partial<CheckArgs> & { historyFile: string[] }) => runCheck({ format: 'auto', json: false, ...args }, env);

describe('list-append: Jepsen EDN histories', () => {
  it('reads :f :txn ops with keyword micro-ops and judges them', () => {
    const valid = parseHistory(readFileSync(fixture('jepsen-valid.edn'), 'utf8'));
    expect(valid.format).toBe('edn');
    expect(checkListAppend(valid.events)).toMatchObject({ verdict: 'valid', txns: 5, committed: 3, aborted: 1, indeterminate: 1, keys: 2 });
    const bad = parseHistory(readFileSync(fixture('jepsen-g-single.edn'), 'utf8'));
    expect(checkListAppend(bad.events).anomalyTypes).toEqual(['G-single']);
  });
});

describe('faultline check --model list-append', () => {
  it('exit 0 and one summary line for a valid history (the model inferred from txn ops)', () => {
    const r = check({ historyFile: [fixture('jepsen-valid.edn')] });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toHaveLength(1);
    expect(r.stdout[0]).toMatch(/jepsen-valid\.edn: strict-serializable \(5 txns \(3 ok, 1 failed, 1 indeterminate\), 2 keys, \d+ edges, list-append, edn, /);
  });

  it('exit 1 and the cycle with its justification for an invalid one', () => {
    const r = check({ historyFile: [fixture('jepsen-g-single.edn')], model: 'list-append' });
    expect(r.exitCode).toBe(1);
    const text = r.stdout.join('\n');
    expect(r.stdout[0]).toContain('NOT strict-serializable');
    expect(text).toContain('anomalies: G-single');
    expect(text).toMatch(/T0 p0 \[append x 1\] \[append y 1\] \(lines 1–3\)/);
    expect(text).toContain('-rw-> T1 read x as [], and T0 appended 1, its first element');
    expect(text).toContain('-wr-> T1 read y ending at 1, which T0 appended');
  });

  it('--consistency: a stale read is only a strict-serializability anomaly', () => {
    expect(check({ historyFile: ['stale.json'], model: 'list-append', consistency: 'serializable' }).exitCode).toBe(0);
    const strict = check({ historyFile: ['stale.json'], model: 'list-append', json: true });
    expect(strict.exitCode).toBe(1);
    const json = JSON.parse(strict.stdout[0]);
    expect(json).toMatchObject({ verdict: 'invalid', model: 'list-append', consistency: 'strict-serializable', format: 'faultline', txns: 3, anomalyTypes: ['G-single-realtime'] });
    expect(json.anomalies[0].txns[0]).toMatchObject({ invokeLine: 1, completeLine: 1 });
    expect(json.anomalies[0].cycle.map((e: { kind: string }) => e.kind).sort()).toEqual(['rt', 'rw']);
  });

  it('a long real-time cycle is shown by its first and last steps', () => {
    const r = check({ historyFile: ['chain.json'] });
    expect(r.exitCode).toBe(1);
    expect(r.stdout.join('\n')).toContain('G-single-realtime: cycle T0 -rt-> T1 -rt-> T2 -rt-> T3 -rt-> T4 -rt-> T5 -rt-> … 29 more … T35 -rt->');
    expect(r.stdout.join('\n')).toContain('… 28 more steps (--json lists them)');
    expect(r.stdout.length).toBeLessThan(30);
  });

  it('exit 2 for a malformed txn value, naming the file, line and field', () => {
    const r = check({ historyFile: ['bad-value.json'], model: 'list-append' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.join('\n')).toMatch(/^error: bad-value\.json:3: value\[0\]: a micro-op \[f key value\]/);
    const edn = check({ historyFile: ['not-a-list.edn'] });
    expect(edn.exitCode).toBe(2);
    expect(edn.stderr.join('\n')).toBe('error: not-a-list.edn:2: value: a list of micro-ops [append key value] or [r key list]');
    expect(check({ historyFile: ['stale.json'], model: 'register', consistency: 'serializable' }).exitCode).toBe(2);
    expect(check({ historyFile: ['stale.json'], consistency: 'snapshot' }).exitCode).toBe(2);
  });
});
