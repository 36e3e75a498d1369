// A test double for the CLI: the smallest protocol the kernel can run. Node n1 holds a
// key-value map and answers every request itself; every other node redirects to n1. It is
// linearizable by construction (one copy, answered in arrival order), so a run passes unless
// a bug variant is switched on:
//   violate — n1 emits a `violation` note on its first request; the echo-safety invariant flags it.
//   crash   — n1 throws an AssertionError on its first request (a protocol exception: exit 1).
//   stale   — gets return nil whatever was written (the history is not linearizable).
import { assert, type Actor, type ClientRequest, type NodeContext, type OpContext, type Protocol, type Random, type WorkloadOptions } from '../../sim/types.js';

export type EchoMessage = never;

export class EchoActor implements Actor<EchoMessage> {
  private readonly data = new Map<string, unknown>();
  private served = 0;

  constructor(private readonly ctx: NodeContext<EchoMessage>) {}

  onStart(): void {}
  onMessage(): void {}
  onTimer(): void {}

  onRequest(req: ClientRequest): void {
    if (this.ctx.id !== 0) {
      this.ctx.reply(req, { type: 'redirect', leader: 0 });
      return;
    }
    this.served += 1;
    if (this.served === 1 && this.ctx.bug('violate')) this.ctx.note('violation', { seq: req.seq });
    assert(!(this.served === 1 && this.ctx.bug('crash')), 'echo: the crash bug variant fired');
    const key = req.op.key ?? '';
    switch (req.op.f) {
      case 'get':
        this.ctx.reply(req, { type: 'ok', value: this.ctx.bug('stale') ? null : (this.data.get(key) ?? null) });
        return;
      case 'put':
        this.data.set(key, req.op.value);
        this.ctx.reply(req, { type: 'ok' });
        return;
      default:
        this.ctx.reply(req, { type: 'fail', error: `unknown operation ${req.op.f}` });
    }
  }

  summary(): Record<string, unknown> {
    return { role: this.ctx.id === 0 ? 'leader' : 'follower', served: this.served };
  }
}

function weightedPick(random: Random, mix: Record<string, number>): string {
  const entries = Object.entries(mix).filter(([, weight]) => weight > 0);
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let draw = random.int(1, total);
  for (const [f, weight] of entries) {
    draw -= weight;
    if (draw <= 0) return f;
  }
  return entries[entries.length - 1][0];
}

export const echoProtocol: Protocol<EchoMessage, EchoActor> = {
  name: 'echo',
  description: 'Test double: n1 serves a key-value map, every other node redirects to it.',
  bugs: [
    { name: 'violate', description: 'n1 emits a violation note on its first request' },
    { name: 'crash', description: 'n1 throws an AssertionError on its first request' },
    { name: 'stale', description: 'gets return nil whatever was written' },
  ],
  model: 'kv',
  createActor: (ctx) => new EchoActor(ctx),
  invariants: () => [
    { name: 'echo-safety', onNote: (note) => (note.kind === 'violation' ? `n${note.node + 1} reported a violation` : undefined) },
  ],
  liveness: () => [{ name: 'echo-progress', atEnd: () => undefined }],
  workload: {
    name: 'echo-kv',
    description: 'gets and puts over keys k1..kN',
    defaultMix: { get: 1, put: 1 },
    defaultParams: {},
    nextOp({ random, counter }: OpContext, workload: WorkloadOptions) {
      const f = weightedPick(random, workload.mix);
      const key = `k${random.int(1, workload.keyCount)}`;
      return f === 'put' ? { f, key, value: counter } : { f, key };
    },
  },
};

export const protocol = echoProtocol;
