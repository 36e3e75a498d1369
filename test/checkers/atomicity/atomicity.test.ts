// The atomicity checker: what it must accept, each anomaly it must reject, the note mapping
// a simulated run uses, the external record format's errors, and a property over random
// commit-protocol executions (correct ones pass; one flipped outcome or a missing vote fails).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AtomicityChecker, atomicityInvariant, checkAtomicity, parseAtomicityRecords, recordOfNote, type AtomicityRecord } from '../../../checkers/atomicity/index.js';
import { HistoryParseError } from '../../../checkers/linearizability/index.js';

const begin = (txn: string, ...participants: string[]): AtomicityRecord => ({ kind: 'begin', txn, participants });
const vote = (txn: string, participant: string, v: 'yes' | 'no'): AtomicityRecord => ({ kind: 'vote', txn, participant, vote: v });
const decide = (txn: string, decision: 'commit' | 'abort'): AtomicityRecord => ({ kind: 'decide', txn, decision });
const outcome = (txn: string, participant: string, o: 'commit' | 'abort'): AtomicityRecord => ({ kind: 'outcome', txn, participant, outcome: o });

describe('checkAtomicity', () => {
  it('accepts all-commit and all-abort txns, an abort without votes, and repeated outcomes after recovery', () => {
    const r = checkAtomicity([
      begin('t1', 'p1', 'p2'), vote('t1', 'p1', 'yes'), vote('t1', 'p2', 'yes'), decide('t1', 'commit'), outcome('t1', 'p1', 'commit'), outcome('t1', 'p2', 'commit'), outcome('t1', 'p2', 'commit'),
      begin('t2', 'p1', 'p2'), vote('t2', 'p1', 'yes'), vote('t2', 'p2', 'no'), decide('t2', 'abort'), outcome('t2', 'p1', 'abort'),
      begin('t3', 'p1', 'p2'), decide('t3', 'abort'),
      begin('t4', 'p1'), vote('t4', 'p1', 'yes'),
    ]);
    expect(r).toMatchObject({ verdict: 'valid', txns: 4, committed: 1, aborted: 2, undecided: 1, anomalies: [] });
  });

  it('rejects a txn committed at one participant and aborted at another (split-outcome), naming both', () => {
    const r = checkAtomicity([begin('t1', 'p1', 'p2'), vote('t1', 'p1', 'yes'), vote('t1', 'p2', 'yes'), outcome('t1', 'p1', 'commit'), outcome('t1', 'p2', 'abort')]);
    expect(r.verdict).toBe('invalid');
    expect(r.anomalies).toEqual([{ kind: 'split-outcome', txn: 't1', record: 4, message: 't1 aborted at p2 but committed at p1' }]);
  });

  it('rejects an abort at a participant after the coordinator decided commit', () => {
    const r = checkAtomicity([begin('t1', 'p1'), vote('t1', 'p1', 'yes'), decide('t1', 'commit'), outcome('t1', 'p1', 'abort')]);
    expect(r.anomalies.map((a) => a.kind)).toEqual(['split-outcome']);
  });

  it('rejects a commit with a participant that has not voted yes, or that voted no (commit-without-yes)', () => {
    const missing = checkAtomicity([begin('t1', 'p1', 'p2'), vote('t1', 'p1', 'yes'), decide('t1', 'commit')]);
    expect(missing.anomalies).toEqual([{ kind: 'commit-without-yes', txn: 't1', record: 2, message: 't1 committed at the coordinator though p2 had not voted yes' }]);
    const no = checkAtomicity([begin('t1', 'p1', 'p2'), vote('t1', 'p1', 'yes'), vote('t1', 'p2', 'no'), outcome('t1', 'p1', 'commit')]);
    expect(no.anomalies[0]).toMatchObject({ kind: 'commit-without-yes', message: 't1 committed at p1 though p2 voted no' });
  });

  it('rejects a participant that changes its outcome, and a coordinator that changes its decision', () => {
    expect(checkAtomicity([begin('t1', 'p1'), outcome('t1', 'p1', 'abort'), outcome('t1', 'p1', 'commit')]).anomalies.map((a) => a.kind)).toContain('outcome-changed');
    expect(checkAtomicity([begin('t1', 'p1'), decide('t1', 'abort'), decide('t1', 'commit')]).anomalies.map((a) => a.kind)).toEqual(['decision-changed']);
  });

  it('reports each kind once per txn, and the incremental checker returns the anomaly at the record that shows it', () => {
    const c = new AtomicityChecker();
    expect(c.add(begin('t1', 'p1', 'p2', 'p3'))).toBeUndefined();
    expect(c.add(vote('t1', 'p1', 'yes'))).toBeUndefined();
    expect(c.add(outcome('t1', 'p1', 'abort'))).toBeUndefined();
    // Both anomalies show at p2's commit: the checker returns the last, and records both.
    expect(c.add(outcome('t1', 'p2', 'commit'))?.kind).toBe('commit-without-yes');
    expect(c.add(outcome('t1', 'p3', 'commit'))).toBeUndefined();
    expect(c.result().anomalies.map((a) => [a.kind, a.record])).toEqual([['split-outcome', 3], ['commit-without-yes', 3]]);
  });
});

