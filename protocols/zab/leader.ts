// The leader's side of phases 1-3 (DSN 2011 §IV-B, Algorithms 2 and 3; Medeiros 2012 §3):
//   discovery  gather CEPOCH from a quorum, propose NEWEPOCH above every acceptedEpoch
//              reported (and accept it ourselves, durably), gather ACK-E from a quorum and
//              adopt the most up-to-date history among them, by (currentEpoch, last zxid);
//   sync       per follower a SYNC (DIFF, TRUNC or SNAP: ./sync.ts) then NEWLEADER; once a
//              quorum has ACK-LD the leader is established: everything in its history is
//              committed and delivered, COMMIT-LD goes out;
//   broadcast  PROPOSE each client command with the next zxid (epoch, counter), logged here
//              first; commit in zxid order once a quorum holds it (cumulative ACKs); COMMIT.
// Late followers (a restart, a healed partition) go through the same handshake while the
// leader broadcasts. Every tick the leader re-sends what a follower has not acknowledged and
// pings; without a quorum heard from within syncLimitUs (or not established within
// initLimitUs) it steps down.
import type { ClientRequest, ClientResponse, NodeId } from '../../sim/types.js';
import type { ZabNode } from './node.js';
import { adoptNote, leaderNote, newEpochNote, proposeNote, sessionNote, syncNote } from './notes.js';
import { countUpTo, snapPlan, syncPlan, type SyncPlan } from './sync.js';
import { counterOf, epochOf, type MsgOf, type Txn, zxid, zxidText, type ZabSnapshot } from './types.js';

function syncMsg(epoch: number, forZxid: number, plan: SyncPlan): MsgOf<'SYNC'> {
  const m = { type: 'SYNC', epoch, mode: plan.mode, forZxid, truncTo: plan.truncTo, txns: plan.txns } as const;
  return plan.snap === undefined ? m : { ...m, snap: plan.snap };
}

type Stage = 'cepoch' | 'epoch' | 'acked-e' | 'syncing' | 'ackld' | 'active';

interface Peer {
  stage: Stage;
  acceptedEpoch: number;
  /** ACK-E's report, until the peer is synced. */
  currentEpoch: number;
  history: readonly Txn[] | undefined;
  /** ACK-E's snapshot (the history is the log above it). */
  snap: ZabSnapshot | undefined;
  /** The last zxid the peer holds (ACK-LD, ACK). */
  acked: number;
  ackedAtLastTick: number;
  lastHeardUs: number;
  sync: MsgOf<'SYNC'> | undefined;
  newLeader: MsgOf<'NEWLEADER'> | undefined;
}

export type LeaderPhase = 'discovery' | 'sync' | 'broadcast';

export class Leading {
  phase: LeaderPhase = 'discovery';
  /** The new epoch (0 until a quorum of CEPOCH decided it). */
  epoch = 0;
  committed = 0;
  readonly peers = new Map<NodeId, Peer>();
  private readonly startedUs: number;
  private nextCounter = 1;
  private readonly pending = new Map<number, ClientRequest>();
  private readonly pendingByClient = new Map<number, number>();
  /** Session -> when the leader last heard from it (local clock). */
  private readonly lastSeen = new Map<number, number>();
  private readonly closing = new Set<number>();
  private establishedUs = 0;

  constructor(private readonly node: ZabNode) {
    this.startedUs = node.elapsedUs();
  }

  get established(): boolean {
    return this.phase === 'broadcast';
  }

  private peer(from: NodeId): Peer {
    let p = this.peers.get(from);
    if (p === undefined) {
      p = { stage: 'cepoch', acceptedEpoch: 0, currentEpoch: 0, history: undefined, snap: undefined, acked: 0, ackedAtLastTick: -1, lastHeardUs: this.node.elapsedUs(), sync: undefined, newLeader: undefined };
      this.peers.set(from, p);
    }
    return p;
  }

  private count(stages: readonly Stage[]): number {
    let n = 1; // ourselves
    for (const p of this.peers.values()) if (stages.includes(p.stage)) n++;
    return n;
  }

  // -------------------------------------------------------------------------------------
  // Phase 1: discovery

