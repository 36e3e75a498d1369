// Each invariant fed hand-made note sequences and cluster views: it must reject the
// violating one and accept the good one.
import { describe, expect, it } from 'vitest';
import {
  CommittedNeverLost,
  committedPrefixStable,
  ElectionSafety,
  LeaderQuorum,
  LogMatching,
  monotonicCommit,
  MonotonicTerm,
  StateMachineSafety,
  VoteOnce,
} from '../../../protocols/raft/invariants.js';
import { leaderAtEnd, RaftLiveness } from '../../../protocols/raft/liveness.js';
import { raft } from '../../../protocols/raft/index.js';
import type { RaftNode } from '../../../protocols/raft/node.js';
import { SENTINEL, type Entry } from '../../../protocols/raft/types.js';
import type { HistoryEvent, Invariant, Note } from '../../../sim/types.js';
import { entry, FakeRaftView } from './fake-context.js';

interface FakeActor {
  role: RaftNode['role'];
  term: number;
  commitIndex: number;
  lastApplied?: number;
  log: Entry[];
}

function actor(logTerms: number[], extra: Partial<FakeActor> = {}): FakeActor {
  return { role: 'follower', term: logTerms.at(-1) ?? 0, commitIndex: 0, log: [SENTINEL, ...logTerms.map((t, i) => entry(t, i + 1))], ...extra };
}

class View extends FakeRaftView<FakeActor> {}

const note = (node: number, kind: string, data: Record<string, unknown>): Note => ({ node, kind, data, timeUs: 0 });

/** Feed notes in order; the first violation message, or undefined. */
function feed(inv: Invariant<RaftNode>, view: View, notes: Note[]): string | undefined {
  for (const n of notes) {
    const bad = inv.onNote?.(n, view);
    if (bad) return bad;
  }
  return undefined;
}

describe('the protocol declares its checks by their scenario names', () => {
  it('invariants and liveness, fresh instances per run', () => {
    expect(raft.invariants({}).map((i) => i.name)).toEqual([
      'election-safety',
      'log-matching',
      'state-machine-safety',
      'committed-never-lost',
      'monotonic-term',
      'monotonic-commit',
      'committed-prefix-stable',
      'vote-once',
      'leader-quorum',
      'commit-current-term',
      'snapshot-committed',
    ]);
    expect(raft.liveness({}).map((l) => l.name)).toEqual(['liveness']);
    expect(raft.invariants({})[0]).not.toBe(raft.invariants({})[0]);
    expect(raft.bugs.map((b) => b.name)).toEqual(['figure-8', 'volatile-vote', 'no-prevote', 'local-read', 'ack-before-persist', 'no-dedup', 'snapshot-uncommitted']);
  });
});

describe('election-safety', () => {
  const view = new View([undefined, undefined, undefined]);
  it('accepts one leader per term, even the same node again (a restarted leader re-noting is not a second leader)', () => {
    expect(feed(new ElectionSafety(), view, [note(0, 'become-leader', { term: 1 }), note(1, 'become-leader', { term: 2 }), note(1, 'become-leader', { term: 2 }), note(0, 'become-leader', { term: 3 })])).toBeUndefined();
  });
  it('rejects two nodes becoming leader of one term, however far apart', () => {
    expect(feed(new ElectionSafety(), view, [note(0, 'become-leader', { term: 1 }), note(1, 'become-leader', { term: 2 }), note(2, 'become-leader', { term: 1 })])).toBe('two leaders in term 1: n1 and n3');
  });
});

