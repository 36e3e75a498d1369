// A test double that breaks the kernel, to show that faultline's own assertions are still
// internal errors (exit 4) now that exceptions in protocol code are protocol failures
// (exit 1). No real protocol can do this: its invariant reaches through the ClusterView
// into the kernel's private parts (the view is the World) and starts node n1 a second
// time while it is up. The kernel's own check ("node n1 is already up", a KernelError)
// fires inside the invariant's handler boundary, itself inside n1's onStart boundary, and
// must go through both.
import type { Actor, ClientRequest, NodeContext, Protocol } from '../../sim/types.js';

interface KernelInsides {
  actors: { slots: unknown[]; start(slot: unknown): void };
}

class Node implements Actor<never> {
  constructor(private readonly ctx: NodeContext<never>) {}
  onStart(): void {
    if (this.ctx.id === 0) this.ctx.note('started', {});
  }
  onMessage(): void {}
  onTimer(): void {}
  onRequest(req: ClientRequest): void {
    this.ctx.reply(req, { type: 'ok' });
  }
  summary(): Record<string, unknown> {
    return {};
  }
}

export const protocol: Protocol<never, Node> = {
  name: 'kernel-breaker',
  description: 'Test double: an invariant that makes the kernel start a node twice.',
  bugs: [],
  model: 'kv',
  createActor: (ctx) => new Node(ctx),
  invariants: () => [
    {
      name: 'breaker',
      onNote: (_note, view) => {
        const kernel = view as unknown as KernelInsides;
        kernel.actors.start(kernel.actors.slots[0]);
        return undefined;
      },
    },
  ],
  liveness: () => [],
  workload: 'kv',
};
