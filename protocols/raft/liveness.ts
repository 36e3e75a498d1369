// Liveness after faults stop (TigerBeetle's "liveness mode"): the cluster must settle on a
// leader and serve clients within `livenessBoundUs`, and the leader it settles on must stay.
import type { ClusterView, HistoryEvent, LivenessCheck, Micros, Note } from '../../sim/types.js';
import type { RaftNode } from './node.js';
import type { RaftOptions } from './options.js';

export class RaftLiveness implements LivenessCheck<RaftNode> {
  readonly name = 'liveness';
  readonly notes = ['become-leader'];

  /**
   * Every become-leader note once faults have stopped: [time, node, term]. (Only elections
   * after faults stop can be late, and a long run elects thousands of leaders before.)
   */
  private readonly elections: Array<[Micros, number, number]> = [];

  constructor(private readonly boundUs: Micros) {}

  onNote(note: Note, view: ClusterView<RaftNode>): void {
    if (note.kind === 'become-leader' && view.inLivenessPhase) this.elections.push([note.timeUs, note.node, note.data.term as number]);
  }

  atEnd(
    view: ClusterView<RaftNode>,
    info: { livenessStartUs: Micros; endUs: Micros; history: readonly HistoryEvent[] },
  ): string | undefined {
    return leaderAtEnd(view) ?? this.leaderSettled(info.livenessStartUs, info.endUs) ?? this.clientsServed(info.livenessStartUs, info.endUs, info.history);
  }

  /** Once the bound after faults stop has passed, no new leader is elected: the cluster settled. */
  private leaderSettled(startUs: Micros, endUs: Micros): string | undefined {
    const settledBy = startUs + this.boundUs;
    if (settledBy >= endUs) return undefined;
    const late = this.elections.filter(([t]) => t > settledBy);
    if (late.length === 0) return undefined;
    const shown = late.slice(0, 4).map(([t, n, term]) => `n${n + 1} in term ${term} at ${fmt(t)}`).join(', ');
    return `leadership did not settle: ${late.length} election(s) after ${fmt(settledBy)} (faults stopped at ${fmt(startUs)}, bound ${fmt(this.boundUs)}): ${shown}${late.length > 4 ? ', ...' : ''}`;
  }

  /**
   * Some operation completes ok within the bound after faults stop; and no operation
   * invoked later than start + bound goes without an answer (ok, or a definite fail such
   * as a cas mismatch) for longer than the bound.
   */
  private clientsServed(startUs: Micros, endUs: Micros, history: readonly HistoryEvent[]): string | undefined {
    const bound = this.boundUs;
    const firstDeadline = Math.min(startUs + bound, endUs);
    let invokedAfterStart = false;
    let okInTime = false;
    /** process -> invoke time of its open operation. */
    const open = new Map<number, Micros>();
    let late: string | undefined;
    for (const e of history) {
      if (e.type === 'invoke') {
        open.set(e.process, e.timeUs);
        if (e.timeUs >= startUs) invokedAfterStart = true;
        continue;
      }
      const invokedUs = open.get(e.process);
      open.delete(e.process);
      if (e.type === 'ok' && e.timeUs >= startUs && e.timeUs <= firstDeadline) okInTime = true;
      if (late !== undefined || invokedUs === undefined || invokedUs <= startUs + bound) continue;
      const answered = e.type === 'ok' || e.type === 'fail';
      if (!(answered && e.timeUs - invokedUs <= bound) && endUs - invokedUs >= bound) {
        late = `${e.f} ${e.key ?? ''} invoked at ${fmt(invokedUs)} by process ${e.process} ended ${e.type} at ${fmt(e.timeUs)}, over the ${fmt(bound)} bound`;
      }
    }
    if (late !== undefined) return late;
    for (const [process, invokedUs] of open) {
      if (invokedUs > startUs + bound && endUs - invokedUs > bound) {
        return `an operation invoked at ${fmt(invokedUs)} by process ${process} was still open at the end (${fmt(endUs)}), over the ${fmt(bound)} bound`;
      }
    }
    const clientsActive = invokedAfterStart || open.size > 0;
    if (clientsActive && !okInTime) {
      return `no client operation completed ok between faults stopping (${fmt(startUs)}) and ${fmt(firstDeadline)}`;
    }
    return undefined;
  }
}

/** Some live node is leader, and a majority of nodes are live and in its term. */
export function leaderAtEnd(view: ClusterView<RaftNode>): string | undefined {
  const majority = Math.floor(view.nodeCount / 2) + 1;
  let best: string | undefined = 'no leader at the end of the run';
  for (let n = 0; n < view.nodeCount; n++) {
    const a = view.actor(n);
    if (a === undefined || a.role !== 'leader') continue;
    let agree = 0;
    for (let m = 0; m < view.nodeCount; m++) if (view.actor(m)?.term === a.term) agree++;
    if (agree >= majority) best = undefined;
    else if (best !== undefined) best = `leader n${n + 1} (term ${a.term}) has only ${agree} of ${view.nodeCount} nodes in its term`;
  }
  if (best === undefined) return undefined;
  // Every node's role and term, for the message only.
  const terms: string[] = [];
  for (let n = 0; n < view.nodeCount; n++) {
    const a = view.actor(n);
    terms.push(a === undefined ? `n${n + 1}:down` : `n${n + 1}:${a.role}@${a.term}`);
  }
  return `${best} [${terms.join(' ')}]`;
}

function fmt(us: Micros): string {
  return us % 1000 === 0 ? `${us / 1000}ms` : `${us}us`;
}

export function raftLiveness(opts: RaftOptions): LivenessCheck<RaftNode>[] {
  return [new RaftLiveness(opts.livenessBoundUs)];
}