describe('state-machine-safety', () => {
  const view = new View([undefined, undefined]);
  const apply = (node: number, index: number, term: number, id: string) => note(node, 'apply', { index, term, 'command-id': id });
  it('accepts the same entry applied at an index by every node, also twice (a restart re-applies)', () => {
    expect(feed(new StateMachineSafety(), view, [apply(0, 1, 1, 'c1:1'), apply(1, 1, 1, 'c1:1'), apply(1, 1, 1, 'c1:1'), apply(0, 2, 2, 'noop@2')])).toBeUndefined();
  });
  it('rejects a different command at an applied index', () => {
    expect(feed(new StateMachineSafety(), view, [apply(0, 1, 1, 'c1:1'), apply(1, 1, 1, 'c2:1')])).toMatch(/index 1 applied as c1:1 .* and as c2:1/);
  });
  it('rejects the same command from a different term (a different entry) at an index', () => {
    expect(feed(new StateMachineSafety(), view, [apply(0, 3, 2, 'c1:5'), apply(1, 3, 3, 'c1:5')])).toMatch(/index 3/);
  });
});

describe('committed-never-lost (Leader Completeness, §5.4)', () => {
  const commit = (node: number, index: number, term: number) => note(node, 'commit', { index, term });
  it('accepts a later leader that holds every committed entry', () => {
    const view = new View([actor([1, 1, 2]), actor([1, 1, 2, 3])]);
    const inv = new CommittedNeverLost();
    expect(feed(inv, view, [note(0, 'become-leader', { term: 2 }), commit(0, 1, 1), commit(0, 2, 1), commit(0, 3, 2), note(1, 'become-leader', { term: 3 })])).toBeUndefined();
  });
  it('rejects a later leader lacking a committed entry (Figure 8 (e))', () => {
    // n1 (term 4) committed index 2 of term 2; n5 becomes leader of term 5 with term 3 at index 2.
    const view = new View([actor([1, 2, 4]), undefined, undefined, undefined, actor([1, 3])]);
    const inv = new CommittedNeverLost();
    const bad = feed(inv, view, [note(0, 'become-leader', { term: 4 }), commit(0, 1, 1), commit(0, 2, 2), note(4, 'become-leader', { term: 5 })]);
    expect(bad).toBe('new leader n5 (term 5) has term 3 at index 2, where term 2 was committed in term 4');
  });
  it('rejects a later leader whose log is too short', () => {
    const view = new View([actor([1, 1]), actor([1])]);
    const inv = new CommittedNeverLost();
    expect(feed(inv, view, [note(0, 'become-leader', { term: 1 }), commit(0, 1, 1), commit(0, 2, 1), note(1, 'become-leader', { term: 2 })])).toMatch(/lacks entry 2/);
  });
  it('accepts a leader of an older term elected late (votes cast in its term), which may lack newer commits', () => {
    const view = new View([actor([1, 1, 4]), actor([1])]);
    const inv = new CommittedNeverLost();
    expect(feed(inv, view, [note(0, 'become-leader', { term: 4 }), commit(0, 2, 1), commit(0, 3, 4), note(1, 'become-leader', { term: 3 })])).toBeUndefined();
  });
  it('rejects two different terms committed at one index', () => {
    const view = new View([actor([]), actor([])]);
    expect(feed(new CommittedNeverLost(), view, [commit(0, 1, 1), commit(1, 1, 2)])).toMatch(/index 1 committed with term 1/);
  });
  it('checks the final leader at the end', () => {
    const view = new View([actor([1, 1]), actor([1, 2], { role: 'leader', term: 2 })]);
    const inv = new CommittedNeverLost();
    feed(inv, view, [note(0, 'become-leader', { term: 1 }), commit(0, 2, 1)]);
    expect(inv.atEnd(view)).toMatch(/final leader n2/);
  });
});

describe('monotonic-term', () => {
  it('accepts a durable term that only grows, across restarts', () => {
    const view = new View([undefined]);
    const inv = new MonotonicTerm();
    const s = view.storages[0];
    s.put('raft:hs', { term: 1, votedFor: -1 });
    expect(inv.onNote(note(0, 'role', { role: 'follower', term: 1 }), view)).toBeUndefined();
    s.put('raft:hs', { term: 3, votedFor: 0 });
    expect(inv.onNote(note(0, 'role', { role: 'candidate', term: 3 }), view)).toBeUndefined();
    expect(inv.onNote(note(0, 'role', { role: 'follower', term: 3 }), view)).toBeUndefined();
  });
  it('rejects a durable term that went back (an unsynced term lost in a crash)', () => {
    const view = new View([undefined, undefined]);
    const inv = new MonotonicTerm();
    const s = view.storages[1];
    s.put('raft:hs', { term: 2, votedFor: -1 });
    s.sync();
    s.put('raft:hs', { term: 5, votedFor: 1 });
    expect(inv.onNote(note(1, 'role', { role: 'candidate', term: 5 }), view)).toBeUndefined();
    s.crash();
    expect(inv.onNote(note(1, 'role', { role: 'follower', term: 2 }), view)).toBe("n2's durable term went from 5 back to 2");
  });
});

