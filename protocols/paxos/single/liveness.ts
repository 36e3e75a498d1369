// Liveness after faults stop (§2.4: progress once one proposer can talk to a majority):
// within `livenessBoundUs` of faults stopping, every live learner has learned a value,
// and every live proposer that started a ballot knows the outcome (its ballot, or a later
// one, won a majority of 2b): dueling proposers that keep pre-empting each other fail here.
import type { ClusterView, LivenessCheck, Micros, Note } from '../../../sim/types.js';
import { nodeName } from '../../common/index.js';
import type { PaxosNode } from './node.js';
import type { PaxosOptions } from './options.js';

export class PaxosLiveness implements LivenessCheck<PaxosNode> {
  readonly name = 'liveness';
  /** node -> the time of its last learn note. */
  private readonly learnedAt = new Map<number, Micros>();
  /** node -> the time of its last decide note. */
  private readonly decidedAt = new Map<number, Micros>();

  constructor(private readonly boundUs: Micros) {}

  onNote(note: Note): void {
    if (note.kind === 'learn') this.learnedAt.set(note.node, note.timeUs);
    else if (note.kind === 'decide') this.decidedAt.set(note.node, note.timeUs);
  }

  atEnd(view: ClusterView<PaxosNode>, info: { livenessStartUs: Micros; endUs: Micros }): string | undefined {
    const deadline = info.livenessStartUs + this.boundUs;
    const judged = Math.min(deadline, info.endUs);
    for (const n of view.nodesWith('learner')) {
      const a = view.actor(n);
      if (a === undefined) continue;
      const at = this.learnedAt.get(n);
      if (a.learned === null) {
        if (info.endUs < deadline) continue; // the run ended before the bound: not judged
        return `${nodeName(n)} learned no value by the end (${fmt(info.endUs)}); faults stopped at ${fmt(info.livenessStartUs)}, bound ${fmt(this.boundUs)}${this.proposers(view)}`;
      }
      if (at !== undefined && at > judged) {
        return `${nodeName(n)} learned ${a.learned} only at ${fmt(at)}, over the ${fmt(this.boundUs)} bound after faults stopped (${fmt(info.livenessStartUs)})`;
      }
    }
    if (info.endUs < deadline) return undefined;
    for (const n of view.nodesWith('proposer')) {
      const a = view.actor(n);
      if (a === undefined || a.phase === 'idle' || a.phase === 'decided') continue;
      const at = this.decidedAt.get(n);
      return `proposer ${nodeName(n)} had not decided by ${fmt(info.endUs)} (${a.phase} at ballot round ${a.round}, ${a.attempts} pre-emptions${at === undefined ? '' : `; its last decision at ${fmt(at)}`}); faults stopped at ${fmt(info.livenessStartUs)}, bound ${fmt(this.boundUs)}${this.proposers(view)}`;
    }
    for (const [n, at] of this.decidedAt) {
      if (at > judged && view.actor(n) !== undefined) return `proposer ${nodeName(n)} decided only at ${fmt(at)}, over the ${fmt(this.boundUs)} bound after faults stopped (${fmt(info.livenessStartUs)})`;
    }
    return undefined;
  }

  private proposers(view: ClusterView<PaxosNode>): string {
    const parts = view.nodesWith('proposer').map((n) => {
      const a = view.actor(n);
      return a === undefined ? `${nodeName(n)}:down` : `${nodeName(n)}:${a.phase}@${a.round} after ${a.attempts} pre-emptions`;
    });
    return parts.length === 0 ? '' : ` [${parts.join(' ')}]`;
  }
}

function fmt(us: Micros): string {
  return us % 1000 === 0 ? `${us / 1000}ms` : `${us}us`;
}

export function paxosLiveness(opts: PaxosOptions): LivenessCheck<PaxosNode>[] {
  return [new PaxosLiveness(opts.livenessBoundUs)];
}
