// The dependency graph over committed txns: edges kept in insertion order (deterministic),
// strongly connected components by an iterative Tarjan, and the shortest cycle in a
// component by breadth-first search.
import type { Edge, EdgeKind } from './types.js';

export class DependencyGraph {
  readonly edges: Edge[] = [];
  /** Per node, the indices into `edges` of its outgoing edges. */
  private readonly out: number[][];

  constructor(readonly size: number) {
    this.out = Array.from({ length: size }, () => []);
  }

  add(edge: Edge): void {
    if (edge.from === edge.to) return;
    this.out[edge.from].push(this.edges.length);
    this.edges.push(edge);
  }

  outgoing(node: number): readonly number[] {
    return this.out[node];
  }

  /**
   * Strongly connected components of more than one node, using only edges whose kind is in
   * `kinds` and whose ends are in `within` (all nodes when omitted). Iterative Tarjan.
   */
  components(kinds: ReadonlySet<EdgeKind>, within?: readonly number[]): number[][] {
    const member = within ? new Set(within) : undefined;
    const nodes = within ?? Array.from({ length: this.size }, (_, i) => i);
    const index = new Map<number, number>();
    const low = new Map<number, number>();
    const onStack = new Set<number>();
    const stack: number[] = [];
    const result: number[][] = [];
    let counter = 0;
    const usable = (e: Edge) => kinds.has(e.kind) && (member === undefined || member.has(e.to));
    for (const root of nodes) {
      if (index.has(root)) continue;
      // Frames: [node, next outgoing edge position].
      const frames: Array<[number, number]> = [[root, 0]];
      index.set(root, counter);
      low.set(root, counter);
      counter++;
      stack.push(root);
      onStack.add(root);
      while (frames.length > 0) {
        const frame = frames[frames.length - 1];
        const [v, at] = frame;
        const outs = this.out[v];
        if (at < outs.length) {
          frame[1]++;
          const e = this.edges[outs[at]];
          if (!usable(e)) continue;
          const w = e.to;
          if (!index.has(w)) {
            index.set(w, counter);
            low.set(w, counter);
            counter++;
            stack.push(w);
            onStack.add(w);
            frames.push([w, 0]);
          } else if (onStack.has(w)) {
            low.set(v, Math.min(low.get(v)!, index.get(w)!));
          }
          continue;
        }
        frames.pop();
        if (frames.length > 0) {
          const parent = frames[frames.length - 1][0];
          low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
        }
        if (low.get(v) === index.get(v)) {
          const scc: number[] = [];
          let w: number;
          do {
            w = stack.pop()!;
            onStack.delete(w);
            scc.push(w);
          } while (w !== v);
          if (scc.length > 1) result.push(scc.sort((a, b) => a - b));
        }
      }
    }
    return result;
  }

  /**
   * The shortest cycle through `start` inside `within`, using edges of `kinds`, as edge
   * indices; among parallel edges the one with the kind earliest in `prefer` is taken.
   */
  shortestCycleThrough(start: number, kinds: ReadonlySet<EdgeKind>, within: ReadonlySet<number>, prefer: readonly EdgeKind[]): number[] | undefined {
    const via = new Map<number, number>(); // node -> edge index that reached it
    const queue: number[] = [start];
    const seen = new Set<number>([start]);
    let closing: number | undefined;
    for (let head = 0; head < queue.length && closing === undefined; head++) {
      const v = queue[head];
      for (const ei of this.best(v, kinds, within, prefer)) {
        const w = this.edges[ei].to;
        if (w === start) {
          closing = ei;
          break;
        }
        if (seen.has(w)) continue;
        seen.add(w);
        via.set(w, ei);
        queue.push(w);
      }
    }
    if (closing === undefined) return undefined;
    const path = [closing];
    let node = this.edges[closing].from;
    while (node !== start) {
      const ei = via.get(node)!;
      path.push(ei);
      node = this.edges[ei].from;
    }
    return path.reverse();
  }

  /** Outgoing usable edges of v, one per target (the preferred kind), in first-seen target order. */
  private best(v: number, kinds: ReadonlySet<EdgeKind>, within: ReadonlySet<number>, prefer: readonly EdgeKind[]): number[] {
    const chosen = new Map<number, number>();
    for (const ei of this.out[v]) {
      const e = this.edges[ei];
      if (!kinds.has(e.kind) || !within.has(e.to)) continue;
      const prev = chosen.get(e.to);
      if (prev === undefined || prefer.indexOf(e.kind) < prefer.indexOf(this.edges[prev].kind)) chosen.set(e.to, ei);
    }
    return [...chosen.values()];
  }
}
