// Each lock check on hand-built notes: it passes the good sequence and names the bad one.
import { describe, expect, it } from 'vitest';
import { LockLiveness, OneHolder, ResourceExclusion } from '../../../protocols/lock/checkers.js';
import { NOTE } from '../../../protocols/lock/types.js';
import type { ClusterView, Note } from '../../../sim/types.js';

/** Two servers (n1, n2): endpoint 2 is c1, 3 is c2, 4 is c3. */
const view = { nodeCount: 2 } as ClusterView<unknown>;
const note = (node: number, kind: string, timeUs: number, data: Record<string, unknown>): Note => ({ node, kind, timeUs, data });
const write = (timeUs: number, client: string, grant: string, token: number | null, accepted = true) => note(1, NOTE.write, timeUs, { grant, client, token, step: 0, accepted });

function feed(check: { onNote?(n: Note, v: ClusterView<unknown>): string | undefined | void }, notes: Note[]): Array<string | undefined> {
  return notes.map((n) => check.onNote!(n, view) ?? undefined);
}

describe('resource-exclusion', () => {
  it('passes critical sections one after another with growing tokens, and ignores refused writes', () => {
    const out = feed(new ResourceExclusion(), [write(1, 'c1', 'a', 1), write(2, 'c1', 'a', 1), write(3, 'c2', 'b', 2), write(4, 'c1', 'a', 1, false), write(5, 'c2', 'b', 2)]);
    expect(out.every((m) => m === undefined)).toBe(true);
  });

  it('catches a stale token (Kleppmann: 33 after 34)', () => {
    const out = feed(new ResourceExclusion(), [write(1, 'c2', 'b', 34), write(2, 'c1', 'a', 33)]);
    expect(out[1]).toBe("resource corrupted: it accepted c1's write (token 33, step 0) after a write with token 34: a stale holder wrote (accepted tokens must increase)");
  });

  it('catches interleaved critical sections without tokens', () => {
    const out = feed(new ResourceExclusion(), [write(1, 'c1', 'a', null), write(2, 'c2', 'b', null), write(3, 'c1', 'a', null)]);
    expect(out.slice(0, 2)).toEqual([undefined, undefined]);
    expect(out[2]).toMatch(/^resource corrupted: c1's critical section \(grant a, no token\) wrote again after c2's \(grant b, no token\) had begun/);
  });
});

describe('one-holder', () => {
  const req = (node: number, t: number, grant: string) => note(node, NOTE.request, t, { grant });
  const held = (node: number, t: number, grant: string, validUs: number, basis = 0) => note(node, NOTE.held, t, { grant, token: null, validUs, basis });
  const released = (node: number, t: number, grant: string) => note(node, NOTE.released, t, { grant, why: 'done' });

  it('passes a hold that ends (release or validity) before the next grant', () => {
    const out = feed(new OneHolder(), [req(2, 0, 'a'), held(2, 10, 'a', 100), released(2, 50, 'a'), req(3, 60, 'b'), held(3, 70, 'b', 100), req(4, 100, 'c'), held(4, 171, 'c', 100)]);
    expect(out.every((m) => m === undefined)).toBe(true);
  });

  it('catches a grant while another hold is valid, counting validity from the request, not the grant', () => {
    const out = feed(new OneHolder(), [req(2, 0, 'a'), held(2, 10, 'a', 100), req(3, 60, 'b'), held(3, 99, 'b', 100)]);
    expect(out[3]).toBe("two holders at once: c2 got the lock (grant b) at 99us while c1's hold (grant a, since 10us) is valid until 100us");
  });

  it('a renewal extends the hold from its own request', () => {
    const renewReq = note(2, NOTE.renewRequest, 80, { grant: 'a' });
    const renewed = note(2, NOTE.renewed, 85, { grant: 'a', validUs: 100, basis: 1 });
    const out = feed(new OneHolder(), [req(2, 0, 'a'), held(2, 10, 'a', 100), renewReq, renewed, req(3, 150, 'b'), held(3, 170, 'b', 100)]);
    expect(out[5]).toMatch(/is valid until 180us$/);
  });

  it('a grant that arrives after its own validity holds nothing', () => {
    const out = feed(new OneHolder(), [req(2, 0, 'a'), held(2, 10, 'a', 100), req(3, 0, 'b'), held(3, 150, 'b', 100), req(4, 100, 'c')]);
    expect(out.every((m) => m === undefined)).toBe(true);
  });
});