/** afterEvent once per step (each step edits the view first): the first message and its step. */
function steps(inv: Invariant<RaftNode>, view: View, edits: Array<(v: View) => void>): { step: number; message: string } | undefined {
  for (let i = 0; i < edits.length; i++) {
    edits[i](view);
    const bad = inv.afterEvent!(view);
    if (bad !== undefined) return { step: i, message: bad };
  }
  return undefined;
}

describe('monotonic-commit', () => {
  const node = (commitIndex: number, lastApplied: number) => actor([1, 1, 1, 1, 1], { commitIndex, lastApplied });
  const cases: Array<{ name: string; states: Array<[number, number] | 'restart' | 'crash'>; bad?: { step: number; message: string } }> = [
    { name: 'accepts both only growing (or standing still)', states: [[0, 0], [2, 1], [2, 2], [5, 2], [5, 5]] },
    { name: 'rejects commitIndex going down', states: [[3, 3], [4, 3], [2, 3]], bad: { step: 2, message: "n1's commitIndex went from 4 down to 2, within one incarnation" } },
    { name: 'rejects lastApplied going down', states: [[3, 3], [3, 1]], bad: { step: 1, message: "n1's lastApplied went from 3 down to 1, within one incarnation" } },
    { name: 'accepts a restarted node starting again from 0 (both are volatile)', states: [[4, 4], 'crash', 'restart', [0, 0], [1, 0], [4, 4]] },
    { name: 'and then holds the new incarnation to its own values', states: [[4, 4], 'restart', [2, 2], [1, 2]], bad: { step: 3, message: "n1's commitIndex went from 2 down to 1, within one incarnation" } },
  ];
  it.each(cases)('$name', ({ states, bad }) => {
    let a = node(0, 0);
    const view = new View([a, node(0, 0)]);
    const edits = states.map((st) => (v: View) => {
      if (st === 'crash') v.actors[0] = undefined;
      else if (st === 'restart') v.actors[0] = a = node(0, 0);
      else [a.commitIndex, a.lastApplied] = st;
    });
    expect(steps(monotonicCommit(), view, edits)).toEqual(bad);
  });
});

