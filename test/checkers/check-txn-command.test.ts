// faultline check --model bank | atomicity: verdicts and exit codes on the fixtures, model
// inference, --json, and bad input (file, line and field; exit 2).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCheck, type CheckArgs } from '../../cli/commands/check.js';

const check = (args: Partial<CheckArgs> & { historyFile: string[] }, files: Record<string, string> = {}) =>
  runCheck(
    { format: 'auto', json: false, ...args },
    {
      color: false,
      readFile: (path) => {
        if (files[path] !== undefined) return files[path];
        return readFileSync(path, 'utf8');
      },
    },
  );

describe('check --model bank', () => {
  it('conserved histories pass (exit 0), a read off the total fails (exit 1) with its line', () => {
    const ok = check({ historyFile: ['test/fixtures/bank/ok.edn'] });
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout[0]).toMatch(/^test\/fixtures\/bank\/ok.edn: conserved \(2 ok reads, 1 ok transfer, 3 accounts, total 30 \(from the first read; --total sets it\), bank, edn/);
    const bad = check({ historyFile: ['test/fixtures/bank/wrong-total.edn'], model: 'bank', total: 30 });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout.join('\n')).toContain('wrong-total: read {0: 7, 1: 10, 2: 10} by process 1: the balances sum to 27, not the bank\'s total 30 (money lost: 3) (line 5)');
    expect(bad.stdout.join('\n')).toContain('negative-value');
    expect(check({ historyFile: ['test/fixtures/bank/wrong-total.edn'], total: 30, negativeOk: true }).stdout.join('\n')).not.toContain('negative-value');
  });

  it('--json prints the checker result with each anomaly’s source line', () => {
    const run = check({ historyFile: ['test/fixtures/bank/wrong-total.edn'], total: 30, json: true });
    const json = JSON.parse(run.stdout[0]);
    expect(json).toMatchObject({ file: 'test/fixtures/bank/wrong-total.edn', model: 'bank', verdict: 'invalid', total: 30, totalFrom: 'given', anomalyTypes: ['negative-value', 'wrong-total'] });
    expect(json.anomalies.map((a: { line: number }) => a.line)).toEqual([5, 7]);
  });

  it('bad input: --total with another model, a read that is not a map of balances', () => {
    expect(check({ historyFile: ['x'], model: 'kv', total: 3 })).toMatchObject({ exitCode: 2, stderr: ['error: --total: to be used with --model bank only'] });
    const run = check({ historyFile: ['h.edn'], model: 'bank' }, { 'h.edn': '{:process 0 :type :invoke :f :read}\n{:process 0 :type :ok :f :read :value [1 2]}\n' });
    expect(run.exitCode).toBe(2);
    expect(run.stderr[0]).toBe('error: h.edn:2: value: an ok read whose value maps each account to its balance');
  });
});

describe('check --model atomicity', () => {
  it('commit records are recognised without --model; atomic passes, a split outcome fails with its line', () => {
    const ok = check({ historyFile: ['test/fixtures/atomicity/ok.jsonl'] });
    expect(ok).toMatchObject({ exitCode: 0, stdout: [expect.stringMatching(/: atomic \(2 txns \(1 committed, 1 aborted, 0 undecided\), atomicity/)] });
    const bad = check({ historyFile: ['test/fixtures/atomicity/split.jsonl'] });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout[1]).toBe('  split-outcome: t1 aborted at p2 but committed at the coordinator (line 6)');
    const json = JSON.parse(check({ historyFile: ['test/fixtures/atomicity/split.jsonl'], json: true }).stdout[0]);
    expect(json).toMatchObject({ model: 'atomicity', verdict: 'invalid', anomalies: [{ kind: 'split-outcome', txn: 't1', line: 6 }] });
  });

  it('bad records name the file, line and field (exit 2); an empty file is refused', () => {
    const run = check({ historyFile: ['r.jsonl'], model: 'atomicity' }, { 'r.jsonl': '{"kind":"begin","txn":"t1","participants":["a"]}\n{"kind":"vote","txn":"t1","participant":"a","vote":"perhaps"}\n' });
    expect(run).toMatchObject({ exitCode: 2, stderr: ['error: r.jsonl:2: vote: one of "yes", "no"'] });
    expect(check({ historyFile: ['e.json'], model: 'atomicity' }, { 'e.json': '[]' }).stderr[0]).toBe('error: e.json: a file with at least one commit record');
    expect(check({ historyFile: ['e.json'], model: 'atomicity', format: 'edn' }, { 'e.json': '[]' }).exitCode).toBe(2);
  });
});
