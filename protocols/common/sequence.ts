// The bookkeeping behind "every node applies the same sequence": per node, positions come
// in order from 1 (a new incarnation starts again from 1: the applied state is volatile);
// across nodes, the first id applied at a position is the only one any node may apply
// there. Multi-Paxos's executed-prefix and Zab's delivered-prefix phrase their messages.
import type { NodeId } from '../../sim/types.js';

export type SequenceProblem =
  /** The node applied `position` right after `after` (not after + 1). */
  | { kind: 'out-of-order'; after: number }
  /** Another id was applied first at this position, by `by`, with its `extra` (a zxid...). */
  | { kind: 'conflict'; first: string; by: NodeId; extra: unknown };

export class AgreedSequence<A> {
  private readonly ids: string[] = [];
  private readonly extras: unknown[] = [];
  private readonly by: NodeId[] = [];
  private readonly last: number[] = [];
  private readonly actors: Array<A | undefined> = [];

  /** Node `node`, as incarnation `actor`, applies `id` at 1-based `position`. */
  add(node: NodeId, actor: A | undefined, position: number, id: string, extra?: unknown): SequenceProblem | undefined {
    if (actor !== this.actors[node]) {
      this.actors[node] = actor;
      this.last[node] = 0;
    }
    const after = this.last[node] ?? 0;
    if (position !== after + 1) return { kind: 'out-of-order', after };
    this.last[node] = position;
    const seen = this.ids[position];
    if (seen === undefined) {
      this.ids[position] = id;
      this.extras[position] = extra;
      this.by[position] = node;
      return undefined;
    }
    return seen === id ? undefined : { kind: 'conflict', first: seen, by: this.by[position], extra: this.extras[position] };
  }
}
