// The follower's side of phases 1-3 (DSN 2011 §IV-B, Algorithms 2 and 3):
//   discovery  CEPOCH(acceptedEpoch) to the elected leader; on NEWEPOCH(e) with e above our
//              acceptedEpoch (or the same e from the same leader, re-sent), accept it
//              durably and answer ACK-E with currentEpoch and history; an older epoch sends
//              us back to election;
//   sync       apply the leader's SYNC (DIFF appends, TRUNC cuts the uncommitted tail first,
//              SNAP replaces the history: the leader's snapshot, if newer than ours, and
//              the transactions above it), durably; on NEWLEADER make its epoch current,
//              durably, and ACK-LD; COMMIT-LD (or the first PING) delivers what it says is
//              committed and starts broadcast;
//   broadcast  PROPOSE appends transactions that follow our last zxid (a gap waits for the
//              leader's re-send), durably, then ACK (cumulative); COMMIT and PING deliver;
//              a SNAP (we fell behind the leader's snapshot) is taken as in sync, then ACK.
// Only messages from the leader we follow, in its epoch, count. No word from it for
// syncLimitUs in broadcast, or no broadcast within initLimitUs, and we go back to election.
import type { NodeId } from '../../sim/types.js';
import type { ZabNode } from './node.js';
import { syncedNote } from './notes.js';
import type { MsgOf, ZabMsg } from './types.js';

export type FollowerPhase = 'discovery' | 'sync' | 'synced' | 'ackld' | 'broadcast';

export class Following {
  phase: FollowerPhase = 'discovery';
  /** The epoch we accepted from this leader (0 until NEWEPOCH). */
  epoch = 0;
  private readonly startedUs: number;
  private lastContactUs: number;

  constructor(
    private readonly node: ZabNode,
    readonly leader: NodeId,
  ) {
    this.startedUs = this.lastContactUs = node.elapsedUs();
  }

  start(): void {
    this.sendCepoch();
  }

  private sendCepoch(): void {
    this.node.ctx.send(this.leader, { type: 'CEPOCH', acceptedEpoch: this.node.durable.acceptedEpoch });
  }

  tick(): void {
    const node = this.node;
    const now = node.elapsedUs();
    if (this.phase !== 'broadcast') {
      if (now - this.startedUs > node.opts.initLimitUs) return node.becomeLooking('no broadcast within initLimit');
      if (this.phase === 'discovery') this.sendCepoch();
    } else if (now - this.lastContactUs > node.opts.syncLimitUs) return node.becomeLooking('leader silent for syncLimit');
  }

  onMessage(from: NodeId, m: ZabMsg): void {
    if (from !== this.leader) return;
    switch (m.type) {
      case 'NEWEPOCH':
        return this.onNewEpoch(m);
      case 'SYNC':
        return this.onSync(m);
      case 'NEWLEADER':
        return this.onNewLeader(m);
      case 'COMMIT-LD':
        if (m.epoch !== this.epoch) return;
        this.lastContactUs = this.node.elapsedUs();
        return this.enterBroadcast(m.committed);
      case 'PROPOSE':
        return this.onPropose(m);
      case 'COMMIT':
        if (m.epoch !== this.epoch || this.phase !== 'broadcast') return;
        this.lastContactUs = this.node.elapsedUs();
        return this.node.commitTo(m.zxid);
      case 'PING':
        return this.onPing(m);
      default:
        return;
    }
  }

  private onNewEpoch(m: MsgOf<'NEWEPOCH'>): void {
    if (this.phase !== 'discovery' && this.phase !== 'sync') return;
    const d = this.node.durable;
    this.lastContactUs = this.node.elapsedUs();
    const again = m.epoch === d.acceptedEpoch && d.acceptedFrom === this.leader;
    if (m.epoch < d.acceptedEpoch || (m.epoch === d.acceptedEpoch && !again)) {
      return this.node.becomeLooking(`NEWEPOCH ${m.epoch} not above acceptedEpoch ${d.acceptedEpoch}`);
    }
    if (!again) d.setAcceptedEpoch(m.epoch, this.leader); // durable before ACK-E
    this.epoch = m.epoch;
    this.phase = 'sync';
    const snap = d.snapshot;
    this.node.ctx.send(this.leader, snap === undefined ? { type: 'ACK-E', epoch: m.epoch, currentEpoch: d.currentEpoch, history: d.history.slice() } : { type: 'ACK-E', epoch: m.epoch, currentEpoch: d.currentEpoch, history: d.history.slice(), snap });
  }

