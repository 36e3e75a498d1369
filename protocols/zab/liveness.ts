// Liveness after faults stop (Zab promises progress once a quorum is up and connected, DSN
// 2011 §III "liveness"), checked as for Raft and Multi-Paxos: at the end an established
// leader with a quorum of peers (itself included) in broadcast following it; no leader
// established later than `livenessBoundUs` after faults stop (leadership settles); some
// client operation completes ok within the bound; and no operation invoked after that stays
// unanswered (ok, or a definite fail) for longer than the bound.
import type { ClusterView, HistoryEvent, LivenessCheck, Micros, Note } from '../../sim/types.js';
import { clientsServed, formatUs } from '../common/liveness.js';
import type { ZabNode } from './node.js';
import type { ZabOptions } from './options.js';

const fmt = formatUs;

export class ZabLiveness implements LivenessCheck<ZabNode> {
  readonly name = 'liveness';
  private readonly elections: Array<[Micros, number, number]> = [];

  constructor(private readonly boundUs: Micros) {}

  onNote(note: Note): void {
    if (note.kind === 'become-leader') this.elections.push([note.timeUs, note.node, note.data.epoch as number]);
  }

  atEnd(view: ClusterView<ZabNode>, info: { livenessStartUs: Micros; endUs: Micros; history: readonly HistoryEvent[] }): string | undefined {
    return leaderAtEnd(view) ?? this.settled(info.livenessStartUs, info.endUs) ?? clientsServed(this.boundUs, info.livenessStartUs, info.endUs, info.history);
  }

  private settled(startUs: Micros, endUs: Micros): string | undefined {
    const by = startUs + this.boundUs;
    if (by >= endUs) return undefined;
    const late = this.elections.filter(([t]) => t > by);
    if (late.length === 0) return undefined;
    const shown = late.slice(0, 4).map(([t, n, e]) => `n${n + 1} in epoch ${e} at ${fmt(t)}`).join(', ');
    return `leadership did not settle: ${late.length} leader(s) established after ${fmt(by)} (faults stopped at ${fmt(startUs)}, bound ${fmt(this.boundUs)}): ${shown}${late.length > 4 ? ', ...' : ''}`;
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
