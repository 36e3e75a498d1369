// Leader election, driven handler by handler. References are to the Raft paper (Ongaro &
// Ousterhout 2014) and, for PreVote and CheckQuorum, Ongaro's thesis (2014).
import { describe, expect, it } from 'vitest';
import { raft } from '../../../protocols/raft/index.js';
import type { RaftMsg } from '../../../protocols/raft/types.js';
import { FakeContext, makeNode, sentOfType } from './fake-context.js';

type VoteReply = Extract<RaftMsg, { type: 'vote-reply' }>;

describe('RequestVote granting (§5.2, §5.4.1)', () => {
  // The voter is n1 (id 0) of 5, with log terms [1, 1, 2] (lastIndex 3, lastTerm 2).
  const cases = [
    { name: 'grants a higher-term candidate whose log is as up to date', term: 2, votedFor: -1, req: { term: 3, lastIndex: 3, lastTerm: 2 }, granted: true },
    { name: 'grants a candidate with a higher last term and a shorter log (§5.4.1)', term: 2, votedFor: -1, req: { term: 3, lastIndex: 1, lastTerm: 3 }, granted: true },
    { name: 'refuses a candidate with a lower last term, however long its log (§5.4.1)', term: 2, votedFor: -1, req: { term: 3, lastIndex: 9, lastTerm: 1 }, granted: false },
    { name: 'refuses a candidate with the same last term and a shorter log (§5.4.1)', term: 2, votedFor: -1, req: { term: 3, lastIndex: 2, lastTerm: 2 }, granted: false },
    { name: 'refuses a stale term (§5.1)', term: 4, votedFor: -1, req: { term: 3, lastIndex: 3, lastTerm: 2 }, granted: false },
    { name: 'refuses a second candidate in a term it already voted in (§5.2)', term: 3, votedFor: 2, req: { term: 3, lastIndex: 3, lastTerm: 2 }, granted: false },
    { name: 'grants the same candidate again (a retried request)', term: 3, votedFor: 1, req: { term: 3, lastIndex: 3, lastTerm: 2 }, granted: true },
  ];
  it.each(cases)('$name', ({ term, votedFor, req, granted }) => {
    const { node, ctx } = makeNode({ id: 0, term, votedFor, logTerms: [1, 1, 2] });
    const syncsBefore = ctx.storage.syncs;
    node.onMessage(1, { type: 'vote', pre: false, ...req });
    const [reply] = sentOfType(ctx.drain(), 'vote-reply');
    expect(reply.to).toBe(1);
    expect(reply.msg.granted).toBe(granted);
    expect(reply.msg.term).toBe(Math.max(term, req.term));
    expect(node.term).toBe(Math.max(term, req.term));
    if (granted) {
      expect(node.votedFor).toBe(1);
      // Fig. 2: the vote is on stable storage before the reply leaves.
      expect(ctx.storage.synced.get('raft:hs')).toEqual({ term: req.term, votedFor: 1 });
      expect(reply.unsyncedBefore).toBe(0);
      if (votedFor !== 1) expect(reply.syncsBefore).toBeGreaterThan(syncsBefore);
    } else {
      expect(node.votedFor).toBe(req.term > term ? -1 : votedFor);
    }
  });

  it('a higher term in any message makes the node a follower of that term, with no vote (§5.1)', () => {
    const { node, ctx } = makeNode({ id: 0, term: 2, votedFor: 0, logTerms: [1, 2] });
    node.onMessage(3, { type: 'append-reply', term: 5, success: false, prevIndex: 0, matchIndex: 0, conflictTerm: -1, conflictIndex: 1 });
    expect(node.role).toBe('follower');
    expect(node.term).toBe(5);
    expect(node.votedFor).toBe(-1);
    expect(ctx.storage.synced.get('raft:hs')).toEqual({ term: 5, votedFor: -1 });
  });

  it('a restarted node recovers currentTerm, votedFor and the log from storage (Fig. 2)', () => {
    const { node, ctx } = makeNode({ id: 0, term: 7, votedFor: 3, logTerms: [1, 4, 6] });
    expect(node.term).toBe(7);
    expect(node.votedFor).toBe(3);
    expect(node.log.map((e) => e.term)).toEqual([0, 1, 4, 6]);
    // It still refuses a different candidate in term 7.
    node.onMessage(2, { type: 'vote', term: 7, pre: false, lastIndex: 3, lastTerm: 6 });
    expect(sentOfType(ctx.drain(), 'vote-reply')[0].msg.granted).toBe(false);
  });

  it('volatile-vote: the vote is not persisted, so after a restart the voter votes again in the same term', () => {
    for (const bug of [[], ['volatile-vote']]) {
      const first = makeNode({ id: 0, term: 2, logTerms: [1, 2], bugs: bug });
      first.node.onMessage(1, { type: 'vote', term: 3, pre: false, lastIndex: 2, lastTerm: 2 });
      expect(sentOfType(first.ctx.drain(), 'vote-reply')[0].msg.granted).toBe(true);
      // Crash: a new incarnation on the same storage.
      first.ctx.storage.crash();
      const ctx = new FakeContext(0, 5, bug, first.ctx.storage);
      const again = raft.createActor(ctx, {});
      again.onStart();
      again.onMessage(2, { type: 'vote', term: 3, pre: false, lastIndex: 2, lastTerm: 2 });
      const second = sentOfType(ctx.drain(), 'vote-reply')[0].msg;
      expect(second.granted).toBe(bug.length > 0); // the bug: two votes in term 3
    }
  });
});