describe('committed-prefix-stable', () => {
  const e = (term: number, index: number): Entry => entry(term, index);
  /** A node with log terms and a commitIndex. */
  const node = (terms: number[], commitIndex: number) => actor(terms, { commitIndex });
  it('accepts appends, commits, and an uncommitted tail replaced by a new leader', () => {
    const a = node([1, 1, 2], 2);
    const view = new View([a]);
    const edits = [
      () => {},
      () => a.log.splice(3, 1, e(3, 3), e(3, 4)), // index 3 (term 2) was not committed
      () => (a.commitIndex = 4),
      () => a.log.push(e(3, 5)),
    ];
    const inv = committedPrefixStable();
    expect(steps(inv, view, edits)).toBeUndefined();
    expect(inv.atEnd!(view)).toBeUndefined();
  });
  it('rejects a truncation at or below commitIndex, at the event it happens', () => {
    const a = node([1, 1, 2], 3);
    const bad = steps(committedPrefixStable(), new View([a]), [() => {}, () => (a.log.length = 3)]);
    expect(bad).toEqual({ step: 1, message: 'n1 no longer holds log entry 3 (e3@2, term 2), at or below its commit index 3: it ends at 2' });
  });
  it('rejects a committed entry replaced by one of another term', () => {
    const a = node([1, 1, 2, 2], 3);
    const bad = steps(committedPrefixStable(), new View([a]), [() => {}, () => a.log.splice(2, 3, e(3, 2), e(3, 3), e(3, 4))]);
    expect(bad?.message).toBe('n1 replaced log entry 2 (e2@1, term 1) by (e2@3, term 3), at or below its commit index 3');
  });
  it('across a restart: the rebuilt (durable) log must still hold what the node had committed, though its commitIndex starts at 0', () => {
    const view = new View([node([1, 1, 2], 3)]);
    const lost = steps(committedPrefixStable(), view, [() => {}, (v) => (v.actors[0] = undefined), (v) => (v.actors[0] = node([1, 1], 0))]);
    expect(lost).toEqual({ step: 2, message: 'n1 (restarted) no longer holds log entry 3 (e3@2, term 2), at or below its commit index 3: it ends at 2' });

    const fine = new View([node([1, 1, 2], 3)]);
    const restarted = node([1, 1, 2, 2], 0);
    const inv = committedPrefixStable();
    expect(steps(inv, fine, [() => {}, (v) => (v.actors[0] = restarted)])).toBeUndefined();
    // ... and keep it afterwards: overwriting index 3 is still overwriting a committed entry.
    expect(steps(inv, fine, [() => restarted.log.splice(3, 2, e(4, 3))])?.message).toMatch(/^n1 replaced log entry 3 \(e3@2, term 2\) by \(e3@4, term 4\)/);
  });
  it('finds an entry replaced below the top of the frozen prefix (the top unchanged) by its rolling scrub, a few entries per check, on every node', () => {
    const a = node([1, 1, 1, 1, 1, 1, 1, 1], 8);
    const b = node([1, 1, 1, 1, 1, 1], 6);
    const nothing = () => {};
    const bad = steps(committedPrefixStable(), new View([a, b]), [nothing, () => (a.log[2] = e(2, 2)), nothing, nothing, nothing, nothing, nothing, nothing]);
    expect(bad).toEqual({ step: 4, message: 'n1 replaced log entry 2 (e2@1, term 1) by (e2@2, term 2), at or below its commit index 8' });
    const c = node([1, 1, 1, 1, 1, 1, 1, 1], 8);
    const early = steps(committedPrefixStable(), new View([c]), [nothing, () => (c.log[7] = e(2, 7)), nothing, nothing, nothing]);
    expect(early).toEqual({ step: 1, message: 'n1 replaced log entry 7 (e7@1, term 1) by (e7@2, term 2), at or below its commit index 8' });
  });
});

describe('vote-once', () => {
  const vote = (node: number, term: number, candidate: number) => note(node, 'vote', { term, candidate });
  it('accepts one candidate per term per node, granted again (a retried request) or not', () => {
    const view = new View([actor([]), actor([]), actor([])]);
    expect(feed(new VoteOnce(), view, [vote(0, 1, 0), vote(1, 1, 0), vote(1, 1, 0), vote(2, 1, 2), vote(1, 2, 2), vote(0, 2, 2)])).toBeUndefined();
  });
  it('rejects a second candidate in one term', () => {
    const view = new View([actor([]), actor([]), actor([])]);
    expect(feed(new VoteOnce(), view, [vote(1, 3, 0), vote(1, 3, 2)])).toBe('n2 voted twice in term 3: for n1, then for n3');
  });
  it('rejects it across a restart (volatile-vote: the restarted node forgot its vote), and says so', () => {
    const view = new View([actor([]), actor([]), actor([])]);
    const inv = new VoteOnce();
    expect(feed(inv, view, [vote(1, 5, 0)])).toBeUndefined();
    view.actors[1] = undefined;
    view.actors[1] = actor([]);
    expect(feed(inv, view, [vote(1, 5, 1)])).toBe('n2 voted twice in term 5: for n1, then after a restart for n2');
  });
});