describe('lock-liveness', () => {
  const info = (livenessStartUs: number, endUs: number) => ({ livenessStartUs, endUs, history: [] });

  it('passes when every client that asks after faults stop holds the lock within the bound', () => {
    const l = new LockLiveness(1_000);
    feed(l, [note(2, NOTE.request, 5_100, { grant: 'a' }), note(2, NOTE.held, 5_900, { grant: 'a', validUs: 100 })]);
    expect(l.atEnd(view, info(5_000, 10_000))).toBeUndefined();
  });

  it('names a client left waiting; requests too near the end are not judged', () => {
    const l = new LockLiveness(1_000);
    feed(l, [note(2, NOTE.request, 5_100, { grant: 'a' }), note(3, NOTE.request, 9_500, { grant: 'b' })]);
    expect(l.atEnd(view, info(5_000, 10_000))).toBe('no lock within 1ms of asking after faults stopped at 5ms: c1 (asking since 5100us)');
  });
});

describe("Raft's invariants on the lock servers (lock-lease, lock-zk)", () => {
  it('see the lock servers only: election-safety catches two leaders of one term, and client notes never reach it', async () => {
    const { raftPeerInvariants } = await import('../../../protocols/lock/raft-checks.js');
    const { defaultRaftOptions } = await import('../../../protocols/raft/options.js');
    const lockView = { nodeCount: 4, nodesWith: (role: string) => (role === 'lock-server' ? [0, 1, 2] : [3]), actor: () => undefined } as unknown as ClusterView<unknown>;
    const safety = raftPeerInvariants(defaultRaftOptions).find((i) => i.name === 'election-safety')!;
    expect(safety.onNote!(note(0, 'become-leader', 1, { term: 1 }), lockView)).toBeUndefined();
    expect(safety.onNote!(note(5, 'become-leader', 2, { term: 1 }), lockView)).toBeUndefined();
    expect(safety.onNote!(note(1, 'become-leader', 3, { term: 1 }), lockView)).toMatch(/term 1/);
  });
  it("pass the kernel's changedNode through to the peers: a lock server's own, -1 for the resource's, undefined stays any", async () => {
    const { raftPeerInvariants } = await import('../../../protocols/lock/raft-checks.js');
    const { defaultRaftOptions } = await import('../../../protocols/raft/options.js');
    const servers = [0, 1, 2].map(() => ({ raft: { commitIndex: 5, lastApplied: 5 } }));
    const lockView = {
      nodeCount: 4,
      changedNode: undefined as number | undefined,
      nodesWith: (role: string) => (role === 'lock-server' ? [0, 1, 2] : [3]),
      actor: (n: number) => servers[n] ?? { resource: true },
    };
    const view = lockView as unknown as ClusterView<unknown>;
    const monotonic = raftPeerInvariants(defaultRaftOptions).find((i) => i.name === 'monotonic-commit')!;
    expect(monotonic.afterEvent!(view)).toBeUndefined();
    // n2's commit index goes down (a bug); an event of the resource (node 3) changed no peer: not looked at.
    servers[1].raft.commitIndex = 3;
    lockView.changedNode = 3;
    expect(monotonic.afterEvent!(view)).toBeUndefined();
    lockView.changedNode = 0;
    expect(monotonic.afterEvent!(view)).toBeUndefined();
    lockView.changedNode = 1;
    expect(monotonic.afterEvent!(view)).toBe("n2's commitIndex went from 5 down to 3, within one incarnation");
    // Any node: every peer is read.
    servers[1].raft.commitIndex = 5;
    servers[2].raft.commitIndex = 4;
    lockView.changedNode = undefined;
    expect(monotonic.afterEvent!(view)).toMatch(/^n3's commitIndex went from 5 down to 4/);
  });
  it('declare the note kinds of the Raft invariants they wrap (without them the kernel hands them, and builds, every note)', async () => {
    const { raftPeerInvariants } = await import('../../../protocols/lock/raft-checks.js');
    const { raftInvariants } = await import('../../../protocols/raft/invariants.js');
    const { defaultRaftOptions } = await import('../../../protocols/raft/options.js');
    const inner = raftInvariants(defaultRaftOptions);
    const wrapped = raftPeerInvariants(defaultRaftOptions);
    expect(wrapped.map((i) => i.name)).toEqual(inner.map((i) => i.name));
    expect(inner.some((i) => i.notes !== undefined)).toBe(true);
    for (const [k, i] of inner.entries()) expect(wrapped[k].notes).toEqual(i.notes);
  });
});