describe('vote notes (ghost notes for vote-once and leader-quorum)', () => {
  it('a voter notes every vote it grants, the candidate its own; refusals and pre-votes note nothing', () => {
    const { node, ctx } = makeNode({ id: 0, term: 2, logTerms: [1, 2] });
    const votes = () => ctx.notes.filter((n) => n.kind === 'vote').map((n) => n.data);
    node.onMessage(1, { type: 'vote', term: 3, pre: true, lastIndex: 2, lastTerm: 2 }); // a pre-vote, granted
    expect(sentOfType(ctx.drain(), 'vote-reply')[0].msg.granted).toBe(true);
    expect(votes()).toEqual([]);
    node.onMessage(1, { type: 'vote', term: 3, pre: false, lastIndex: 2, lastTerm: 2 });
    node.onMessage(1, { type: 'vote', term: 3, pre: false, lastIndex: 2, lastTerm: 2 }); // a retry: granted again, noted again
    node.onMessage(2, { type: 'vote', term: 3, pre: false, lastIndex: 2, lastTerm: 2 }); // refused
    expect(votes()).toEqual([{ term: 3, candidate: 1 }, { term: 3, candidate: 1 }]);

    const cand = makeNode({ id: 2, term: 4, logTerms: [1, 4], options: { preVote: false } });
    cand.node.onTimer('election');
    expect(cand.ctx.notes.filter((n) => n.kind === 'vote').map((n) => n.data)).toEqual([{ term: 5, candidate: 2 }]);
    const pre = makeNode({ id: 2, term: 4, logTerms: [1, 4] });
    pre.node.onTimer('election'); // PreVote: a pre-candidate has voted for no one yet
    expect(pre.node.role).toBe('pre-candidate');
    expect(pre.ctx.notes.filter((n) => n.kind === 'vote')).toEqual([]);
  });
});

