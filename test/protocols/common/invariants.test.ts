// The shared invariant helpers on hand-built views: each must accept a well-behaved
// sequence of states and reject a decrease, a removal or a changed prefix, with restarts
// (a new actor object; undefined while crashed) handled as its options say.
import { describe, expect, it } from 'vitest';
import { allOf, growsOnly, neverDecreases, prefixStable } from '../../../protocols/common/index.js';
import type { ClusterView, DurableStorage, Invariant, Note } from '../../../sim/types.js';
import { FakeStorage } from '../raft/fake-context.js';

interface Toy {
  v?: number;
  w?: number;
  members?: Iterable<string>;
  log?: string[];
  mark?: number;
}

class View implements ClusterView<Toy> {
  nowUs = 0;
  inLivenessPhase = false;
  readonly clientCount = 0;
  readonly storages: FakeStorage[];
  constructor(public actors: Array<Toy | undefined>) {
    this.storages = actors.map(() => new FakeStorage());
  }
  get nodeCount(): number {
    return this.actors.length;
  }
  actor(node: number): Toy | undefined {
    return this.actors[node];
  }
  storage(node: number): DurableStorage {
    return this.storages[node];
  }
  rolesOf(): readonly string[] {
    return ['server'];
  }
  nodesWith(): readonly number[] {
    return this.actors.map((_, i) => i);
  }
  clientActor(): undefined {
    return undefined;
  }
}

/** Run afterEvent once per step (each step edits the view first); the first message, and the step it came at. */
function steps(inv: Invariant<Toy>, view: View, edits: Array<(v: View) => void>): { step: number; message: string } | undefined {
  for (let i = 0; i < edits.length; i++) {
    edits[i](view);
    const bad = inv.afterEvent!(view);
    if (bad !== undefined) return { step: i, message: bad };
  }
  return undefined;
}

const note = (node: number, kind: string): Note => ({ node, kind, data: {}, timeUs: 0 });
const value = (a: Toy) => a.v;