describe('leader-quorum', () => {
  const vote = (node: number, term: number, candidate: number) => note(node, 'vote', { term, candidate });
  const leader = (node: number, term: number) => note(node, 'become-leader', { term });
  const five = () => new View([actor([]), actor([]), actor([]), actor([]), actor([])]);
  const cases: Array<{ name: string; notes: Note[]; bad?: string }> = [
    { name: 'accepts a leader with its own vote and two others (3 of 5)', notes: [vote(0, 2, 0), vote(3, 2, 0), vote(4, 2, 0), leader(0, 2)] },
    { name: 'rejects a leader with two votes of five', notes: [vote(0, 2, 0), vote(3, 2, 0), leader(0, 2)], bad: 'n1 became leader of term 2 with the votes of n1, n4 (2 of 5; a majority is 3)' },
    { name: 'counts each voter once, however often it granted', notes: [vote(0, 2, 0), vote(3, 2, 0), vote(3, 2, 0), vote(3, 2, 0), leader(0, 2)], bad: 'n1 became leader of term 2 with the votes of n1, n4 (2 of 5; a majority is 3)' },
    { name: 'counts only votes for that candidate', notes: [vote(0, 2, 0), vote(3, 2, 0), vote(4, 2, 1), leader(0, 2)], bad: 'n1 became leader of term 2 with the votes of n1, n4 (2 of 5; a majority is 3)' },
    { name: 'counts only votes of that term', notes: [vote(0, 3, 0), vote(3, 3, 0), vote(4, 2, 0), leader(0, 3)], bad: 'n1 became leader of term 3 with the votes of n1, n4 (2 of 5; a majority is 3)' },
    { name: 'rejects a leader nobody voted for', notes: [leader(2, 7)], bad: 'n3 became leader of term 7 with the votes of no one (0 of 5; a majority is 3)' },
  ];
  it.each(cases)('$name', ({ notes, bad }) => {
    expect(feed(new LeaderQuorum(), five(), notes)).toBe(bad);
  });
});

describe('log-matching (§5.3)', () => {
  it('accepts logs that agree up to their last common term, and differ only in uncommitted suffixes', () => {
    const view = new View([actor([1, 1, 2, 2], { commitIndex: 2 }), actor([1, 1, 3], { commitIndex: 3 }), actor([1, 1])]);
    expect(new LogMatching(1).atEnd(view)).toBeUndefined();
  });
  it('rejects committed prefixes that disagree', () => {
    const view = new View([actor([1, 2, 2], { commitIndex: 3 }), actor([1, 3], { commitIndex: 2 })]);
    expect(new LogMatching(1).atEnd(view)).toMatch(/n1 and n2 disagree at index 2, below both commit indexes/);
  });
  it('rejects two entries with the same index and term but different commands', () => {
    const a = actor([1, 1, 2]);
    const b = actor([1, 1, 2]);
    b.log[2] = Object.freeze({ ...b.log[2], id: 'other' });
    const view = new View([a, b]);
    expect(new LogMatching(1).atEnd(view)).toMatch(/both hold term 2 at index 3 but differ at index 2/);
  });
  it('checks one pair every N events, rotating over the pairs', () => {
    const bad = actor([1, 2], { commitIndex: 2 });
    const view = new View([actor([1, 1], { commitIndex: 2 }), actor([1, 1], { commitIndex: 2 }), bad]);
    const inv = new LogMatching(2);
    const results = Array.from({ length: 6 }, () => inv.afterEvent(view));
    // Events 2, 4, 6 check pairs (n1,n3), (n2,n3), (n1,n2): the first two disagree.
    expect(results.map((r) => (r === undefined ? '.' : 'x')).join('')).toBe('.x.x..');
  });
});