describe('candidates (§5.2)', () => {
  it('without PreVote, an election timeout makes a candidate of the next term that votes for itself, durably, then asks everyone', () => {
    const { node, ctx } = makeNode({ id: 2, term: 4, logTerms: [1, 4], options: { preVote: false } });
    node.onTimer('election');
    expect(node.role).toBe('candidate');
    expect(node.term).toBe(5);
    expect(ctx.storage.synced.get('raft:hs')).toEqual({ term: 5, votedFor: 2 });
    const votes = sentOfType(ctx.drain(), 'vote');
    expect(votes.map((v) => v.to)).toEqual([0, 1, 3, 4]);
    for (const v of votes) {
      expect(v.msg).toEqual({ type: 'vote', term: 5, pre: false, lastIndex: 2, lastTerm: 4 });
      expect(v.unsyncedBefore).toBe(0);
    }
    expect(ctx.timers.has('election')).toBe(true);
  });

  it('becomes leader on a majority of votes, counting each voter once (duplicates do not count)', () => {
    const { node, ctx } = makeNode({ id: 0, term: 1, options: { preVote: false } });
    node.onTimer('election');
    const grant: VoteReply = { type: 'vote-reply', term: 2, pre: false, granted: true };
    node.onMessage(1, grant);
    node.onMessage(1, grant);
    expect(node.role).toBe('candidate');
    node.onMessage(2, { ...grant, granted: false });
    expect(node.role).toBe('candidate');
    node.onMessage(3, grant);
    expect(node.role).toBe('leader');
    expect(ctx.notes.filter((n) => n.kind === 'become-leader')).toEqual([{ kind: 'become-leader', data: { term: 2 } }]);
    // §8: a no-op of the new term, sent to every peer at once.
    expect(node.log[node.lastIndex]).toMatchObject({ term: 2, op: null });
    expect(sentOfType(ctx.drain(), 'append').map((s) => s.to)).toEqual([1, 2, 3, 4]);
  });

  it('ignores votes from an older term', () => {
    const { node } = makeNode({ id: 0, term: 1, options: { preVote: false } });
    node.onTimer('election'); // term 2
    node.onTimer('election'); // term 3
    for (const p of [1, 2, 3]) node.onMessage(p, { type: 'vote-reply', term: 2, pre: false, granted: true });
    expect(node.role).toBe('candidate');
  });

  it('re-sends RequestVote to peers that have not granted, every heartbeat, while campaigning', () => {
    const { node, ctx } = makeNode({ id: 0, term: 1, options: { preVote: false } });
    node.onTimer('election');
    node.onMessage(1, { type: 'vote-reply', term: 2, pre: false, granted: true });
    ctx.drain();
    node.onTimer('heartbeat');
    expect(sentOfType(ctx.drain(), 'vote').map((s) => s.to)).toEqual([2, 3, 4]);
  });
});

describe('election timer (§5.2)', () => {
  it('a follower that keeps hearing from its leader never campaigns; one that stops hearing does, a timeout after the last contact', () => {
    const { node, ctx } = makeNode({ id: 1, term: 2, logTerms: [1, 2] });
    expect(ctx.timers.get('election')).toBe(150_000); // the low end of [150ms, 300ms] (lowRandom)
    const heartbeat = () => node.onMessage(0, { type: 'append', term: 2, prevIndex: 2, prevTerm: 2, entries: [], commit: 0 });
    ctx.nowUs = 100_000;
    heartbeat();
    ctx.nowUs = 150_000;
    node.onTimer('election'); // 50ms after the last contact: re-armed for the remaining 100ms
    expect(node.role).toBe('follower');
    expect(ctx.timers.get('election')).toBe(100_000);
    ctx.nowUs = 250_000;
    node.onTimer('election'); // silent for a full timeout
    expect(node.role).toBe('pre-candidate');
    expect(node.leader).toBe(-1);
  });
});