describe('atomicity from ghost notes', () => {
  const note = (node: number, kind: string, data: Record<string, unknown>) => ({ node, kind, data, timeUs: 5 });

  it('maps txn-* notes to records with participants named n1, n2...', () => {
    expect(recordOfNote(note(0, 'txn-begin', { txn: 't1', participants: [1, 2] }))).toEqual({ kind: 'begin', txn: 't1', participants: ['n2', 'n3'], at: 5 });
    expect(recordOfNote(note(1, 'txn-vote', { txn: 't1', vote: 'yes' }))).toEqual({ kind: 'vote', txn: 't1', participant: 'n2', vote: 'yes', at: 5 });
    expect(recordOfNote(note(2, 'txn-outcome', { txn: 't1', outcome: 'abort' }))).toMatchObject({ participant: 'n3', outcome: 'abort' });
    expect(recordOfNote(note(0, 'become-leader', {}))).toBeUndefined();
    expect(recordOfNote(note(0, 'txn-vote', { txn: 't1', vote: 'maybe' }))).toBe('txn-vote t1: vote must be yes or no');
  });

  it('the invariant fails at the note that breaks atomicity, and on a malformed note', () => {
    const inv = atomicityInvariant();
    const view = undefined as never;
    expect(inv.onNote!(note(0, 'txn-begin', { txn: 't1', participants: [1, 2] }), view)).toBeUndefined();
    expect(inv.onNote!(note(1, 'txn-vote', { txn: 't1', vote: 'yes' }), view)).toBeUndefined();
    expect(inv.onNote!(note(2, 'txn-vote', { txn: 't1', vote: 'yes' }), view)).toBeUndefined();
    expect(inv.onNote!(note(1, 'txn-outcome', { txn: 't1', outcome: 'commit' }), view)).toBeUndefined();
    expect(inv.onNote!(note(2, 'txn-outcome', { txn: 't1', outcome: 'abort' }), view)).toBe('t1 aborted at n3 but committed at n2');
    expect(atomicityInvariant().onNote!(note(0, 'txn-decide', { txn: 3 }), view)).toBe('malformed ghost note: txn-decide: txn must be a string');
  });
});

describe('parseAtomicityRecords', () => {
  it('reads JSON lines, a JSON array and {"records": [...]}, with each record’s line', () => {
    const lines = '{"kind":"begin","txn":"t1","participants":["a","b"]}\n\n{"kind":"vote","txn":"t1","participant":"a","vote":"yes"}\n';
    expect(parseAtomicityRecords(lines)).toEqual({ records: [begin('t1', 'a', 'b'), vote('t1', 'a', 'yes')], lines: [1, 3] });
    const array = '[\n  {"kind":"decide","txn":7,"decision":"abort","at":12}\n]';
    expect(parseAtomicityRecords(array).records).toEqual([{ kind: 'decide', txn: '7', decision: 'abort', at: 12 }]);
    const wrapped = '{"records": [\n{"kind":"outcome","txn":"t","participant":2,"outcome":"commit"}]}';
    expect(parseAtomicityRecords(wrapped)).toEqual({ records: [outcome('t', '2', 'commit')], lines: [2] });
  });

  it('names the line and the field of a bad record', () => {
    const bad = (text: string) => {
      try {
        parseAtomicityRecords(text);
      } catch (e) {
        expect(e).toBeInstanceOf(HistoryParseError);
        return [(e as HistoryParseError).line, (e as HistoryParseError).field];
      }
      return undefined;
    };
    expect(bad('{"kind":"begin","txn":"t1","participants":[]}')).toEqual([1, 'participants']);
    expect(bad('{"kind":"begin","txn":"t1","participants":["a"]}\n{"kind":"vote","txn":"t1","participant":"a","vote":"perhaps"}')).toEqual([2, 'vote']);
    expect(bad('{"kind":"commit","txn":"t1"}')).toEqual([1, 'kind']);
    expect(bad('{"kind":"decide","decision":"commit"}')).toEqual([1, 'txn']);
    expect(bad('{"kind":"decide","txn":"t","decision":"commit"}\n{oops')).toEqual([2, undefined]);
  });
});

