// Log replication and commitment, driven handler by handler (Raft paper §5.3, §5.4.2).
import { describe, expect, it } from 'vitest';
import type { RaftNode } from '../../../protocols/raft/node.js';
import type { AppendMsg, RaftMsg } from '../../../protocols/raft/types.js';
import { entry, electLeader, type FakeContext, makeNode, noopEntry, sentOfType } from './fake-context.js';

const terms = (node: RaftNode): number[] => node.log.slice(1).map((e) => e.term);

function append(m: Partial<AppendMsg> & Pick<AppendMsg, 'term' | 'prevIndex' | 'prevTerm'>): AppendMsg {
  return { type: 'append', entries: [], commit: 0, ...m };
}

describe('AppendEntries consistency check (§5.3)', () => {
  // The follower is n2 (id 1) with log terms [1, 1, 2, 2, 2, 3] (Figure 7-like), term 3.
  const base = [1, 1, 2, 2, 2, 3];
  const cases = [
    {
      name: 'prevIndex beyond the log: reject, conflictIndex = lastIndex + 1, no conflict term',
      msg: append({ term: 3, prevIndex: 8, prevTerm: 3 }),
      success: false, conflictTerm: -1, conflictIndex: 7, log: base,
    },
    {
      name: 'term mismatch at prevIndex: reject, naming that term and its first index (fast backup)',
      msg: append({ term: 4, prevIndex: 5, prevTerm: 4 }),
      success: false, conflictTerm: 2, conflictIndex: 3, log: base,
    },
    {
      name: 'match: append new entries after prevIndex',
      msg: append({ term: 3, prevIndex: 6, prevTerm: 3, entries: [entry(3, 7), entry(3, 8)] }),
      success: true, matchIndex: 8, log: [...base, 3, 3],
    },
    {
      name: 'conflict inside the batch: truncate from the first conflicting index, then append',
      msg: append({ term: 4, prevIndex: 2, prevTerm: 1, entries: [entry(2, 3), entry(4, 4)] }),
      success: true, matchIndex: 4, log: [1, 1, 2, 4],
    },
    {
      name: 'an old or duplicated request that matches never truncates what follows (§5.3)',
      msg: append({ term: 3, prevIndex: 2, prevTerm: 1, entries: [entry(2, 3)] }),
      success: true, matchIndex: 3, log: base,
    },
    {
      name: 'a heartbeat that matches: success, matchIndex = prevIndex (not lastIndex)',
      msg: append({ term: 3, prevIndex: 4, prevTerm: 2 }),
      success: true, matchIndex: 4, log: base,
    },
    {
      name: 'a stale leader: reject with our term, change nothing',
      msg: append({ term: 2, prevIndex: 6, prevTerm: 3, entries: [entry(2, 7)] }),
      success: false, conflictTerm: -1, conflictIndex: 0, log: base,
    },
  ];
  it.each(cases)('$name', (c) => {
    const { node, ctx } = makeNode({ id: 1, term: 3, logTerms: base });
    const syncsBefore = ctx.storage.syncs;
    node.onMessage(0, c.msg);
    const [reply] = sentOfType(ctx.drain(), 'append-reply');
    expect(reply.to).toBe(0);
    expect(reply.msg.success).toBe(c.success);
    expect(reply.msg.term).toBe(Math.max(3, c.msg.term));
    expect(reply.msg.prevIndex).toBe(c.msg.prevIndex);
    if (c.success) expect(reply.msg.matchIndex).toBe(c.matchIndex);
    else {
      expect(reply.msg.conflictTerm).toBe(c.conflictTerm);
      expect(reply.msg.conflictIndex).toBe(c.conflictIndex);
    }
    expect(terms(node)).toEqual(c.log);
    // What the node holds is what storage holds, and it was synced before the reply.
    expect(reply.unsyncedBefore).toBe(0);
    expect(ctx.storage.syncedLog.length).toBe(c.log.length);
    c.log.forEach((t, i) => expect((ctx.storage.syncedLog[i] as { term: number }).term).toBe(t));
    if (c.success && JSON.stringify(c.log) !== JSON.stringify(base)) expect(reply.syncsBefore).toBeGreaterThan(syncsBefore);
  });

  it('commitIndex follows leaderCommit but never past the last entry this request proved (§5.3)', () => {
    const { node, ctx } = makeNode({ id: 1, term: 3, logTerms: [1, 1, 2, 2, 2, 3] });
    // Entries 5-6 may differ from the leader's: only up to prevIndex + entries is known to match.
    node.onMessage(0, append({ term: 3, prevIndex: 4, prevTerm: 2, commit: 6 }));
    expect(node.commitIndex).toBe(4);
    expect(ctx.notes.filter((n) => n.kind === 'apply').map((n) => n.data.index)).toEqual([1, 2, 3, 4]);
    node.onMessage(0, append({ term: 3, prevIndex: 6, prevTerm: 3, commit: 6 }));
    expect(node.commitIndex).toBe(6);
  });

  it('ack-before-persist: the acknowledgement leaves before the entries are synced; the fsync timer syncs later', () => {
    const { node, ctx } = makeNode({ id: 1, term: 3, logTerms: [1], bugs: ['ack-before-persist'] });
    expect(ctx.timers.get('fsync')).toBe(100_000);
    node.onMessage(0, append({ term: 3, prevIndex: 1, prevTerm: 1, entries: [entry(3, 2)] }));
    const [reply] = sentOfType(ctx.drain(), 'append-reply');
    expect(reply.msg).toMatchObject({ success: true, matchIndex: 2 });
    expect(reply.unsyncedBefore).toBeGreaterThan(0);
    expect(ctx.storage.syncedLog.length).toBe(1);
    node.onTimer('fsync');
    expect(ctx.storage.syncedLog.length).toBe(2);
  });
});