describe('PreVote (thesis §9.6)', () => {
  it('an election timeout starts a pre-vote for term+1 without changing the term or the vote', () => {
    const { node, ctx } = makeNode({ id: 0, term: 4, votedFor: 2, logTerms: [1, 4] });
    node.onTimer('election');
    expect(node.role).toBe('pre-candidate');
    expect(node.term).toBe(4);
    expect(node.votedFor).toBe(2);
    expect(ctx.storage.synced.get('raft:hs')).toEqual({ term: 4, votedFor: 2 });
    const votes = sentOfType(ctx.drain(), 'vote');
    expect(votes).toHaveLength(4);
    expect(votes[0].msg).toEqual({ type: 'vote', term: 5, pre: true, lastIndex: 2, lastTerm: 4 });
  });

  it('a majority of pre-votes makes it a candidate of term+1', () => {
    const { node } = makeNode({ id: 0, term: 4, logTerms: [1, 4] });
    node.onTimer('election');
    node.onMessage(1, { type: 'vote-reply', term: 5, pre: true, granted: true });
    expect(node.role).toBe('pre-candidate');
    node.onMessage(2, { type: 'vote-reply', term: 5, pre: true, granted: true });
    expect(node.role).toBe('candidate');
    expect(node.term).toBe(5);
  });

  const voterCases = [
    { name: 'grants when it has not heard from a leader and the log is up to date', heardLeaderAgoUs: undefined, req: { term: 5, lastIndex: 2, lastTerm: 4 }, granted: true },
    { name: 'refuses while it hears from a live leader (within the minimum election timeout)', heardLeaderAgoUs: 100_000, req: { term: 5, lastIndex: 2, lastTerm: 4 }, granted: false },
    { name: 'grants once the leader has been silent for the minimum election timeout', heardLeaderAgoUs: 150_000, req: { term: 5, lastIndex: 2, lastTerm: 4 }, granted: true },
    { name: 'refuses a candidate whose log is behind (§5.4.1)', heardLeaderAgoUs: undefined, req: { term: 5, lastIndex: 1, lastTerm: 1 }, granted: false },
    { name: 'refuses a proposed term that is not above its own', heardLeaderAgoUs: undefined, req: { term: 4, lastIndex: 2, lastTerm: 4 }, granted: false },
  ];
  it.each(voterCases)('a voter $name, and never changes its own state', ({ heardLeaderAgoUs, req, granted }) => {
    const { node, ctx } = makeNode({ id: 0, term: 4, votedFor: 3, logTerms: [1, 4] });
    if (heardLeaderAgoUs !== undefined) {
      node.onMessage(3, { type: 'append', term: 4, prevIndex: 2, prevTerm: 4, entries: [], commit: 0 });
      ctx.nowUs += heardLeaderAgoUs;
    }
    ctx.drain();
    node.onMessage(1, { type: 'vote', pre: true, ...req });
    const reply = sentOfType(ctx.drain(), 'vote-reply')[0].msg;
    expect(reply.granted).toBe(granted);
    expect(reply.pre).toBe(true);
    expect(node.term).toBe(4);
    expect(node.votedFor).toBe(3);
  });

  it('no-prevote: a timeout raises the term at once (no pre-vote round)', () => {
    const { node } = makeNode({ id: 0, term: 4, logTerms: [1, 4], bugs: ['no-prevote'] });
    node.onTimer('election');
    expect(node.role).toBe('candidate');
    expect(node.term).toBe(5);
  });
});

describe('CheckQuorum (thesis §6.2)', () => {
  it('a follower that hears from its leader ignores a higher-term RequestVote; no-prevote lets it depose the leader', () => {
    for (const bugs of [[], ['no-prevote']]) {
      const { node, ctx } = makeNode({ id: 0, term: 4, logTerms: [1, 4], bugs });
      node.onMessage(3, { type: 'append', term: 4, prevIndex: 2, prevTerm: 4, entries: [], commit: 0 });
      ctx.drain();
      ctx.nowUs += 50_000;
      node.onMessage(1, { type: 'vote', term: 9, pre: false, lastIndex: 2, lastTerm: 4 });
      if (bugs.length === 0) {
        expect(node.term).toBe(4);
        expect(ctx.drain()).toEqual([]);
      } else {
        expect(node.term).toBe(9);
        expect(sentOfType(ctx.drain(), 'vote-reply')[0].msg.granted).toBe(true);
      }
    }
  });

  it('a leader that heard from no majority during an election timeout steps down', () => {
    const { node, ctx } = makeNode({ id: 0, nodes: 5, term: 1, options: { preVote: false } });
    node.onTimer('election');
    for (const p of [1, 2]) node.onMessage(p, { type: 'vote-reply', term: 2, pre: false, granted: true });
    expect(node.role).toBe('leader');
    expect(ctx.timers.get('check-quorum')).toBe(300_000);
    node.onMessage(1, { type: 'append-reply', term: 2, success: true, prevIndex: 0, matchIndex: 1, conflictTerm: -1, conflictIndex: 0 });
    node.onMessage(2, { type: 'append-reply', term: 2, success: true, prevIndex: 0, matchIndex: 1, conflictTerm: -1, conflictIndex: 0 });
    node.onTimer('check-quorum');
    expect(node.role).toBe('leader'); // itself + two peers
    node.onMessage(1, { type: 'append-reply', term: 2, success: true, prevIndex: 1, matchIndex: 1, conflictTerm: -1, conflictIndex: 0 });
    node.onTimer('check-quorum');
    expect(node.role).toBe('follower'); // itself + one peer: no majority
    expect(node.term).toBe(2);
  });
});