// ---------------------------------------------------------------------------------------
// A property: random executions of a correct commit protocol (interleaved over txns) are
// atomic; flipping one participant's outcome, or dropping a vote before a commit, is not.

interface Plan {
  participants: number;
  votes: boolean[];
}

const planArb = fc.record({ participants: fc.integer({ min: 1, max: 4 }), votes: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }) }).map((p): Plan => ({ ...p, votes: p.votes.slice(0, p.participants) }));

function execute(plans: readonly Plan[], order: readonly number[]): AtomicityRecord[] {
  // Each txn's records in protocol order; `order` interleaves the txns.
  const perTxn = plans.map((plan, t) => {
    const txn = `t${t}`;
    const names = Array.from({ length: plan.participants }, (_, i) => `p${i}`);
    const commit = plan.votes.every((v) => v);
    return [
      begin(txn, ...names),
      ...names.map((p, i) => vote(txn, p, plan.votes[i] ? 'yes' : 'no')),
      decide(txn, commit ? 'commit' : 'abort'),
      ...names.map((p) => outcome(txn, p, commit ? 'commit' : 'abort')),
    ];
  });
  const cursors = perTxn.map(() => 0);
  const out: AtomicityRecord[] = [];
  for (const pick of order) {
    const live = perTxn.map((_, t) => t).filter((t) => cursors[t] < perTxn[t].length);
    if (live.length === 0) break;
    const t = live[pick % live.length];
    out.push(perTxn[t][cursors[t]++]);
  }
  perTxn.forEach((records, t) => out.push(...records.slice(cursors[t])));
  return out;
}

describe('atomicity property', () => {
  const execArb = fc.tuple(fc.array(planArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(20), { maxLength: 80 }));

  it('correct executions, however interleaved, are atomic', () => {
    fc.assert(fc.property(execArb, ([plans, order]) => checkAtomicity(execute(plans, order)).verdict === 'valid'), { numRuns: 300 });
  });

  it('one flipped participant outcome is always caught', () => {
    fc.assert(
      fc.property(execArb, fc.nat(), ([plans, order], which) => {
        const records = execute(plans, order);
        const outcomes = records.map((r, i) => [r, i] as const).filter(([r]) => r.kind === 'outcome');
        const [r, i] = outcomes[which % outcomes.length];
        const flipped = [...records];
        flipped[i] = { ...(r as Extract<AtomicityRecord, { kind: 'outcome' }>), outcome: (r as { outcome: string }).outcome === 'commit' ? 'abort' : 'commit' };
        return checkAtomicity(flipped).verdict === 'invalid';
      }),
      { numRuns: 300 },
    );
  });

  it('a committed txn with one yes vote removed is always caught', () => {
    fc.assert(
      fc.property(execArb, fc.nat(), ([plans, order], which) => {
        const records = execute(plans, order);
        const yes = records.map((r, i) => [r, i] as const).filter(([r]) => r.kind === 'vote' && r.vote === 'yes' && records.some((d) => d.kind === 'decide' && d.txn === r.txn && d.decision === 'commit'));
        fc.pre(yes.length > 0);
        const [, i] = yes[which % yes.length];
        return checkAtomicity(records.filter((_, k) => k !== i)).verdict === 'invalid';
      }),
      { numRuns: 300 },
    );
  });
});
