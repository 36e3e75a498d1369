// The bookkeeping behind "every node applies the same sequence": per node, positions come
// in order from 1 (a new incarnation starts again from 1: the applied state is volatile), or
// from the point a loaded or installed snapshot restarts it at; across nodes, the first id
// applied at a position is the only one any node may apply there. With snapshots, what lies
// below every node's snapshot is forgotten (forgetBelow), so what it holds stays bounded.
// Multi-Paxos's executed-prefix and Zab's delivered-prefix phrase its problems.
import type { NodeId } from '../../sim/types.js';
import { IndexWindow } from './snapshot.js';

export type SequenceProblem =
  /** The node applied `position` right after `after` (not after + 1). */
  | { kind: 'out-of-order'; after: number }
  /** Another id was applied first at this position, by `by`, with its `extra` (a zxid...). */
  | { kind: 'conflict'; first: string; by: NodeId; extra: unknown };

export class AgreedSequence<A> {
  /** By position - window.base: the first id applied there, its extra and its node. */
  private readonly ids: Array<string | undefined> = [];
  private readonly extras: unknown[] = [];
  private readonly by: NodeId[] = [];
  private readonly window = new IndexWindow([this.ids, this.extras, this.by]);
  private readonly last: number[] = [];
  private readonly actors: Array<A | undefined> = [];
  /** The highest position any node applied (0: none). */
  top = 0;

  /** Node `node`, as incarnation `actor`, applies `id` at 1-based `position`. */
  add(node: NodeId, actor: A | undefined, position: number, id: string, extra?: unknown): SequenceProblem | undefined {
    if (actor !== this.actors[node]) {
      this.actors[node] = actor;
      this.last[node] = 0;
    }
    const after = this.last[node] ?? 0;
    if (position !== after + 1) return { kind: 'out-of-order', after };
    this.last[node] = position;
    if (position > this.top) this.top = position;
    const slot = position - this.window.base;
    if (slot < 0) return undefined; // forgotten
    const seen = this.ids[slot];
    if (seen === undefined) {
      this.ids[slot] = id;
      this.extras[slot] = extra;
      this.by[slot] = node;
      return undefined;
    }
    return seen === id ? undefined : { kind: 'conflict', first: seen, by: this.by[slot], extra: this.extras[slot] };
  }

  /** Node `node`, as incarnation `actor`, goes on after `position` (a snapshot it loaded or installed ends there). */
  restartAt(node: NodeId, actor: A | undefined, position: number): void {
    this.actors[node] = actor;
    this.last[node] = position;
  }

  /**
   * Forget the positions below `position` (no node applies there again: each applies only
   * above its snapshot), in batches (IndexWindow), never past what is held.
   */
  forgetBelow(position: number): void {
    this.window.forgetBelow(Math.min(position, this.window.end));
  }

  /** Positions held (tests of boundedness). */
  get held(): number {
    return this.window.held;
  }
}
