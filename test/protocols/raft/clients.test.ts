// The KV state machine, client sessions (thesis §6.3) and the client-facing rules (§8).
import { describe, expect, it } from 'vitest';
import { KvStore } from '../../../protocols/raft/kv.js';
import { raft } from '../../../protocols/raft/index.js';
import type { Entry } from '../../../protocols/raft/types.js';
import type { ClientRequest, Op } from '../../../sim/types.js';
import { electLeader, makeNode, sentOfType } from './fake-context.js';

const cmd = (clientId: number, seq: number, op: Op): Entry => Object.freeze({ term: 1, id: `c${clientId}:${seq}`, clientId, seq, op });
const req = (clientId: number, seq: number, op: Op): ClientRequest => ({ clientId, seq, op });

describe('KV state machine', () => {
  const cases: Array<{ name: string; ops: Op[]; last: unknown }> = [
    { name: 'get of an absent key is ok with undefined', ops: [{ f: 'get', key: 'a' }], last: { type: 'ok', value: undefined } },
    { name: 'put then get', ops: [{ f: 'put', key: 'a', value: 'v1' }, { f: 'get', key: 'a' }], last: { type: 'ok', value: 'v1' } },
    { name: 'append to an absent key starts from the empty string', ops: [{ f: 'append', key: 'a', value: '+1' }, { f: 'append', key: 'a', value: '+2' }, { f: 'get', key: 'a' }], last: { type: 'ok', value: '+1+2' } },
    { name: 'cas that matches swaps and answers ok true', ops: [{ f: 'put', key: 'a', value: 'v1' }, { f: 'cas', key: 'a', value: ['v1', 'v2'] }], last: { type: 'ok', value: true } },
    { name: 'cas that does not match fails and changes nothing', ops: [{ f: 'put', key: 'a', value: 'v1' }, { f: 'cas', key: 'a', value: ['v0', 'v2'] }], last: { type: 'fail', error: 'cas mismatch' } },
    { name: 'cas on an absent key fails', ops: [{ f: 'cas', key: 'a', value: ['v0', 'v2'] }], last: { type: 'fail', error: 'cas mismatch' } },
    { name: 'the swapped value is read back', ops: [{ f: 'put', key: 'a', value: 'v1' }, { f: 'cas', key: 'a', value: ['v1', 'v2'] }, { f: 'get', key: 'a' }], last: { type: 'ok', value: 'v2' } },
  ];
  it.each(cases)('$name', ({ ops, last }) => {
    const kv = new KvStore(true);
    let response;
    ops.forEach((op, i) => (response = kv.apply(cmd(1, i + 1, op))));
    expect(response).toEqual(last);
  });

  it('sessions apply each (client, seq) once and answer retries from the table; no-dedup applies twice', () => {
    for (const dedup of [true, false]) {
      const kv = new KvStore(dedup);
      const a = cmd(7, 1, { f: 'append', key: 'k', value: '+1' });
      expect(kv.apply(a)).toEqual({ type: 'ok' });
      expect(kv.apply(a)).toEqual({ type: 'ok' }); // the retry
      expect(kv.data.get('k')).toBe(dedup ? '+1' : '+1+1');
      const g = cmd(7, 2, { f: 'get', key: 'k' });
      const first = kv.apply(g);
      kv.apply(cmd(8, 1, { f: 'put', key: 'k', value: 'v9' }));
      // A retried get returns what the first application read (its linearization point).
      if (dedup) expect(kv.apply(g)).toEqual(first);
      // An older seq of a client that has moved on is stale: not applied, not answered.
      if (dedup) expect(kv.apply(cmd(7, 1, { f: 'append', key: 'k', value: '+1' }))).toBeUndefined();
    }
  });
});

