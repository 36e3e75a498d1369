// One Zab peer (Junqueira, Reed & Serafini, DSN 2011; Medeiros 2012): looking (phase 0,
// ./election.ts), following or leading (phases 1-3, ./follower.ts and ./leader.ts). Role-
// scoped state lives in the Election / Following / Leading object, entered only through
// becomeLooking / becomeFollowing / becomeLeading. Durable state (./durable.ts) is
// acceptedEpoch, currentEpoch, the snapshot and the transaction log above it; the delivered
// data tree is volatile and rebuilt after a restart from the snapshot, then by delivering
// the log above it again. Every snapshotEvery deliveries a server snapshots its tree at its
// last delivered (committed) zxid and compacts its log below it (ZooKeeper's snapCount).
// Sans-IO: every effect goes through the NodeContext.
import { ShownText } from '../common/shown-text.js';
import type { Actor, ClientRequest, ClientResponse, NodeContext, NodeId } from '../../sim/types.js';
import { assert, AssertionError } from '../../sim/types.js';
import { DurableState } from './durable.js';
import { Election } from './election.js';
import { Following } from './follower.js';
import { Leading } from './leader.js';
import { broadcastNote, deliverNote, epochsNote, followingNote, leadingNote, lookingNote, snapshotNote } from './notes.js';
import type { ZabOptions } from './options.js';
import { DataTree } from './tree.js';
import { zxidText, type Role, type Txn, type ZabMsg, type ZabSnapshot } from './types.js';

export class ZabNode implements Actor<ZabMsg> {
  readonly durable: DurableState;
  readonly quorum: number;
  role: Role = 'looking';
  election: Election | undefined;
  following: Following | undefined;
  leading: Leading | undefined;
  /** The election round (FLE's logical clock): volatile, one up per election. */
  private round = 0;
  /**
   * Ticks since this incarnation started. Every time limit (initLimit, syncLimit, sessions)
   * is measured in ticks, as ZooKeeper does: the tick timer runs on local elapsed time, which
   * a clock jump does not move (the local clock, ctx.now(), can go back).
   */
  private ticks = 0;

  /** The delivered state: the history's first `delivered` transactions (the snapshot's, then the log's) applied to the tree, in order. */
  readonly tree = new DataTree();
  delivered = 0;
  /** The highest zxid the current leader told us is committed (0 after a role change). */
  commitZxid = 0;
  /** summary()'s text of the last zxid. */
  private readonly lastShown = new ShownText(zxidText);

  constructor(
    readonly ctx: NodeContext<ZabMsg>,
    readonly opts: ZabOptions,
  ) {
    this.quorum = Math.floor(ctx.nodes.length / 2) + 1;
    this.durable = new DurableState(ctx.storage, ctx.bug('volatile-epoch'));
  }

  // ---------------------------------------------------------------------------------
  // Lifecycle and dispatch

  onStart(): void {
    this.durable.load();
    const snap = this.durable.snapshot;
    if (snap !== undefined) this.restoreTree(snap, 'snapshot-loaded');
    this.ctx.note('epochs', epochsNote, this.durable.acceptedEpoch, this.durable.currentEpoch, this.durable.lastZxid());
    this.becomeLooking('start');
    this.ctx.setTimer('tick', this.opts.tickUs);
  }

  onTimer(name: string): void {
    switch (name) {
      case 'tick':
        this.ticks++;
        this.ctx.setTimer('tick', this.opts.tickUs);
        if (this.election !== undefined) this.election.broadcast();
        else if (this.following !== undefined) this.following.tick();
        else if (this.leading !== undefined) this.leading.tick();
        return;
      case 'finalize':
        this.election?.onFinalize();
        return;
      default:
        assert(false, `zab: unknown timer ${name}`);
    }
  }

