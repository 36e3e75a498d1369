// Liveness after faults stop (Zab promises progress once a quorum is up and connected, DSN
// 2011 §III "liveness"), checked as for Raft and Multi-Paxos: at the end an established
// leader with a quorum of peers (itself included) in broadcast following it; no leader
// established later than `livenessBoundUs` after faults stop (leadership settles); some
// client operation completes ok within the bound; and no operation invoked after that stays
// unanswered (ok, or a definite fail) for longer than the bound.
import type { ClusterView, HistoryEvent, LivenessCheck, Micros, Note } from '../../sim/types.js';
import { clientsServed, leadershipSettled, type Election } from '../common/liveness.js';
import type { ZabNode } from './node.js';
import type { ZabOptions } from './options.js';

export class ZabLiveness implements LivenessCheck<ZabNode> {
  readonly name = 'liveness';
  private readonly elections: Election[] = [];

  constructor(private readonly boundUs: Micros) {}

  onNote(note: Note): void {
    if (note.kind === 'become-leader') this.elections.push({ atUs: note.timeUs, node: note.node, term: `in epoch ${String(note.data.epoch)}` });
  }

  atEnd(view: ClusterView<ZabNode>, info: { livenessStartUs: Micros; endUs: Micros; history: readonly HistoryEvent[] }): string | undefined {
    return leaderAtEnd(view) ?? leadershipSettled(this.elections, this.boundUs, info.livenessStartUs, info.endUs, 'established') ?? clientsServed(this.boundUs, info.livenessStartUs, info.endUs, info.history);
  }
}

/** Some live peer leads, established, and a quorum (it included) is in broadcast with it. */
export function leaderAtEnd(view: ClusterView<ZabNode>): string | undefined {
  const quorum = Math.floor(view.nodeCount / 2) + 1;
  const states: string[] = [];
  let problem: string | undefined = 'no established leader at the end of the run';
  for (let n = 0; n < view.nodeCount; n++) {
    const a = view.actor(n);
    states.push(a === undefined ? `n${n + 1}:down` : `n${n + 1}:${a.role}/${a.leading?.phase ?? a.following?.phase ?? 'election'}@${a.durable.currentEpoch}`);
    if (a === undefined || a.leading === undefined || !a.leading.established) continue;
    let with_ = 1;
    for (let m = 0; m < view.nodeCount; m++) {
      const f = view.actor(m)?.following;
      if (f !== undefined && f.leader === n && f.phase === 'broadcast' && f.epoch === a.leading.epoch) with_++;
    }
    if (with_ >= quorum) problem = undefined;
    else if (problem !== undefined) problem = `leader n${n + 1} (epoch ${a.leading.epoch}) has only ${with_} of ${view.nodeCount} peers in broadcast with it`;
  }
  return problem === undefined ? undefined : `${problem} [${states.join(' ')}]`;
}

export function zabLiveness(opts: ZabOptions): LivenessCheck<ZabNode>[] {
  return [new ZabLiveness(opts.livenessBoundUs)];
}
