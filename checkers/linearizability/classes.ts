// The classes of identical indeterminate ops of one partition (same f, key and argument:
// the model cannot tell them apart), for the incremental check, and the per-op facts its
// returns ask for again and again: an op's Model.reach (asked by the lookahead and by each
// return while the op is a target, up to 64 times), and which classes may lead to it
// (Reach.via over the classes' representatives). Indeterminate ops stay pending to the end
// of a run, so the classes only grow between cuts: the classes that may lead to an op are
// scanned once per op and class, not once per return.
import type { Model, Operation, Reach } from './types.js';
import { canonicalKey } from './values.js';

/** What the check knows of one op, while it is open, queued or a class's representative. */
interface OpFacts {
  /** Its Model.reach (undefined: none). */
  readonly reach: Reach | undefined;
  /** Classes below this id have been tested against reach.via. */
  scanned: number;
  /** The forget generation `via` was filtered in. */
  generation: number;
  /** The classes whose representative reach.via accepts, ascending. */
  readonly via: number[];
}

export class PendingClasses {
  /** A representative of each class, by class id (ids ascending: insertion order). */
  readonly rep = new Map<number, Operation>();
  private readonly byText = new Map<string, number>();
  private next = 0;
  private generation = 0;
  /** By op (never iterated): dropped when the op returns, or is called as one more op of a known class, or its class is forgotten. */
  private readonly facts = new Map<Operation, OpFacts>();

  constructor(private readonly model: Model) {}

  get size(): number {
    return this.rep.size;
  }

  /** The class of an indeterminate op being called (a new one when no op like it is known). */
  classOf(op: Operation): number {
    const text = `${op.f}\u0000${canonicalKey(op.input)}`;
    let c = this.byText.get(text);
    if (c === undefined) {
      c = this.next++;
      this.byText.set(text, c);
      this.rep.set(c, op);
    } else this.facts.delete(op);
    return c;
  }

  private factsOf(op: Operation): OpFacts {
    let f = this.facts.get(op);
    if (f === undefined) {
      f = { reach: this.model.reach?.(op), scanned: 0, generation: this.generation, via: [] };
      this.facts.set(op, f);
    }
    return f;
  }

  /** Model.reach of `op`, computed once per op. */
  reach(op: Operation): Reach | undefined {
    return this.factsOf(op).reach;
  }

  /** The classes whose representative may lead to `op` (its reach's via accepts it), ascending (shared: do not change it). */
  helpers(op: Operation): readonly number[] {
    const f = this.factsOf(op);
    const r = f.reach;
    if (r === undefined) return f.via;
    if (f.generation !== this.generation) {
      let kept = 0;
      for (const c of f.via) if (this.rep.has(c)) f.via[kept++] = c;
      f.via.length = kept;
      f.generation = this.generation;
    }
    for (let c = f.scanned; c < this.next; c++) {
      const rep = this.rep.get(c);
      if (rep !== undefined && r.via(rep)) f.via.push(c);
    }
    f.scanned = this.next;
    return f.via;
  }

  /** A completed op has returned: its facts are no longer needed. */
  returned(op: Operation): void {
    this.facts.delete(op);
  }

  /** Forget every class not in `live`. */
  retain(live: ReadonlySet<number>): void {
    for (const [text, c] of this.byText) {
      if (!live.has(c)) {
        this.byText.delete(text);
        this.facts.delete(this.rep.get(c)!);
        this.rep.delete(c);
      }
    }
    this.generation++;
  }

  clear(): void {
    this.byText.clear();
    this.rep.clear();
    this.facts.clear();
    this.generation++;
  }
}