  onMessage(from: NodeId, msg: ZabMsg): void {
    if (msg.type === 'NOTIFY') return this.onNotify(from, msg);
    if (this.following !== undefined) return this.following.onMessage(from, msg);
    const l = this.leading;
    if (l === undefined) return;
    switch (msg.type) {
      case 'CEPOCH':
        return l.onCepoch(from, msg);
      case 'ACK-E':
        return l.onAckEpoch(from, msg);
      case 'ACK-LD':
        return l.onAckLeader(from, msg);
      case 'ACK':
        return l.onAck(from, msg);
      case 'REQUEST':
        if (l.established) l.onRequest(msg.req);
        return;
      default:
        return;
    }
  }

  private onNotify(from: NodeId, m: Extract<ZabMsg, { type: 'NOTIFY' }>): void {
    if (this.election !== undefined) return this.election.onNotify(from, m);
    // Out of the election: tell a looking peer whom we follow (or that we lead).
    if (m.state !== 'looking') return;
    const leader = this.leading !== undefined ? this.ctx.id : this.following!.leader;
    this.ctx.send(from, { type: 'NOTIFY', round: this.round, vote: { leader, zxid: this.durable.lastZxid() }, state: this.role });
  }

  summary(): Record<string, unknown> {
    const phase = this.leading?.phase ?? this.following?.phase ?? 'election';
    const role = this.role === 'leading' ? 'leader' : this.role === 'following' ? 'follower' : 'looking';
    const term = this.durable.currentEpoch;
    const acceptedEpoch = this.durable.acceptedEpoch;
    const last = this.lastShown.of(this.durable.lastZxid());
    const history = this.durable.length;
    const delivered = this.delivered;
    const leader = this.leading !== undefined ? this.ctx.id : (this.following?.leader ?? null);
    const s = this.shown;
    // Unchanged: the same frozen object again, which the kernel takes as "no new state" at once.
    if (s !== undefined && s.role === role && s.phase === phase && s.term === term && s.acceptedEpoch === acceptedEpoch && s.last === last && s.history === history && s.delivered === delivered && s.leader === leader) return s;
    return (this.shown = Object.freeze({ role, phase, term, acceptedEpoch, last, history, delivered, leader }));
  }

  /** The last summary(), returned again while nothing it shows has changed. */
  private shown: Readonly<{ role: string; phase: string; term: number; acceptedEpoch: number; last: string; history: number; delivered: number; leader: number | null }> | undefined;

  /** Local elapsed time, in whole ticks (monotonic; see `ticks`). */
  elapsedUs(): number {
    return this.ticks * this.opts.tickUs;
  }

  // ---------------------------------------------------------------------------------
  // Role transitions

  becomeLooking(why: string): void {
    this.role = 'looking';
    this.following = undefined;
    this.leading = undefined;
    this.commitZxid = 0;
    this.round++;
    this.ctx.cancelTimer('finalize');
    this.election = new Election(this.ctx, this.round, { leader: this.ctx.id, zxid: this.durable.lastZxid() }, this.quorum, this.opts.finalizeWaitUs, (leader) => this.decided(leader));
    this.ctx.note('role', lookingNote, this.durable.currentEpoch, why);
    this.election.start();
  }

  private decided(leader: NodeId): void {
    this.round = this.election!.round;
    this.election = undefined;
    this.ctx.cancelTimer('finalize');
    this.commitZxid = 0;
    if (leader === this.ctx.id) {
      this.role = 'leading';
      this.leading = new Leading(this);
      this.ctx.note('role', leadingNote, this.durable.currentEpoch);
      return;
    }
    this.role = 'following';
    this.following = new Following(this, leader);
    this.ctx.note('role', followingNote, this.durable.currentEpoch, leader);
    this.following.start();
  }

  /** A ghost note when the node reaches broadcast (established leader, or synced follower). */
  noteRole(): void {
    this.ctx.note('broadcast', broadcastNote, this.role, this.durable.currentEpoch);
  }

  // ---------------------------------------------------------------------------------
  // Delivery (in history order) and clients