/** Deliver messages between the leader (id 0) and one follower (id 1) until quiet; count the follower's rejections. */
function exchange(leader: RaftNode, lctx: FakeContext, follower: RaftNode, fctx: FakeContext): number {
  let rejections = 0;
  for (let round = 0; round < 100; round++) {
    const toFollower = lctx.drain().filter((s) => s.to === 1);
    const toLeader = fctx.drain().filter((s) => s.to === 0);
    if (toFollower.length === 0 && toLeader.length === 0) return rejections;
    for (const s of toFollower) follower.onMessage(0, s.msg);
    for (const s of toLeader) {
      if (s.msg.type === 'append-reply' && !s.msg.success) rejections++;
      leader.onMessage(1, s.msg);
    }
  }
  throw new Error('no quiescence after 100 rounds');
}

describe('fast backup: conflict term and index in rejections (§5.3, end)', () => {
  // Figure 7: the leader of term 8 has terms [1,1,1,4,4,5,5,6,6,6]; each follower (a)-(f)
  // converges to it. Naive backup needs one round trip per entry; fast backup one per term.
  const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  const cases = [
    { name: '(a) one entry missing', follower: [1, 1, 1, 4, 4, 5, 5, 6, 6], rejections: 1 },
    { name: '(b) many entries missing', follower: [1, 1, 1, 4], rejections: 1 },
    { name: '(c) one extra entry of term 6', follower: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6], rejections: 0 },
    { name: '(d) extra entries of term 7', follower: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7], rejections: 0 },
    { name: '(e) missing entries and extra entries of term 4', follower: [1, 1, 1, 4, 4, 4, 4], rejections: 2 },
    { name: '(f) extra entries of terms 2 and 3', follower: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3], rejections: 2 },
  ];
  it.each(cases)('$name converges in $rejections rejection(s)', ({ follower: flog, rejections }) => {
    const { node: leader, ctx: lctx } = makeNode({ id: 0, term: 7, logTerms: leaderLog });
    electLeader(leader, lctx);
    expect(leader.term).toBe(8);
    const { node: follower, ctx: fctx } = makeNode({ id: 1, term: 7, logTerms: flog });
    // Deliver the leader's first AppendEntries (its no-op) and everything that follows.
    expect(exchange(leader, lctx, follower, fctx)).toBe(rejections);
    expect(terms(follower)).toEqual([...leaderLog, 8]);
    expect(leader.matchIndex[1]).toBe(11);
    expect(follower.log.map((e) => e.id)).toEqual(leader.log.map((e) => e.id));
  });

  it('the leader skips the follower\'s whole conflicting term, or to just after its own last entry of that term', () => {
    const { node: leader, ctx } = makeNode({ id: 0, term: 7, logTerms: leaderLog });
    electLeader(leader, ctx);
    ctx.drain();
    const reject = (conflictTerm: number, conflictIndex: number): RaftMsg => ({
      type: 'append-reply', term: 8, success: false, prevIndex: 10, matchIndex: 0, conflictTerm, conflictIndex,
    });
    leader.onMessage(1, reject(3, 7)); // the leader has no term 3: go to the follower's first index of it
    expect(sentOfType(ctx.drain(), 'append')[0].msg.prevIndex).toBe(6);
    leader.onMessage(2, reject(4, 4)); // the leader's last term-4 entry is 5: resend from 6
    expect(sentOfType(ctx.drain(), 'append')[0].msg.prevIndex).toBe(5);
    leader.onMessage(3, reject(-1, 3)); // the follower's log ends at 2
    expect(sentOfType(ctx.drain(), 'append')[0].msg.prevIndex).toBe(2);
  });
});

