// Full recording keeps a node's summary each time its JSON text changes. The kernel decides
// "changed" without building texts when it can (flat summaries); what it keeps must be
// exactly what comparing the texts keeps, across the values JSON writes alike or not at all.
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../sim/world.js';
import type { Actor, ClientRequest, NodeContext, Protocol } from '../../sim/types.js';
import { toyConfig } from './config-helpers.js';

const fn = () => 1;
/** One summary per handler call, in order (then the last one again). */
const SUMMARIES: Array<Record<string, unknown>> = [
  { a: 1, b: 'x' },
  { a: 1, b: 'x' }, // same
  { a: 2, b: 'x' }, // a value
  { a: '2', b: 'x' }, // a type: "2" is not 2
  { a: NaN, b: 'x' },
  { a: null, b: 'x' }, // NaN and null both write null
  { a: Infinity, b: 'x' }, // so does Infinity
  { a: undefined, b: 'x' }, // the key drops out
  { a: fn, b: 'x' }, // as for a function
  { a: fn, b: 'x' }, // same function
  { b: 'x' }, // the same text with fewer keys
  { b: 'x', a: 1 }, // other order
  { b: 'x', a: [1] }, // nested
  { b: 'x', a: [1] }, // nested, same text
  { b: 'x', a: [2] },
  { b: 'x', a: true },
  { b: 'x', a: false },
  { b: 'x', a: 0 },
  { b: 'x', a: -0 }, // -0 writes 0
  { b: 'y', a: -0 },
];

class Summarised implements Actor<number> {
  private calls = 0;
  constructor(
    private readonly ctx: NodeContext<number>,
    private readonly script: ReadonlyArray<() => Record<string, unknown>> = SUMMARIES.map((s) => () => ({ ...s })),
  ) {}
  onStart(): void {
    if (this.ctx.id === 0) this.ctx.setTimer('tick', 1_000);
  }
  onMessage(): void {}
  onTimer(): void {
    this.ctx.setTimer('tick', 1_000);
  }
  onRequest(req: ClientRequest): void {
    this.ctx.reply(req, { type: 'ok' });
  }
  summary(): Record<string, unknown> {
    if (this.ctx.id !== 0) return { n: 0 };
    return this.script[Math.min(this.calls++, this.script.length - 1)]();
  }
}

const protocol: Protocol<number, Summarised> = {
  name: 'summarised',
  description: 'a fixed sequence of summaries (kernel tests only)',
  bugs: [],
  model: 'register',
  createActor: (ctx) => new Summarised(ctx),
  invariants: () => [],
  liveness: () => [],
  workload: { name: 'noop', description: 'reads', defaultMix: { read: 1 }, defaultParams: {}, nextOp: () => ({ f: 'read' }) },
};

/** The same protocol with node 0's summaries from `script` (one call per handler, then the last again). */
function scripted(script: ReadonlyArray<() => Record<string, unknown>>): Protocol<number, Summarised> {
  return { ...protocol, createActor: (ctx) => new Summarised(ctx, script) };
}

/** Node 0's state rows (their JSON) of a 40-handler run. */
function keptStates(p: Protocol<number, Summarised>): string[] {
  const run = runSimulation(toyConfig({ protocol: p as never, durationUs: 40_000, faultsStopUs: 30_000, record: 'full', clients: { ...toyConfig().clients, clients: 0 } }));
  return run.trace!.filter((e) => e.k === 'state' && e.node === 0).map((e) => JSON.stringify((e as { summary: unknown }).summary));
}

describe('full recording: node states', () => {
  it('keeps a summary exactly when its JSON text differs from the last one', () => {
    const run = runSimulation(toyConfig({ protocol: protocol as never, durationUs: 40_000, faultsStopUs: 30_000, record: 'full', clients: { ...toyConfig().clients, clients: 0 } }));
    const kept = run.trace!.filter((e) => e.k === 'state' && e.node === 0).map((e) => JSON.stringify((e as { summary: unknown }).summary));
    const want: string[] = [];
    let last = '';
    for (const s of SUMMARIES) {
      const text = JSON.stringify(s);
      if (text !== last) want.push(text);
      last = text;
    }
    expect(kept).toEqual(want);
  });

  it('takes the same frozen flat object again as unchanged, and compares everything else', () => {
    const one = Object.freeze({ a: 1 });
    const two = Object.freeze({ a: 2 });
    const twoAgain = Object.freeze({ a: 2 });
    expect(keptStates(scripted([() => one, () => one, () => two, () => two, () => twoAgain, () => one]))).toEqual(['{"a":1}', '{"a":2}', '{"a":1}']);
  });

  it('still sees a change in the same object when it is not frozen, or frozen with something nested', () => {
    // The same unfrozen object, changed between calls: each change is a state. (The rows hold
    // the object itself, so they all show its last value: count them.)
    const open: { a: number } = { a: 1 };
    const bump = (to: number) => () => {
      open.a = to;
      return open;
    };
    expect(keptStates(scripted([bump(1), bump(1), bump(2), bump(3), bump(3)]))).toHaveLength(3);
    // Frozen, but holding an array that changes: Object.freeze is shallow, so it is compared.
    const inner = [1];
    const shallow = Object.freeze({ a: inner });
    const grow = (n: number) => () => {
      inner.length = 0;
      for (let i = 1; i <= n; i++) inner.push(i);
      return shallow;
    };
    expect(keptStates(scripted([grow(1), grow(1), grow(2), grow(2)]))).toHaveLength(2);
  });
});
