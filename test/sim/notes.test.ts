// Ghost notes: a checker that declares its kinds (`notes`) sees only those; a note's data is
// built only when something reads its kind (a checker, or the full trace); the hash counts
// every note, read or not.
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../sim/world.js';
import type { Actor, ClientRequest, Invariant, LivenessCheck, NodeContext, NodeId, Note, Observer, Protocol } from '../../sim/types.js';
import { toyConfig } from './config-helpers.js';

/** How often each builder ran in the current run. */
const built = { tick: 0, recv: 0 };
const tickNote = (n: number): Record<string, unknown> => {
  built.tick++;
  return { n };
};
const recvNote = (from: NodeId, n: number): Record<string, unknown> => {
  built.recv++;
  return { from, n };
};

class Noter implements Actor<number> {
  private n = 0;
  constructor(private readonly ctx: NodeContext<number>) {}
  onStart(): void {
    this.ctx.note('start');
    this.ctx.setTimer('tick', 1_000 + this.ctx.id);
  }
  onMessage(from: NodeId, n: number): void {
    this.ctx.note('recv', recvNote, from, n);
  }
  onTimer(): void {
    this.n++;
    this.ctx.note('tick', tickNote, this.n);
    this.ctx.send((this.ctx.id + 1) % this.ctx.nodes.length, this.n);
    this.ctx.setTimer('tick', 10_000);
  }
  onRequest(req: ClientRequest): void {
    this.ctx.reply(req, { type: 'ok' });
  }
  summary(): Record<string, unknown> {
    return { n: this.n };
  }
}

/** Every note an invariant, a liveness check and an observer saw, as `who:kind:data`. */
function noterProtocol(seen: string[], kinds: { invariant?: string[]; liveness?: string[]; observer?: string[] }): Protocol<number, Noter> {
  const log = (who: string) => (note: Note) => {
    seen.push(`${who}:${note.kind}:${JSON.stringify(note.data)}`);
  };
  const invariant: Invariant<unknown> = { name: 'inv', onNote: (note) => void log('inv')(note), ...(kinds.invariant ? { notes: kinds.invariant } : {}) };
  const liveness: LivenessCheck<unknown> = { name: 'live', onNote: log('live'), atEnd: () => undefined, ...(kinds.liveness ? { notes: kinds.liveness } : {}) };
  const observer: Observer<unknown> = { name: 'obs', onNote: log('obs'), atEnd: () => undefined, ...(kinds.observer ? { notes: kinds.observer } : {}) };
  return {
    name: 'noter',
    description: 'notes on every timer and message (kernel tests only)',
    bugs: [],
    model: 'register',
    createActor: (ctx) => new Noter(ctx),
    invariants: () => [invariant],
    liveness: () => [liveness],
    observers: () => [observer],
    workload: { name: 'noop', description: 'reads', defaultMix: { read: 1 }, defaultParams: {}, nextOp: () => ({ f: 'read' }) },
  };
}

function run(kinds: Parameters<typeof noterProtocol>[1], record: 'fuzz' | 'full') {
  const seen: string[] = [];
  built.tick = 0;
  built.recv = 0;
  const result = runSimulation(toyConfig({ protocol: noterProtocol(seen, kinds) as never, durationUs: 100_000, faultsStopUs: 50_000, record }));
  return { seen, result, built: { ...built } };
}

describe('ghost notes', () => {
  it('reach only the checkers that read their kind, in order: observers, liveness checks, invariants', () => {
    const { seen } = run({ invariant: ['tick'], liveness: ['recv'], observer: ['start', 'tick'] }, 'fuzz');
    expect(seen.filter((s) => s.startsWith('inv:')).every((s) => s.startsWith('inv:tick:'))).toBe(true);
    expect(seen.filter((s) => s.startsWith('live:')).every((s) => s.startsWith('live:recv:'))).toBe(true);
    expect(seen.filter((s) => s.startsWith('obs:')).map((s) => s.split(':')[1])).toEqual(expect.arrayContaining(['start', 'tick']));
    expect(seen.some((s) => s.startsWith('obs:recv'))).toBe(false);
    // The first tick note: the observer first, then the invariant; its data is what the builder built.
    const firstTick = seen.findIndex((s) => s.includes(':tick:'));
    expect(seen.slice(firstTick, firstTick + 2)).toEqual(['obs:tick:{"n":1}', 'inv:tick:{"n":1}']);
    expect(seen).toContain('obs:start:{}');
  });

  it('reach a checker that declares no kinds with every kind', () => {
    const { seen } = run({}, 'fuzz');
    const kinds = new Set(seen.filter((s) => s.startsWith('inv:')).map((s) => s.split(':')[1]));
    expect([...kinds].sort()).toEqual(['recv', 'start', 'tick']);
  });

  it('build their data only when some checker reads the kind, or the trace keeps every note', () => {
    const onlyTicks = run({ invariant: ['tick'], liveness: ['tick'], observer: ['tick'] }, 'fuzz');
    expect(onlyTicks.built.tick).toBeGreaterThan(0);
    expect(onlyTicks.built.recv).toBe(0);
    const none = run({ invariant: [], liveness: [], observer: [] }, 'fuzz');
    expect(none.built).toEqual({ tick: 0, recv: 0 });
    const full = run({ invariant: [], liveness: [], observer: [] }, 'full');
    expect(full.built.recv).toBeGreaterThan(0);
    const traced = full.result.trace!.filter((e) => e.k === 'note' && e.kind === 'recv');
    expect(traced.length).toBe(full.built.recv);
    expect(traced[0]).toMatchObject({ data: { from: expect.any(Number), n: expect.any(Number) } });
  });

  it('are hashed whether or not anything reads them', () => {
    const all = run({}, 'fuzz').result;
    const none = run({ invariant: [], liveness: [], observer: [] }, 'fuzz').result;
    expect(none.events).toBe(all.events);
    expect(none.hash).toBe(all.hash);
  });
});