describe('client requests at the leader (§8)', () => {
  it('a follower redirects to the leader it knows, or without a hint', () => {
    const { node, ctx } = makeNode({ id: 1, term: 2, logTerms: [1] });
    node.onRequest(req(9, 1, { f: 'get', key: 'k' }));
    expect(ctx.replies[0].response).toEqual({ type: 'redirect' });
    node.onMessage(3, { type: 'append', term: 2, prevIndex: 1, prevTerm: 1, entries: [], commit: 0 });
    node.onRequest(req(9, 1, { f: 'get', key: 'k' }));
    expect(ctx.replies[1].response).toEqual({ type: 'redirect', leader: 3 });
  });

  it('answers only once the entry is committed and applied; reads go through the log', () => {
    const { node, ctx } = makeNode({ id: 0, nodes: 3, term: 1 });
    electLeader(node, ctx);
    const noop = node.lastIndex;
    node.onMessage(1, { type: 'append-reply', term: 2, success: true, prevIndex: 0, matchIndex: noop, conflictTerm: -1, conflictIndex: 0 });
    expect(node.commitIndex).toBe(noop);
    ctx.drain();
    const r = req(9, 1, { f: 'get', key: 'k' });
    node.onRequest(r);
    expect(node.lastIndex).toBe(noop + 1); // the read is in the log
    expect(ctx.replies).toEqual([]);
    // It went at once to n2, which is caught up; n3 has not answered yet, so it is probed
    // (one AppendEntries at a time) and gets it with the next heartbeat.
    expect(sentOfType(ctx.drain(), 'append').map((s) => [s.to, s.msg.entries.length])).toEqual([[1, 1]]);
    node.onTimer('heartbeat');
    expect(sentOfType(ctx.drain(), 'append').map((s) => [s.to, s.msg.prevIndex, s.msg.entries.length])).toEqual([[1, noop + 1, 0], [2, noop - 1, 2]]);
    node.onMessage(2, { type: 'append-reply', term: 2, success: true, prevIndex: noop, matchIndex: noop + 1, conflictTerm: -1, conflictIndex: 0 });
    expect(ctx.replies).toEqual([{ req: r, response: { type: 'ok', value: undefined } }]);
  });

  it('a retry of a pending command does not append it twice; the answer goes to the latest attempt', () => {
    const { node, ctx } = makeNode({ id: 0, nodes: 3, term: 1 });
    electLeader(node, ctx);
    const first = req(9, 1, { f: 'append', key: 'k', value: '+1' });
    const retry = req(9, 1, { f: 'append', key: 'k', value: '+1' });
    node.onRequest(first);
    const index = node.lastIndex;
    node.onRequest(retry);
    expect(node.lastIndex).toBe(index);
    node.onMessage(1, { type: 'append-reply', term: 2, success: true, prevIndex: 0, matchIndex: index, conflictTerm: -1, conflictIndex: 0 });
    expect(ctx.replies).toEqual([{ req: retry, response: { type: 'ok' } }]);
    // A retry after it was applied is answered from the session table, without a new entry.
    node.onRequest(first);
    expect(node.lastIndex).toBe(index);
    expect(ctx.replies[1]).toEqual({ req: first, response: { type: 'ok' } });
  });

  it('no-dedup: a retry after the command was applied is appended and applied again', () => {
    for (const bugs of [[], ['no-dedup']]) {
      const { node, ctx } = makeNode({ id: 0, nodes: 1, term: 1, bugs });
      electLeader(node, ctx); // one node: every entry commits at once
      const r = req(9, 1, { f: 'append', key: 'k', value: '+1' });
      node.onRequest(r);
      node.onRequest(r); // the reply was lost; the client retries
      expect(node.kv.data.get('k')).toBe(bugs.length === 0 ? '+1' : '+1+1');
      expect(ctx.replies.map((x) => x.response)).toEqual([{ type: 'ok' }, { type: 'ok' }]);
    }
  });

  it('local-read: the variant answers a get from its own state, without the log', () => {
    for (const bugs of [[], ['local-read']]) {
      const { node, ctx } = makeNode({ id: 0, nodes: 3, term: 1, bugs });
      electLeader(node, ctx);
      const before = node.lastIndex;
      node.onRequest(req(9, 1, { f: 'get', key: 'k' }));
      expect(node.lastIndex).toBe(bugs.length === 0 ? before + 1 : before);
      expect(ctx.replies.length).toBe(bugs.length === 0 ? 0 : 1);
    }
  });

  it('pending requests are dropped on step-down (the client times out and retries elsewhere)', () => {
    const { node, ctx } = makeNode({ id: 0, nodes: 3, term: 1 });
    electLeader(node, ctx);
    node.onRequest(req(9, 1, { f: 'put', key: 'k', value: 'v1' }));
    node.onMessage(1, { type: 'append', term: 5, prevIndex: 0, prevTerm: 0, entries: [], commit: 0 });
    expect(node.role).toBe('follower');
    expect(ctx.replies).toEqual([]);
  });
});

describe('what Raft declares', () => {
  it('one role (server), the shared kv workload, and histories checked against the kv model', () => {
    expect(raft.model).toBe('kv');
    expect(raft.workload).toBe('kv');
    expect(raft.roles?.map((r) => r.name)).toEqual(['server']);
    expect(raft.createClient).toBeUndefined();
  });
});