describe('incremental checks over logs with cut records (RaftNode.logCuts)', () => {
  /** A hand-built actor that records its cuts like RaftNode.writeEntries. */
  const cutting = (logTerms: number[], extra: Partial<FakeActor> = {}) => ({ ...actor(logTerms, extra), logCuts: [] as number[] });
  const cut = (a: ReturnType<typeof cutting>, length: number) => {
    a.log.length = length;
    a.logCuts.push(length);
  };
  const commit = (node: number, index: number, term: number) => note(node, 'commit', { index, term });

  it.each([0, 1])('log-matching: a cut of n%# below the proven prefix is re-checked, even when the entry at its top is the same object again', (side) => {
    const logs = [cutting([1, 1, 2]), cutting([1, 1, 2])];
    const view = new View(logs);
    const inv = new LogMatching(1);
    expect(inv.afterEvent(view)).toBeUndefined(); // proves 1..3
    const b = logs[side];
    const top = b.log[3];
    cut(b, 2);
    b.log.push(Object.freeze({ ...entry(1, 2), id: 'other' }), top);
    expect(inv.afterEvent(view)).toMatch(/^n1 and n2 both hold term 2 at index 3 but differ at index 2: (e2@1|other) \(term 1\) vs (e2@1|other) \(term 1\)$/);
  });
  it('log-matching: a log changed behind logCuts shows at the proven top, and the pair is checked in full', () => {
    const a = cutting([1, 1, 2]);
    const b = cutting([1, 1, 2]);
    const view = new View([a, b]);
    const inv = new LogMatching(1);
    expect(inv.afterEvent(view)).toBeUndefined();
    b.log[2] = Object.freeze({ ...entry(1, 2), id: 'other' });
    b.log[3] = entry(2, 3);
    expect(inv.afterEvent(view)).toMatch(/both hold term 2 at index 3 but differ at index 2/);
  });
  it('log-matching: appends are checked above the proven prefix, a restarted node in full', () => {
    const a = cutting([1, 1]);
    const b = cutting([1, 1]);
    const view = new View([a, b]);
    const inv = new LogMatching(1);
    expect(inv.afterEvent(view)).toBeUndefined();
    a.log.push(entry(2, 3), entry(2, 4));
    b.log.push(Object.freeze({ ...entry(2, 3), id: 'other' }), entry(2, 4));
    expect(inv.afterEvent(view)).toMatch(/both hold term 2 at index 4 but differ at index 3/);
    // A restart: a new incarnation whose log differs low down, with no cut recorded (it is a new log): checked in full.
    a.log.length = 3;
    const restarted = cutting([1, 1, 2]);
    restarted.log[1] = Object.freeze({ ...entry(1, 1), id: 'x' });
    view.actors[1] = restarted;
    expect(inv.afterEvent(view)).toMatch(/both hold term 1 at index 2 but differ at index 1/);
  });
  it('log-matching: a restarted node is checked in full, even when its log holds the same entry objects at the top', () => {
    const a = cutting([1, 1, 2]);
    const view = new View([a, cutting([1, 1, 2])]);
    const inv = new LogMatching(1);
    expect(inv.afterEvent(view)).toBeUndefined();
    const restarted = { ...a, log: [...a.log], logCuts: [] as number[] };
    restarted.log[2] = Object.freeze({ ...entry(1, 2), id: 'other' });
    view.actors[0] = restarted;
    expect(inv.afterEvent(view)).toMatch(/both hold term 2 at index 3 but differ at index 2/);
  });
  it('committed-never-lost: a restarted node is checked in full', () => {
    const view = new View([cutting([1, 1, 2]), cutting([1, 1, 2])]);
    const inv = new CommittedNeverLost();
    expect(feed(inv, view, [note(0, 'become-leader', { term: 2 }), commit(0, 1, 1), commit(0, 2, 1), commit(0, 3, 2), note(1, 'become-leader', { term: 3 })])).toBeUndefined();
    view.actors[1] = cutting([1, 4, 2]);
    expect(inv.onNote(note(1, 'become-leader', { term: 5 }), view)).toBe('new leader n2 (term 5) has term 4 at index 2, where term 1 was committed in term 2');
  });
  it('committed-never-lost: a first commit note at or below a proven index is checked at the next election', () => {
    const view = new View([cutting([1, 1, 2, 2]), cutting([1, 1, 3, 2])]);
    const inv = new CommittedNeverLost();
    // n2 leads term 3 with 1..4 proven (nothing committed at 3 yet); then n1 notes index 3 committed with term 2.
    const notes = [note(0, 'become-leader', { term: 2 }), commit(0, 1, 1), commit(0, 2, 1), commit(0, 4, 2), note(1, 'become-leader', { term: 3 }), commit(0, 3, 2)];
    expect(feed(inv, view, notes)).toBeUndefined();
    expect(inv.onNote(note(1, 'become-leader', { term: 4 }), view)).toBe('new leader n2 (term 4) has term 3 at index 3, where term 2 was committed in term 2');
  });
  it('committed-never-lost: a cut below the proven prefix is re-checked', () => {
    const b = cutting([1, 1, 2]);
    const view = new View([cutting([1, 1, 2]), b]);
    const inv = new CommittedNeverLost();
    expect(feed(inv, view, [note(0, 'become-leader', { term: 2 }), commit(0, 1, 1), commit(0, 2, 1), commit(0, 3, 2), note(1, 'become-leader', { term: 3 })])).toBeUndefined();
    cut(b, 3);
    b.log.push(entry(4, 3));
    expect(inv.onNote(note(1, 'become-leader', { term: 5 }), view)).toBe('new leader n2 (term 5) has term 4 at index 3, where term 2 was committed in term 2');
  });
});