  /** The leader says everything up to z is committed: deliver what we hold of it. */
  commitTo(z: number): void {
    if (z > this.commitZxid) this.commitZxid = z;
    this.deliver(this.commitZxid);
  }

  /** Deliver history entries up to zxid z, in order; then snapshot when snapshotEvery are delivered above the last snapshot. */
  deliver(z: number): void {
    const d = this.durable;
    const h = d.history;
    const base = d.base;
    if (this.delivered < base) throw new AssertionError(`zab: delivered ${this.delivered} is below the snapshot's ${base}`);
    while (this.delivered - base < h.length && h[this.delivered - base].zxid <= z) {
      const t: Txn = h[this.delivered++ - base];
      this.ctx.note('deliver', deliverNote, this.delivered, t.zxid, t.id);
      const response = this.tree.apply(t);
      if (this.leading === undefined) continue;
      if (t.op.f === 'closeSession') this.leading.sessionClosed(t.clientId);
      else this.leading.delivered(t, response);
    }
    const every = this.opts.snapshotEvery;
    if (every > 0 && this.delivered - base >= every) this.takeSnapshot();
  }

  /**
   * Snapshot the tree at the last delivered transaction and compact the log below it. Bug
   * `snapshot-uncommitted`: the snapshot takes the whole log, applied to a copy of the tree,
   * proposals not yet committed included, and the node carries on from it.
   */
  private takeSnapshot(): void {
    const d = this.durable;
    if (this.ctx.bug('snapshot-uncommitted') && d.length > this.delivered) {
      const tree = new DataTree();
      tree.restore(this.tree.image());
      for (let i = this.delivered; i < d.length; i++) tree.apply(d.at(i)!);
      const last = d.history[d.history.length - 1];
      const snap: ZabSnapshot = Object.freeze({ count: d.length, zxid: last.zxid, id: last.id, tree: tree.image() });
      d.save();
      d.compact(snap);
      this.ctx.note('snapshot-taken', snapshotNote, snap, this.delivered);
      this.restoreTree(snap, 'snapshot-installed');
      return;
    }
    const t = d.at(this.delivered - 1)!;
    const snap: ZabSnapshot = Object.freeze({ count: this.delivered, zxid: t.zxid, id: t.id, tree: this.tree.image() });
    d.compact(snap);
    this.ctx.note('snapshot-taken', snapshotNote, snap, this.delivered);
  }

  /** The tree becomes the snapshot's, when it is ahead of what we delivered (a restart, a SNAP from the leader). */
  private restoreTree(snap: ZabSnapshot, kind: 'snapshot-loaded' | 'snapshot-installed'): void {
    if (snap.count <= this.delivered) return;
    this.tree.restore(snap.tree);
    this.delivered = snap.count;
    this.ctx.note(kind, snapshotNote, snap, this.delivered);
  }

  /** The history becomes `snap` (optional) and `txns` above it (SNAP, adopt): not synced, call durable.save(). */
  replaceHistory(snap: ZabSnapshot | undefined, txns: readonly Txn[]): void {
    this.durable.replace(snap, txns);
    const own = this.durable.snapshot;
    if (own !== undefined) this.restoreTree(own, 'snapshot-installed');
  }

  onRequest(req: ClientRequest): void {
    if (this.leading !== undefined && this.leading.established) return this.leading.onRequest(req);
    const f = this.following;
    if (f !== undefined && f.phase === 'broadcast' && this.opts.followerReads) {
      // Follower reads (ZooKeeper's default): our own tree, however far behind it is.
      // Writes go on to the leader, which answers the client (ZooKeeper's followers forward them).
      if (req.op.f === 'get') this.ctx.reply(req, this.tree.read(req.op.key ?? ''));
      else this.ctx.send(f.leader, { type: 'REQUEST', req });
      return;
    }
    const r: ClientResponse = f !== undefined ? { type: 'redirect', leader: f.leader } : { type: 'redirect' };
    this.ctx.reply(req, r);
  }
}