describe('neverDecreases', () => {
  it('accepts a value that stays or grows, and skips nodes without one or crashed', () => {
    const a = { v: 1 };
    const view = new View([a, {}, undefined]);
    const inv = neverDecreases<Toy>('mono', value);
    expect(steps(inv, view, [() => {}, () => (a.v = 1), () => (a.v = 4), () => (view.actors[1] = { v: 0 }), () => (a.v = 9)])).toBeUndefined();
  });

  it('rejects a decrease within one incarnation, at the step it happens', () => {
    const a = { v: 3 };
    const view = new View([{ v: 0 }, a]);
    const bad = steps(neverDecreases<Toy>('mono', value, { what: 'commitIndex' }), view, [() => {}, () => (a.v = 5), () => (a.v = 4)]);
    expect(bad).toEqual({ step: 2, message: "n2's commitIndex went from 5 down to 4, within one incarnation" });
  });

  it('volatile by default: a restarted node (a new actor object) may start lower', () => {
    const view = new View([{ v: 7 }]);
    const inv = neverDecreases<Toy>('mono', value);
    expect(steps(inv, view, [() => {}, (v) => (v.actors[0] = undefined), (v) => (v.actors[0] = { v: 0 }), (v) => (v.actors[0]!.v = 2)])).toBeUndefined();
    // Even without seeing the crash: a different object is a new incarnation.
    expect(steps(inv, view, [(v) => (v.actors[0] = { v: 1 })])).toBeUndefined();
  });

  it('acrossRestarts: true holds a restarted node to what its previous incarnation last showed', () => {
    const view = new View([{ v: 7 }]);
    const inv = neverDecreases<Toy>('mono', value, { acrossRestarts: true });
    const bad = steps(inv, view, [() => {}, (v) => (v.actors[0] = undefined), (v) => (v.actors[0] = { v: 7 }), (v) => (v.actors[0] = { v: 6 })]);
    expect(bad).toEqual({ step: 3, message: "n1's mono went from 7 down to 6, across a restart (it is durable)" });
  });

  it('acrossRestarts as a storage reader: the durable copy never decreases, checked while the node is down too', () => {
    const view = new View([{ v: 5 }]);
    const s = view.storages[0];
    const inv = neverDecreases<Toy>('term', value, { acrossRestarts: (st) => st.get<number>('term'), what: 'term' });
    s.put('term', 2);
    s.sync();
    s.put('term', 5);
    // The actor's own value is volatile: a restart from 0 is fine while storage keeps 5.
    expect(steps(inv, view, [() => {}, (v) => (v.actors[0] = { v: 0 })])).toBeUndefined();
    // A crash that loses the unsynced write: the durable term goes back, while the node is down.
    const bad = steps(inv, view, [(v) => ((v.actors[0] = undefined), s.crash())]);
    expect(bad).toEqual({ step: 0, message: "n1's durable term went from 5 back to 2" });
  });

  it('a record of readers is checked in one pass, each named in its message', () => {
    const a = { v: 1, w: 1 };
    const inv = neverDecreases<Toy>('monotonic-commit', { commitIndex: (x) => x.v, lastApplied: (x) => x.w });
    const view = new View([a]);
    expect(steps(inv, view, [() => {}, () => (a.v = 3), () => (a.w = 0)])?.message).toBe("n1's lastApplied went from 1 down to 0, within one incarnation");
  });

  it('with `on`, runs on those notes only, for the noting node', () => {
    const a = { v: 5 };
    const b = { v: 5 };
    const view = new View([a, b]);
    const inv = neverDecreases<Toy>('mono', value, { on: ['commit'] });
    expect(inv.afterEvent).toBeUndefined();
    // The kernel hands it only these kinds (test/sim/notes.test.ts): it does not filter them again.
    expect(inv.notes).toEqual(['commit']);
    expect(inv.onNote!(note(0, 'commit'), view)).toBeUndefined();
    expect(inv.onNote!(note(1, 'commit'), view)).toBeUndefined();
    a.v = 1;
    expect(inv.onNote!(note(1, 'commit'), view)).toBeUndefined(); // n2 noted: n1 is not looked at
    expect(inv.onNote!(note(0, 'commit'), view)).toMatch(/n1's mono went from 5 down to 1/);
    expect(inv.onNote!(note(7, 'commit'), view)).toBeUndefined(); // a client actor's note
  });
});

describe('growsOnly', () => {
  const members = (a: Toy) => a.members;

  it('accepts a set that only grows (Sets or arrays, repeats counted once)', () => {
    const a: Toy = { members: new Set(['x']) };
    const view = new View([a, { members: [] }]);
    const inv = growsOnly<Toy>('grow', members);
    expect(steps(inv, view, [() => {}, () => (a.members = new Set(['x', 'y'])), () => (a.members = ['y', 'x', 'x', 'z']), () => {}])).toBeUndefined();
  });

  it('rejects a removal, also one hidden by an addition of the same size', () => {
    const set = new Set(['a', 'b']);
    const view = new View([{ members: set }]);
    const inv = growsOnly<Toy>('grow', members, { what: 'accepted ballots' });
    const bad = steps(inv, view, [() => {}, () => (set.delete('a'), set.add('c'))]);
    expect(bad).toEqual({ step: 1, message: 'n1\'s accepted ballots lost "a", within one incarnation' });
  });

  it('restarts: volatile by default (a new incarnation may start empty); acrossRestarts: true holds it', () => {
    const edits = [() => {}, (v: View) => (v.actors[0] = undefined), (v: View) => (v.actors[0] = { members: ['a'] })];
    expect(steps(growsOnly<Toy>('grow', members), new View([{ members: ['a', 'b'] }]), edits)).toBeUndefined();
    const bad = steps(growsOnly<Toy>('grow', members, { acrossRestarts: true }), new View([{ members: ['a', 'b'] }]), edits);
    expect(bad).toEqual({ step: 2, message: 'n1\'s grow lost "b", across a restart (it is durable)' });
  });

  it('acrossRestarts as a storage reader: the durable set never loses a member', () => {
    const view = new View([{ members: [] }]);
    const s = view.storages[0];
    s.put('set', ['p']);
    s.sync();
    s.put('set', ['p', 'q']);
    const inv = growsOnly<Toy>('grow', members, { acrossRestarts: (st) => st.get<string[]>('set'), what: 'decided set' });
    expect(steps(inv, view, [() => {}])).toBeUndefined();
    expect(steps(inv, view, [(v) => ((v.actors[0] = undefined), s.crash())])?.message).toBe('n1\'s durable decided set lost "q"');
  });
});

describe('prefixStable', () => {
  const log = (a: Toy) => a.log!.length;
  const at = (a: Toy, _n: number, i: number) => a.log![i];
  const mark = (a: Toy) => a.mark!;
  const opts = { length: log, at, watermark: mark, first: 1 };

  it('accepts appends, a rising watermark, and changes above the watermark', () => {
    const a: Toy = { log: ['s', 'a', 'b', 'c'], mark: 1 };
    const view = new View([a, { log: ['s'], mark: 0 }]);
    const inv = prefixStable<Toy, string>('prefix', opts);
    const ok = steps(inv, view, [
      () => {},
      () => (a.log = ['s', 'a', 'x', 'y']), // b, c were above the watermark
      () => (a.mark = 3),
      () => a.log!.push('z'),
      () => (a.log!.length = 4), // z was not frozen
    ]);
    expect(ok).toBeUndefined();
    expect(inv.atEnd!(view)).toBeUndefined();
  });

  it('with start (a compacted log), forgets what the actor discarded and still holds it to the rest', () => {
    // Absolute index i lives at log[i - off]: a snapshot raises off and drops the prefix.
    interface Compacted extends Toy {
      off: number;
    }
    const c = (a: Toy) => a as Compacted;
    const compacted = {
      length: (a: Toy) => c(a).off + a.log!.length,
      at: (a: Toy, _n: number, i: number) => a.log![i - c(a).off],
      watermark: mark,
      first: 1,
      start: (a: Toy) => c(a).off,
      scrubPerCheck: 100,
    };
    const a: Compacted = { log: ['s', 'a', 'b', 'c', 'd'], mark: 3, off: 0 };
    const ok = steps(prefixStable<Toy, string>('prefix', compacted), new View([a]), [
      () => {},
      () => {
        a.log = ['c', 'd']; // a snapshot covers 1..2: entries 3, 4 stay, at offset 3
        a.off = 3;
      },
      () => a.log!.push('e'),
    ]);
    expect(ok).toBeUndefined();
    const b: Compacted = { log: ['s', 'a', 'b', 'c', 'd'], mark: 3, off: 0 };
    const bad = steps(prefixStable<Toy, string>('prefix', compacted), new View([b]), [
      () => {},
      () => {
        b.log = ['c', 'd'];
        b.off = 3;
      },
      () => (b.log = ['C', 'd']), // entry 3 is still frozen: replaced
    ]);
    expect(bad?.step).toBe(2);
    // Without start the same compaction reads as a replaced prefix: the option is what makes it legal.
    const { start: _start, ...uncompacted } = compacted;
    const d: Compacted = { log: ['s', 'a', 'b', 'c', 'd'], mark: 3, off: 0 };
    const wrong = steps(prefixStable<Toy, string>('prefix', uncompacted), new View([d]), [
      () => {},
      () => {
        d.log = ['c', 'd'];
        d.off = 3;
      },
    ]);
    expect(wrong?.step).toBe(1);
  });

  it('rejects removing a frozen item (a truncation at or below the watermark), at that step', () => {
    const a: Toy = { log: ['s', 'a', 'b', 'c'], mark: 2 };
    const inv = prefixStable<Toy, string>('prefix', { ...opts, what: 'log entry', mark: 'commit index' });
    const bad = steps(inv, new View([a]), [() => {}, () => a.log!.push('d'), () => (a.log!.length = 2)]);
    expect(bad).toEqual({ step: 2, message: 'n1 no longer holds log entry 2 "b", at or below its commit index 2: it ends at 1' });
  });

  it('rejects replacing a frozen item, reporting the lowest one changed', () => {
    const a: Toy = { log: ['s', 'a', 'b', 'c'], mark: 3 };
    const bad = steps(prefixStable<Toy, string>('prefix', opts), new View([a]), [() => {}, () => (a.log = ['s', 'a', 'B', 'C', 'd'])]);
    expect(bad?.message).toBe('n1 replaced entry 2 "b" by "B", at or below its watermark 3');
  });

  it('a change under an unchanged top item is found by the rolling scrub, within frozen/scrubPerCheck checks', () => {
    const a: Toy = { log: ['s', 'a', 'b', 'c', 'd', 'e', 'f', 'g'], mark: 7 };
    const view = new View([a]);
    const inv = prefixStable<Toy, string>('prefix', { ...opts, scrubPerCheck: 2 });
    const edits = [() => {}, () => (a.log![2] = 'X'), ...Array.from({ length: 10 }, () => () => {})];
    const bad = steps(inv, view, edits);
    expect(bad?.message).toBe('n1 replaced entry 2 "b" by "X", at or below its watermark 7');
    expect(bad!.step).toBeLessThanOrEqual(1 + 7 / 2 + 1);
    // Without the scrub, the end check still finds it.
    const quiet = prefixStable<Toy, string>('prefix', { ...opts, scrubPerCheck: 0 });
    const b: Toy = { log: ['s', 'a', 'b', 'c'], mark: 3 };
    const v2 = new View([b]);
    expect(steps(quiet, v2, [() => {}, () => (b.log![1] = 'Y'), () => {}, () => {}, () => {}, () => {}])).toBeUndefined();
    expect(quiet.atEnd!(v2)).toBe('n1 replaced entry 1 "a" by "Y", at or below its watermark 3');
  });

  it('restarts: volatile by default drops the frozen prefix', () => {
    const inv = prefixStable<Toy, string>('prefix', opts);
    const view = new View([{ log: ['s', 'a', 'b'], mark: 2 }]);
    expect(steps(inv, view, [() => {}, (v) => (v.actors[0] = undefined), (v) => (v.actors[0] = { log: ['s'], mark: 0 })])).toBeUndefined();
  });

  it('acrossRestarts: true: the restarted node must hold the frozen prefix at once, and keep it though its watermark starts at 0', () => {
    const edits = [() => {}, (v: View) => (v.actors[0] = undefined), (v: View) => (v.actors[0] = { log: ['s', 'a'], mark: 0 })];
    const lost = steps(prefixStable<Toy, string>('prefix', { ...opts, acrossRestarts: true }), new View([{ log: ['s', 'a', 'b'], mark: 2 }]), edits);
    expect(lost).toEqual({ step: 2, message: 'n1 (restarted) no longer holds entry 2 "b", at or below its watermark 2: it ends at 1' });

    const a: Toy = { log: ['s', 'a', 'b'], mark: 0 };
    const kept = [() => {}, (v: View) => ((v.actors[0] as Toy).mark = 2), (v: View) => (v.actors[0] = a), () => a.log!.push('c'), () => (a.log = ['s', 'a', 'x'])];
    const bad = steps(prefixStable<Toy, string>('prefix', { ...opts, acrossRestarts: true }), new View([{ log: ['s', 'a', 'b'], mark: 0 }]), kept);
    expect(bad).toEqual({ step: 4, message: 'n1 replaced entry 2 "b" by "x", at or below its watermark 2' });
  });

  it('`same` decides equality (items compared by value), `show` formats them', () => {
    type E = { term: number };
    const view = new View([{ log: ['s', 'a'], mark: 1 }]);
    const a = view.actors[0]!;
    const terms: E[] = [{ term: 0 }, { term: 1 }];
    const inv = prefixStable<Toy, E>('prefix', {
      length: () => terms.length,
      at: (_a, _n, i) => terms[i],
      watermark: () => a.mark!,
      same: (x, y) => x.term === y.term,
      show: (e) => `(term ${e.term})`,
    });
    expect(steps(inv, view, [() => {}, () => (terms[1] = { term: 1 })])).toBeUndefined();
    expect(steps(inv, view, [() => (terms[1] = { term: 2 })])?.message).toBe('n1 replaced entry 1 (term 1) by (term 2), at or below its watermark 1');
  });
});

describe('allOf', () => {
  it('reports under one name, the first part that fails, with only the hooks its parts have', () => {
    const a = { v: 2, w: 2 };
    const view = new View([a]);
    const inv = allOf<Toy>('both', [neverDecreases<Toy>('x', (t) => t.v, { what: 'v' }), neverDecreases<Toy>('y', (t) => t.w, { what: 'w' })]);
    expect(inv.name).toBe('both');
    expect(inv.onNote).toBeUndefined();
    expect(inv.atEnd).toBeUndefined();
    expect(steps(inv, view, [() => {}, () => (a.w = 1)])?.message).toMatch(/^n1's w went from 2 down to 1/);
  });
});
