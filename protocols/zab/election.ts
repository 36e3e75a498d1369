// Phase 0, leader election: a Fast-Leader-Election-like exchange of votes (Medeiros 2012
// §3.1; ZooKeeper's FastLeaderElection). A looking peer votes for itself, then for the best
// vote it hears in its round, votes ordered by (last zxid, server id); a vote that a quorum
// of its round shares, and that no better vote displaces for `finalizeWaitUs`, is the
// outcome: that peer leads, the others follow. A looking peer that hears from peers already
// following or leading joins their leader once the leader itself says it leads and a quorum
// (itself included) names it. Notifications are re-sent every tick (messages get lost).
// Votes are volatile: safety does not rest on the election (a wrong outcome fails in
// discovery), only progress does.
import type { NodeContext, NodeId } from '../../sim/types.js';
import type { Vote, ZabMsg } from './types.js';

export function betterVote(a: Vote, b: Vote): boolean {
  return a.zxid > b.zxid || (a.zxid === b.zxid && a.leader > b.leader);
}

export function sameVote(a: Vote, b: Vote): boolean {
  return a.zxid === b.zxid && a.leader === b.leader;
}

type Notify = Extract<ZabMsg, { type: 'NOTIFY' }>;

export class Election {
  vote: Vote;
  /** Votes of looking peers in this round. */
  private readonly received = new Map<NodeId, Vote>();
  /** Leaders named by peers out of the election (following or leading), and whether the peer itself leads. */
  private readonly outside = new Map<NodeId, { leader: NodeId; leading: boolean }>();
  private finalizing = false;

  constructor(
    private readonly ctx: NodeContext<ZabMsg>,
    public round: number,
    private readonly own: Vote,
    private readonly quorum: number,
    private readonly finalizeUs: number,
    /** The outcome: the leader to follow (or ourselves, to lead). */
    private readonly decide: (leader: NodeId) => void,
  ) {
    this.vote = own;
  }

  start(): void {
    this.broadcast();
    this.check();
  }

  private notification(): Notify {
    return { type: 'NOTIFY', round: this.round, vote: this.vote, state: 'looking' };
  }

  /** Send our vote to every peer (on start, on change, and every tick). */
  broadcast(): void {
    const m = this.notification();
    for (const p of this.ctx.peers) this.ctx.send(p, m);
  }

  onNotify(from: NodeId, m: Notify): void {
    if (m.state !== 'looking') {
      this.outside.set(from, { leader: m.vote.leader, leading: m.state === 'leading' });
      this.checkOutside(m.vote.leader);
      return;
    }
    if (m.round < this.round) {
      // A peer of an older round: tell it ours, so it catches up.
      this.ctx.send(from, this.notification());
      return;
    }
    if (m.round > this.round) {
      this.round = m.round;
      this.received.clear();
      this.vote = betterVote(m.vote, this.own) ? m.vote : this.own;
      this.broadcast();
    } else if (betterVote(m.vote, this.vote)) {
      this.vote = m.vote;
      this.broadcast();
    }
    this.received.set(from, m.vote);
    this.check();
  }

  /** How many peers (ourselves included) share our vote in this round. */
  private support(): number {
    let n = 1;
    for (const v of this.received.values()) if (sameVote(v, this.vote)) n++;
    return n;
  }

  private check(): void {
    if (this.finalizing || this.support() < this.quorum) return;
    this.finalizing = true;
    this.ctx.setTimer('finalize', this.finalizeUs);
  }

  /** The finalize wait is over: decide if a quorum still shares our vote. */
  onFinalize(): void {
    this.finalizing = false;
    if (this.support() >= this.quorum) {
      this.decide(this.vote.leader);
      return;
    }
    this.check();
  }

  private checkOutside(leader: NodeId): void {
    const l = this.outside.get(leader);
    if (l === undefined || !l.leading || l.leader !== leader) return;
    let n = 1;
    for (const o of this.outside.values()) if (o.leader === leader) n++;
    if (n >= this.quorum) this.decide(leader);
  }
}