  onCepoch(from: NodeId, m: MsgOf<'CEPOCH'>): void {
    const ctx = this.node.ctx;
    const p = this.peer(from);
    // A (re)registration starts the handshake over, whatever the peer was.
    p.stage = 'cepoch';
    p.acceptedEpoch = m.acceptedEpoch;
    p.history = undefined;
    p.snap = undefined;
    p.acked = 0;
    p.lastHeardUs = this.node.elapsedUs();
    if (this.epoch > 0) {
      p.stage = 'epoch';
      ctx.send(from, { type: 'NEWEPOCH', epoch: this.epoch });
      return;
    }
    if (this.count(['cepoch']) < this.node.quorum) return;
    let max = this.node.durable.acceptedEpoch;
    for (const q of this.peers.values()) if (q.stage === 'cepoch' && q.acceptedEpoch > max) max = q.acceptedEpoch;
    this.epoch = max + 1;
    // Our own acceptance of the new epoch, durable before anyone hears of it.
    this.node.durable.setAcceptedEpoch(this.epoch, ctx.id);
    ctx.note('new-epoch', newEpochNote, this.epoch);
    for (const [n, q] of this.peers) {
      if (q.stage !== 'cepoch') continue;
      q.stage = 'epoch';
      ctx.send(n, { type: 'NEWEPOCH', epoch: this.epoch });
    }
  }

  onAckEpoch(from: NodeId, m: MsgOf<'ACK-E'>): void {
    const p = this.peers.get(from);
    if (p === undefined || p.stage !== 'epoch' || m.epoch !== this.epoch) return;
    p.stage = 'acked-e';
    p.currentEpoch = m.currentEpoch;
    p.history = m.history;
    p.snap = m.snap;
    p.lastHeardUs = this.node.elapsedUs();
    if (this.phase !== 'discovery') {
      this.startSync(from, p);
      return;
    }
    if (this.count(['acked-e']) < this.node.quorum) return;
    this.adopt();
    this.phase = 'sync';
    for (const [n, q] of this.peers) if (q.stage === 'acked-e') this.startSync(n, q);
    if (this.count(['ackld']) >= this.node.quorum) this.establish();
  }

  /** Take the most up-to-date history of the quorum, by (currentEpoch, last zxid), as ours; then the new epoch is current. */
  private adopt(): void {
    const d = this.node.durable;
    let bestEpoch = d.currentEpoch;
    let bestZxid = d.lastZxid();
    let best: Peer | undefined;
    let from = this.node.ctx.id;
    for (const [n, q] of this.peers) {
      if (q.stage !== 'acked-e' || q.history === undefined) continue;
      const last = q.history.length === 0 ? (q.snap?.zxid ?? 0) : q.history[q.history.length - 1].zxid;
      if (q.currentEpoch > bestEpoch || (q.currentEpoch === bestEpoch && last > bestZxid)) {
        bestEpoch = q.currentEpoch;
        bestZxid = last;
        best = q;
        from = n;
      }
    }
    if (best !== undefined) this.node.replaceHistory(best.snap, best.history!);
    d.save();
    d.setCurrentEpoch(this.epoch);
    this.node.ctx.note('adopt', adoptNote, this.epoch, from, d.lastZxid(), d.length);
  }

  // -------------------------------------------------------------------------------------
  // Phase 2: synchronisation

  private startSync(n: NodeId, p: Peer): void {
    const ctx = this.node.ctx;
    const d = this.node.durable;
    const theirs = p.history ?? [];
    const forZxid = theirs.length === 0 ? (p.snap?.zxid ?? 0) : theirs[theirs.length - 1].zxid;
    const plan = syncPlan(d.history, forZxid, this.node.opts.diffWindow, ctx.bug('diff-without-trunc'), d.snapshot);
    p.history = undefined;
    p.snap = undefined;
    p.stage = 'syncing';
    const last = this.node.durable.lastZxid();
    p.sync = syncMsg(this.epoch, forZxid, plan);
    p.newLeader = { type: 'NEWLEADER', epoch: this.epoch, zxid: last };
    ctx.note('sync', syncNote, plan, n, forZxid, last);
    ctx.send(n, p.sync);
    ctx.send(n, p.newLeader);
  }

