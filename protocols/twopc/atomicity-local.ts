// TEMPORARY stand-in for main's `atomicity` checker (checkers/), until the merge: the same
// rule over the same notes. Removed once main's checker is merged in.
import type { Invariant, Note } from '../../sim/types.js';
import type { TwoPcNode } from './node.js';

export class LocalAtomicity implements Invariant<TwoPcNode> {
  readonly name = 'atomicity';
  private readonly begun = new Map<string, number[]>();
  private readonly yes = new Map<string, Set<number>>();
  private readonly decided = new Map<string, string>();
  private readonly outcomes = new Map<string, Map<number, string>>();

  onNote(note: Note): string | undefined {
    const txn = note.data.txn as string;
    switch (note.kind) {
      case 'txn-begin':
        this.begun.set(txn, note.data.participants as number[]);
        return undefined;
      case 'txn-vote':
        if (note.data.vote === 'yes') {
          const s = this.yes.get(txn) ?? new Set<number>();
          s.add(note.node);
          this.yes.set(txn, s);
        }
        return undefined;
      case 'txn-decide': {
        const d = note.data.decision as string;
        const prev = this.decided.get(txn);
        if (prev !== undefined && prev !== d) return `${txn}: decided ${prev}, then ${d}`;
        this.decided.set(txn, d);
        if (d === 'commit') {
          const missing = (this.begun.get(txn) ?? []).filter((p) => !(this.yes.get(txn)?.has(p) ?? false));
          if (missing.length > 0) return `${txn}: committed without a yes vote from ${missing.map((p) => `n${p + 1}`).join(', ')}`;
        }
        return this.check(txn);
      }
      case 'txn-outcome': {
        const m = this.outcomes.get(txn) ?? new Map<number, string>();
        m.set(note.node, note.data.outcome as string);
        this.outcomes.set(txn, m);
        return this.check(txn);
      }
      default:
        return undefined;
    }
  }

  private check(txn: string): string | undefined {
    const m = this.outcomes.get(txn);
    if (m === undefined) return undefined;
    const d = this.decided.get(txn);
    const kinds = new Set(m.values());
    if (kinds.size > 1) return `${txn}: committed at some participants, aborted at others (${[...m].map(([n, o]) => `n${n + 1}:${o}`).join(' ')})`;
    if (d !== undefined && !kinds.has(d)) return `${txn}: decided ${d}, but a participant's outcome is ${[...kinds][0]}`;
    return undefined;
  }
}