describe('liveness', () => {
  const h = (index: number, process: number, type: HistoryEvent['type'], timeUs: number): HistoryEvent => ({ index, process, type, f: 'get', key: 'k1', timeUs });
  const stable = () => new View([actor([1], { role: 'leader', term: 3 }), actor([1], { term: 3 }), actor([1], { term: 3 })]);
  const info = (history: HistoryEvent[]) => ({ livenessStartUs: 1_000_000, endUs: 10_000_000, history });

  it('accepts a leader with a majority in its term, and clients served within the bound', () => {
    const history = [h(0, 0, 'invoke', 900_000), h(1, 0, 'ok', 1_200_000), h(2, 0, 'invoke', 7_000_000), h(3, 0, 'ok', 7_001_000)];
    expect(new RaftLiveness(3_000_000).atEnd(stable(), info(history))).toBeUndefined();
  });
  it('rejects no leader, or a leader whose term a majority does not share', () => {
    expect(leaderAtEnd(new View([actor([1]), actor([1]), actor([1])]))).toMatch(/no leader/);
    expect(leaderAtEnd(new View([actor([1], { role: 'leader', term: 3 }), actor([1], { term: 4 }), undefined]))).toMatch(/only 1 of 3/);
  });
  it('rejects when no operation completes ok within the bound after faults stop', () => {
    const history = [h(0, 0, 'invoke', 900_000), h(1, 0, 'info', 2_900_000), h(2, 1, 'invoke', 5_000_000), h(3, 1, 'ok', 5_001_000)];
    expect(new RaftLiveness(3_000_000).atEnd(stable(), info(history))).toMatch(/no client operation completed ok between/);
  });
  it('rejects an operation invoked after start + bound that goes unanswered for longer than the bound', () => {
    const history = [h(0, 0, 'invoke', 1_100_000), h(1, 0, 'ok', 1_200_000), h(2, 0, 'invoke', 5_000_000), h(3, 0, 'info', 7_000_000)];
    expect(new RaftLiveness(3_000_000).atEnd(stable(), info(history))).toMatch(/invoked at 5000ms .* ended info/);
    const open = [h(0, 0, 'invoke', 1_100_000), h(1, 0, 'ok', 1_200_000), h(2, 1, 'invoke', 5_000_000)];
    expect(new RaftLiveness(3_000_000).atEnd(stable(), info(open))).toMatch(/still open at the end/);
  });
  it('counts a definite fail (a cas mismatch) as an answer, and ignores operations too close to the end to judge', () => {
    const history = [h(0, 0, 'invoke', 1_100_000), h(1, 0, 'ok', 1_200_000), h(2, 0, 'invoke', 5_000_000), h(3, 0, 'fail', 5_001_000), h(4, 1, 'invoke', 9_000_000)];
    expect(new RaftLiveness(3_000_000).atEnd(stable(), info(history))).toBeUndefined();
  });
});
