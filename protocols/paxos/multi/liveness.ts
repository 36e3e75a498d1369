// Liveness after faults stop: one leader must settle and serve clients within
// `livenessBoundUs`, as for Raft (protocols/raft/liveness.ts): a live leader at the end whose
// ballot a majority has promised; no new leader later than the bound after faults stop; some
// operation completes ok within the bound; no operation invoked after that goes unanswered
// for longer than the bound. (Paxos alone promises no progress, PMS §2.4: two proposers can
// pre-empt each other forever; the randomised backoff is what makes this hold.)
import type { ClusterView, HistoryEvent, LivenessCheck, Micros, Note } from '../../../sim/types.js';
import { clientsServed, leadershipSettled, type Election } from '../../common/liveness.js';
import { ballotEqual, ballotText } from '../ballot.js';
import type { MultiPaxosReplica } from './node.js';
import type { MultiPaxosOptions } from './options.js';

export class MultiPaxosLiveness implements LivenessCheck<MultiPaxosReplica> {
  readonly name = 'liveness';
  private readonly elections: Election[] = [];

  constructor(private readonly boundUs: Micros) {}

  onNote(note: Note): void {
    if (note.kind === 'become-leader') this.elections.push({ atUs: note.timeUs, node: note.node, term: `at ballot ${String(note.data.text)}` });
  }

  atEnd(view: ClusterView<MultiPaxosReplica>, info: { livenessStartUs: Micros; endUs: Micros; history: readonly HistoryEvent[] }): string | undefined {
    return leaderAtEnd(view) ?? leadershipSettled(this.elections, this.boundUs, info.livenessStartUs, info.endUs, 'elected') ?? clientsServed(this.boundUs, info.livenessStartUs, info.endUs, info.history);
  }
}

/** Some live node leads, and a majority of nodes are live and have promised its ballot. */
export function leaderAtEnd(view: ClusterView<MultiPaxosReplica>): string | undefined {
  const majority = Math.floor(view.nodeCount / 2) + 1;
  const states: string[] = [];
  let problem: string | undefined = 'no leader at the end of the run';
  for (let n = 0; n < view.nodeCount; n++) {
    const a = view.actor(n);
    states.push(a === undefined ? `n${n + 1}:down` : `n${n + 1}:${a.role}@${ballotText(a.acceptor.promised)}`);
    if (a === undefined || a.role !== 'leader') continue;
    let agree = 0;
    for (let m = 0; m < view.nodeCount; m++) {
      const b = view.actor(m);
      if (b !== undefined && ballotEqual(b.acceptor.promised, a.ballot)) agree++;
    }
    if (agree >= majority) problem = undefined;
    else if (problem !== undefined) problem = `leader n${n + 1} (ballot ${ballotText(a.ballot)}) has only ${agree} of ${view.nodeCount} nodes promised to it`;
  }
  return problem === undefined ? undefined : `${problem} [${states.join(' ')}]`;
}

export function multiPaxosLiveness(opts: MultiPaxosOptions): LivenessCheck<MultiPaxosReplica>[] {
  return [new MultiPaxosLiveness(opts.livenessBoundUs)];
}