  onAckLeader(from: NodeId, m: MsgOf<'ACK-LD'>): void {
    const p = this.peers.get(from);
    if (p === undefined || m.epoch !== this.epoch) return;
    p.lastHeardUs = this.node.elapsedUs();
    if (p.stage === 'active') {
      // Our COMMIT-LD was lost: again.
      this.node.ctx.send(from, { type: 'COMMIT-LD', epoch: this.epoch, committed: this.committed });
      return;
    }
    if (p.stage !== 'syncing') return;
    p.stage = 'ackld';
    p.acked = m.zxid;
    p.sync = p.newLeader = undefined;
    if (this.phase === 'broadcast') this.activate(from, p);
    else if (this.phase === 'sync' && this.count(['ackld']) >= this.node.quorum) this.establish();
  }

  /** A quorum took our history: it is committed. Deliver it, tell the followers, serve clients. */
  private establish(): void {
    const node = this.node;
    const ctx = node.ctx;
    this.phase = 'broadcast';
    this.establishedUs = this.node.elapsedUs();
    const last = node.durable.lastZxid();
    this.committed = last;
    // New proposals count from 1 in the new epoch (above any of ours in it, should a bug have reused the epoch).
    this.nextCounter = (epochOf(last) === this.epoch ? counterOf(last) : 0) + 1;
    ctx.note('become-leader', leaderNote, this.epoch, last);
    node.noteRole();
    node.deliver(last);
    for (const [n, p] of this.peers) if (p.stage === 'ackld') this.activate(n, p);
    for (const session of node.tree.ephemerals.keys()) this.lastSeen.set(session, this.establishedUs);
  }

  private activate(n: NodeId, p: Peer): void {
    p.stage = 'active';
    p.ackedAtLastTick = -1;
    this.node.ctx.send(n, { type: 'COMMIT-LD', epoch: this.epoch, committed: this.committed });
  }

  // -------------------------------------------------------------------------------------
  // Phase 3: broadcast

  private propose(t: Txn): void {
    const d = this.node.durable;
    const prev = d.lastZxid();
    d.append(t);
    d.save(); // logged (our own ACK) before it leaves
    this.node.ctx.note('propose', proposeNote, t.zxid, t.id);
    const m: MsgOf<'PROPOSE'> = { type: 'PROPOSE', epoch: this.epoch, prev, txns: [t] };
    for (const [n, p] of this.peers) if (p.stage === 'active' && !this.node.ctx.buggify('drop-propose')) this.node.ctx.send(n, m);
    this.tryCommit();
  }

  onAck(from: NodeId, m: MsgOf<'ACK'>): void {
    const p = this.peers.get(from);
    if (p === undefined || m.epoch !== this.epoch) return;
    p.lastHeardUs = this.node.elapsedUs();
    if (p.stage === 'ackld' && this.phase === 'broadcast') this.activate(from, p);
    if (p.stage !== 'active') return;
    if (m.zxid > p.acked) p.acked = m.zxid;
    this.tryCommit();
  }

  /** tryCommit's scratch: the zxids held, highest first (its first entries only). */
  private readonly acks: number[] = [];

  /** Commit up to the highest zxid a quorum holds (our own log counts as held). */
  private tryCommit(): void {
    if (this.phase !== 'broadcast') return;
    // Highest first, by insertion into a kept array: Array.prototype.sort with a comparator
    // allocated its scratch on every ack (with the array, two thirds of a Zab run's garbage).
    const acks = this.acks;
    acks[0] = this.node.durable.lastZxid();
    let n = 1;
    for (const p of this.peers.values()) {
      if (p.stage !== 'active') continue;
      let i = n++;
      for (; i > 0 && acks[i - 1] < p.acked; i--) acks[i] = acks[i - 1];
      acks[i] = p.acked;
    }
    if (n < this.node.quorum) return;
    const z = acks[this.node.quorum - 1];
    if (z <= this.committed) return;
    this.committed = z;
    const m: MsgOf<'COMMIT'> = { type: 'COMMIT', epoch: this.epoch, zxid: z };
    for (const [n, p] of this.peers) if (p.stage === 'active') this.node.ctx.send(n, m);
    this.node.deliver(z);
  }

