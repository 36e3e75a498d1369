// A small protocol for kernel tests: nodes gossip counters on a timer and keep a durable
// counter; any node serves client reads and writes of a local register (not linearizable
// on purpose: the kernel tests do not judge it). It notes every delivery so tests can see
// what the kernel did.
import type { Actor, ClientRequest, NodeContext, NodeId, Protocol } from '../../sim/types.js';

export type ToyMsg = { type: 'ping'; counter: number };

export class ToyNode implements Actor<ToyMsg> {
  /** Volatile: lost on crash. */
  volatileCounter = 0;
  register: unknown = undefined;
  constructor(
    readonly ctx: NodeContext<ToyMsg>,
    private readonly opts: { syncEvery: number; periodUs: number },
  ) {}
  get durable(): number {
    return this.ctx.storage.get<number>('counter') ?? 0;
  }
  onStart(): void {
    this.ctx.note('start', { durable: this.durable });
    this.ctx.setTimer('tick', this.ctx.random.int(1, this.opts.periodUs));
  }
  onMessage(from: NodeId, msg: ToyMsg): void {
    this.ctx.note('recv', { from, counter: msg.counter, local: this.ctx.now() });
  }
  onTimer(name: string): void {
    if (name !== 'tick') return;
    this.volatileCounter++;
    const next = this.durable + 1;
    this.ctx.storage.put('counter', next);
    if (next % this.opts.syncEvery === 0) this.ctx.storage.sync();
    this.ctx.send(this.ctx.random.pick(this.ctx.peers), { type: 'ping', counter: next });
    this.ctx.setTimer('tick', this.opts.periodUs);
  }
  onRequest(req: ClientRequest): void {
    if (req.op.f === 'write') {
      this.register = req.op.value;
      this.ctx.reply(req, { type: 'ok' });
    } else if (this.ctx.id === 0 || this.ctx.random.chance(500_000)) {
      this.ctx.reply(req, { type: 'ok', value: this.register });
    } else {
      this.ctx.reply(req, { type: 'redirect', leader: 0 });
    }
  }
  summary(): Record<string, unknown> {
    return { role: this.ctx.id === 0 ? 'leader' : 'follower', term: 1, counter: this.volatileCounter };
  }
}

export const toyProtocol: Protocol<ToyMsg, ToyNode> = {
  name: 'toy',
  description: 'gossip counters (kernel tests only)',
  bugs: [],
  model: 'register',
  createActor: (ctx, options) =>
    new ToyNode(ctx, { syncEvery: (options.syncEvery as number) ?? 1, periodUs: (options.periodUs as number) ?? 10_000 }),
  invariants: () => [],
  liveness: () => [],
  workload: {
    name: 'toy',
    description: 'reads and writes of one register',
    defaultMix: { read: 1, write: 1 },
    defaultParams: {},
    nextOp: ({ random, counter }) => (random.int(0, 1) === 0 ? { f: 'read' } : { f: 'write', value: counter }),
  },
};
