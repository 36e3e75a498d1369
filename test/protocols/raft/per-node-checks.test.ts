// The per-node after-event checks (monotonic-commit, committed-prefix-stable,
// commit-current-term) look only at view.changedNode after an event that can change one
// node. Whatever subset of them a run keeps, that must report what the same checks report
// looking at every node after every event: the same first violation (event, checker,
// message), or none.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { raftInvariants } from '../../../protocols/raft/invariants.js';
import type { RaftNode } from '../../../protocols/raft/node.js';
import { parseRaftOptions } from '../../../protocols/raft/options.js';
import { SENTINEL, type Entry } from '../../../protocols/raft/types.js';
import type { Invariant } from '../../../sim/types.js';
import { fcSeed } from '../../sim/fc-seed.js';
import { entry, FakeRaftView } from './fake-context.js';

const PARTS = ['monotonic-commit', 'committed-prefix-stable', 'commit-current-term'] as const;

interface FakeNode {
  role: RaftNode['role'];
  term: number;
  commitIndex: number;
  lastApplied: number;
  snapIndex: number;
  log: Entry[];
}

const fresh = (): FakeNode => ({ role: 'follower', term: 1, commitIndex: 0, lastApplied: 0, snapIndex: 0, log: [SENTINEL] });

class View extends FakeRaftView<FakeNode> {}

/** One event: which node it changes (-1: none; 'any': a fault, changedNode undefined) and how. */
interface Step {
  node: number | 'any';
  edit: number;
  x: number;
}

/** Apply one edit to a node (some break an invariant: that is the point). */
function edit(view: View, n: number, e: number, x: number): void {
  const a = view.actors[n];
  if (e === 0) view.actors[n] = undefined; // crash
  else if (e === 1) view.actors[n] = a === undefined ? fresh() : { ...a, log: [...a.log], commitIndex: 0, lastApplied: 0, role: 'follower' }; // restart: durable log kept
  if (a === undefined || e <= 1) return;
  const last = a.snapIndex + a.log.length - 1;
  switch (e) {
    case 2: // append
      a.log.push(entry(x % 2 === 0 ? a.term : Math.max(1, a.term - 1), last + 1));
      break;
    case 3: // commit forward (or, rarely, back)
      a.commitIndex = Math.max(0, Math.min(last, a.commitIndex + (x % 5) - 1));
      break;
    case 4: // apply up to the commit index (or, rarely, back)
      a.lastApplied = Math.max(0, x % 7 === 0 ? a.lastApplied - 1 : a.commitIndex);
      break;
    case 5: // truncate (maybe below the commit index)
      a.log.length = Math.max(1, a.log.length - 1 - (x % 3));
      break;
    case 6: // replace an entry in place (maybe committed)
      if (a.log.length > 1) {
        const i = 1 + (x % (a.log.length - 1));
        a.log[i] = entry(a.term + 1, a.snapIndex + i);
      }
      break;
    case 7: // become leader of a new term
      a.role = 'leader';
      a.term += 1;
      break;
    case 8: // step down
      a.role = 'follower';
      break;
    default: // compact below the commit index
      if (a.commitIndex > a.snapIndex) {
        const drop = a.commitIndex - a.snapIndex;
        a.log.splice(0, drop);
        a.snapIndex = a.commitIndex;
      }
  }
}

/**
 * Run the invariants over the steps as the kernel does (each afterEvent in order, the first
 * message ends it), then atEnd. `everyNode`: changedNode left undefined, so each check looks
 * at every node after every event (the reference: a node no event changed gives the same answer).
 */
function run(invariants: Invariant<RaftNode>[], nodes: number, steps: readonly Step[], everyNode = false): string {
  const view = new View(Array.from({ length: nodes }, fresh));
  const check = (i: number, hook: 'afterEvent' | 'atEnd'): string | undefined => {
    for (const inv of invariants) {
      const bad = inv[hook]?.(view);
      if (bad !== undefined) return `${hook} ${i} ${inv.name}: ${bad}`;
    }
    return undefined;
  };
  for (let i = 0; i < steps.length; i++) {
    const { node, edit: e, x } = steps[i];
    if (node === 'any') {
      for (let n = 0; n < nodes; n++) edit(view, n, e, x + n);
      view.changedNode = undefined;
    } else if (node >= nodes) view.changedNode = -1;
    else {
      edit(view, node, e, x);
      view.changedNode = node;
    }
    if (everyNode) view.changedNode = undefined;
    const bad = check(i, 'afterEvent');
    if (bad !== undefined) return bad;
  }
  return check(steps.length, 'atEnd') ?? 'none';
}

const kept = (names: readonly string[]): Invariant<RaftNode>[] => raftInvariants(parseRaftOptions({})).filter((i) => names.includes(i.name));

const stepArb = fc.record({
  node: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }) }, { weight: 1, arbitrary: fc.constant('any' as const) }),
  edit: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(2, 3) }, { weight: 4, arbitrary: fc.integer({ min: 0, max: 9 }) }),
  x: fc.nat(1000),
});

describe('per-node checks on the changed node', () => {
  it('report what they report looking at every node, for every subset a run keeps (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.subarray([...PARTS], { minLength: 1 }), fc.array(stepArb, { minLength: 5, maxLength: 80, size: 'max' }), (nodes, names, steps) => {
        expect(kept(names).map((i) => i.name)).toEqual(names);
        expect(run(kept(names), nodes, steps)).toBe(run(kept(names), nodes, steps, true));
      }),
      { seed: fcSeed, numRuns: 400 },
    );
  });

  it('scrubs after every event, whichever node it changed: an entry replaced below the top is found at the same event as looking at every node', () => {
    const long = (): FakeNode => {
      const a = fresh();
      for (let i = 1; i <= 12; i++) a.log.push(entry(1, i));
      a.commitIndex = a.lastApplied = 12;
      return a;
    };
    const found = (invariants: Invariant<RaftNode>[], everyNode: boolean): string => {
      const view = new View([long(), long()]);
      for (let i = 0; i < 12; i++) {
        if (i === 1) view.actors[0]!.log[3] = entry(2, 3); // below n1's top: only the scrub sees it
        view.changedNode = everyNode ? undefined : i % 2; // events of both nodes
        for (const inv of invariants) {
          const bad = inv.afterEvent!(view);
          if (bad !== undefined) return `${i} ${inv.name}: ${bad}`;
        }
      }
      return 'none';
    };
    const expected = found(kept(PARTS), true);
    expect(expected).toBe('7 committed-prefix-stable: n1 replaced log entry 3 (e3@1, term 1) by (e3@2, term 2), at or below its commit index 12');
    expect(found(kept(PARTS), false)).toBe(expected);
  });
});