  private onSync(m: MsgOf<'SYNC'>): void {
    const d = this.node.durable;
    if (m.epoch !== this.epoch || m.forZxid !== d.lastZxid()) return;
    if (this.phase === 'broadcast' && m.mode === 'SNAP') return this.catchUp(m);
    if (this.phase !== 'sync') return;
    this.lastContactUs = this.node.elapsedUs();
    switch (m.mode) {
      case 'SNAP':
        this.node.replaceHistory(m.snap, m.txns);
        break;
      case 'TRUNC':
        d.truncate(m.truncTo);
        for (const t of m.txns) d.append(t);
        break;
      case 'DIFF':
        for (const t of m.txns) if (t.zxid > d.lastZxid()) d.append(t);
        break;
    }
    d.save(); // durable before ACK-LD
    this.node.ctx.note('synced', syncedNote, m.mode, this.leader, m.epoch, d.length);
    this.phase = 'synced';
  }

  /** In broadcast, behind the leader's snapshot: take its history, durably, then ACK and deliver. */
  private catchUp(m: MsgOf<'SYNC'>): void {
    const node = this.node;
    this.lastContactUs = node.elapsedUs();
    node.replaceHistory(m.snap, m.txns);
    node.durable.save(); // durable before the ACK
    node.ctx.note('synced', syncedNote, m.mode, this.leader, m.epoch, node.durable.length);
    node.ctx.send(this.leader, { type: 'ACK', epoch: this.epoch, zxid: node.durable.lastZxid() });
    node.commitTo(node.commitZxid);
  }

  private onNewLeader(m: MsgOf<'NEWLEADER'>): void {
    if ((this.phase !== 'synced' && this.phase !== 'ackld') || m.epoch !== this.epoch) return;
    this.lastContactUs = this.node.elapsedUs();
    const d = this.node.durable;
    if (d.currentEpoch !== m.epoch) d.setCurrentEpoch(m.epoch); // durable before ACK-LD
    this.phase = 'ackld';
    this.node.ctx.send(this.leader, { type: 'ACK-LD', epoch: m.epoch, zxid: d.lastZxid() });
  }

  private enterBroadcast(committed: number): void {
    if (this.phase === 'ackld') {
      this.phase = 'broadcast';
      this.node.noteRole();
    }
    if (this.phase === 'broadcast') this.node.commitTo(committed);
  }

  private onPropose(m: MsgOf<'PROPOSE'>): void {
    if (m.epoch !== this.epoch || this.phase !== 'broadcast') return;
    this.lastContactUs = this.node.elapsedUs();
    const d = this.node.durable;
    let prev = m.prev;
    let appended = false;
    for (const t of m.txns) {
      const last = d.lastZxid();
      if (t.zxid <= last) {
        prev = t.zxid;
        continue;
      }
      if (prev !== last) break; // a gap: wait for the leader's re-send
      d.append(t);
      prev = t.zxid;
      appended = true;
    }
    if (appended) d.save(); // durable before the ACK
    this.node.ctx.send(this.leader, { type: 'ACK', epoch: this.epoch, zxid: d.lastZxid() });
    if (appended) this.node.commitTo(this.node.commitZxid);
  }

  private onPing(m: MsgOf<'PING'>): void {
    if (m.epoch !== this.epoch) return;
    this.lastContactUs = this.node.elapsedUs();
    if (this.phase === 'ackld') this.enterBroadcast(m.committed);
    if (this.phase !== 'broadcast') return;
    this.node.commitTo(m.committed);
    this.node.ctx.send(this.leader, { type: 'ACK', epoch: this.epoch, zxid: this.node.durable.lastZxid() });
  }
}