describe('commitment (§5.3, §5.4.2)', () => {
  // Leader n1 of 5 elected in term 3 over log terms [1, 2, 2]; its no-op is entry 4 (term 3).
  function leaderOfTerm3(bugs: string[] = []) {
    const { node, ctx } = makeNode({ id: 0, term: 2, logTerms: [1, 2, 2], bugs });
    electLeader(node, ctx);
    ctx.drain();
    ctx.notes = [];
    const ack = (from: number, matchIndex: number) =>
      node.onMessage(from, { type: 'append-reply', term: 3, success: true, prevIndex: matchIndex, matchIndex, conflictTerm: -1, conflictIndex: 0 });
    return { node, ctx, ack };
  }

  it('an entry of an earlier term is not committed by counting replicas (Figure 8)', () => {
    const { node, ctx, ack } = leaderOfTerm3();
    ack(1, 3);
    ack(2, 3); // entry 3 (term 2) is on n1, n2, n3: a majority
    expect(node.commitIndex).toBe(0);
    expect(ctx.notes.filter((n) => n.kind === 'commit')).toEqual([]);
    ack(1, 4);
    ack(2, 4); // the term-3 no-op on a majority commits it and everything before it
    expect(node.commitIndex).toBe(4);
    expect(ctx.notes.filter((n) => n.kind === 'commit').map((n) => n.data)).toEqual([
      { index: 1, term: 1 },
      { index: 2, term: 2 },
      { index: 3, term: 2 },
      { index: 4, term: 3 },
    ]);
  });

  it('figure-8: the variant commits the earlier-term entry as soon as a majority holds it', () => {
    const { node, ctx, ack } = leaderOfTerm3(['figure-8']);
    ack(1, 3);
    expect(node.commitIndex).toBe(0); // two of five
    ack(2, 3);
    expect(node.commitIndex).toBe(3);
    expect(ctx.notes.filter((n) => n.kind === 'commit').map((n) => n.data.index)).toEqual([1, 2, 3]);
  });

  it('needs a majority of the cluster, counting the leader itself', () => {
    const { node, ack } = leaderOfTerm3();
    ack(1, 4);
    expect(node.commitIndex).toBe(0);
    ack(1, 4); // a duplicate ack counts once
    expect(node.commitIndex).toBe(0);
    ack(4, 4);
    expect(node.commitIndex).toBe(4);
  });

  it('the leader writes its own entries durably before counting itself', () => {
    const { node, ctx } = makeNode({ id: 0, term: 2, logTerms: [1] });
    electLeader(node, ctx);
    expect(ctx.storage.unsyncedCount).toBe(0);
    expect(ctx.storage.syncedLog[node.lastIndex - 1]).toEqual(noopEntry(3));
  });
});