  /** A delivered client command: answer the client waiting for it. */
  delivered(t: Txn, response: ClientResponse | undefined): void {
    const req = this.pending.get(t.zxid);
    if (req === undefined) return;
    this.pending.delete(t.zxid);
    if (this.pendingByClient.get(req.clientId) === t.zxid) this.pendingByClient.delete(req.clientId);
    if (req.clientId === t.clientId && req.seq === t.seq && response !== undefined) this.node.ctx.reply(req, response);
  }

  onRequest(req: ClientRequest): void {
    const ctx = this.node.ctx;
    this.lastSeen.set(req.clientId, this.node.elapsedUs());
    const seen = this.node.tree.lookup(req.clientId, req.seq);
    if (seen === 'stale') return;
    if (seen !== undefined) {
      ctx.reply(req, seen);
      return;
    }
    const waiting = this.pendingByClient.get(req.clientId);
    if (waiting !== undefined) {
      const t = this.pending.get(waiting);
      if (t !== undefined && t.seq === req.seq) {
        this.pending.set(waiting, req);
        return;
      }
    }
    const z = zxid(this.epoch, this.nextCounter++);
    this.pending.set(z, req);
    this.pendingByClient.set(req.clientId, z);
    this.propose(Object.freeze({ zxid: z, id: `c${req.clientId}:${req.seq}`, clientId: req.clientId, seq: req.seq, op: req.op }));
  }

  // -------------------------------------------------------------------------------------
  // Every tick: re-send, ping, check the quorum, expire sessions.

  tick(): void {
    const node = this.node;
    const ctx = node.ctx;
    const now = this.node.elapsedUs();
    if (this.phase !== 'broadcast') {
      if (now - this.startedUs > node.opts.initLimitUs) return node.becomeLooking('not established within initLimit');
    } else {
      let heard = 1;
      for (const p of this.peers.values()) if (p.stage === 'active' && now - p.lastHeardUs <= node.opts.syncLimitUs) heard++;
      if (heard < node.quorum) return node.becomeLooking('lost its quorum');
    }
    for (const [n, p] of this.peers) {
      if (p.stage === 'epoch') ctx.send(n, { type: 'NEWEPOCH', epoch: this.epoch });
      else if (p.stage === 'syncing') {
        ctx.send(n, p.sync!);
        ctx.send(n, p.newLeader!);
      } else if (p.stage === 'active') {
        if (!ctx.buggify('skip-ping')) ctx.send(n, { type: 'PING', epoch: this.epoch, committed: this.committed });
        this.resend(n, p);
      }
    }
    if (this.phase === 'broadcast') this.expireSessions(now);
  }

  /**
   * Re-send what a follower that made no progress for a tick lacks (lost or reordered
   * proposals); a follower behind our snapshot gets SNAP (the snapshot and the log above it).
   */
  private resend(n: NodeId, p: Peer): void {
    const d = this.node.durable;
    const h = d.history;
    const stalled = p.acked === p.ackedAtLastTick;
    p.ackedAtLastTick = p.acked;
    if (!stalled || p.acked >= d.lastZxid()) return;
    if (p.acked < d.baseZxid) {
      this.node.ctx.send(n, syncMsg(this.epoch, p.acked, snapPlan(h, d.snapshot)));
      return;
    }
    const from = countUpTo(h, p.acked);
    const txns = h.slice(from, from + this.node.opts.maxBatch);
    this.node.ctx.send(n, { type: 'PROPOSE', epoch: this.epoch, prev: p.acked, txns });
  }

  private expireSessions(now: number): void {
    const node = this.node;
    for (const session of node.tree.ephemerals.keys()) {
      if (this.closing.has(session)) continue;
      const seen = this.lastSeen.get(session) ?? this.establishedUs;
      if (now - seen <= node.opts.sessionTimeoutUs) continue;
      this.closing.add(session);
      const z = zxid(this.epoch, this.nextCounter++);
      node.ctx.note('session-expired', sessionNote, session);
      this.propose(Object.freeze({ zxid: z, id: `close:${session}@${zxidText(z)}`, clientId: session, seq: 0, op: { f: 'closeSession' } }));
    }
  }

  /** A session close was delivered: a later expiry of the same session (reopened) may close it again. */
  sessionClosed(session: number): void {
    this.closing.delete(session);
    this.lastSeen.delete(session);
  }
}
