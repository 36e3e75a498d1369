// ABD: an atomic (linearizable) multi-writer register over a majority of servers, after
// Attiya, Bar-Noy and Dolev, "Sharing Memory Robustly in Message-Passing Systems" (1995),
// in its multi-writer form (Lynch and Shvartsman, 1997). docs/writing-a-protocol.md builds
// this file up step by step.
//
// Servers keep one tagged value: the highest tag they have stored (tag = [counter, writer],
// ordered by counter, then writer), durable before they acknowledge it. The writer is the
// client's Jepsen process, not its endpoint: a write that timed out may sit on a minority
// the next query misses, and the process changes after a timeout or a crash, so a tag is
// never reused for another value. Clients do all the
// work, in two phases that each wait for a majority:
// - write(v): query a majority for their tags; store v with the tag [max counter + 1, me].
// - read(): query a majority for their (tag, value); store the highest back to a majority
//   (the "write-back"), then return its value.
// Any two majorities intersect, so a phase always sees what an earlier completed phase left.
//
// Bug variant `no-write-back`: a read returns what it saw without storing it back. A later
// read can then meet a majority that has not seen the value yet and return an older one:
// a new-old inversion, not linearizable.
import type { ClientActor, ClientContext, Endpoint, Invariant, LivenessCheck, NodeContext, NodeId, Protocol, Actor, Op } from 'faultline';

/** A write's tag: [counter, writer process]. */
export type Tag = readonly [number, number];
export type Value = string | null;

export type Msg =
  | { type: 'query'; op: number }
  | { type: 'query-ok'; op: number; tag: Tag; value: Value }
  | { type: 'store'; op: number; tag: Tag; value: Value }
  | { type: 'store-ok'; op: number };

export const ZERO: Tag = [0, -1];

export function compareTags(a: Tag, b: Tag): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

// ---- Servers ------------------------------------------------------------------------

export class AbdServer implements Actor<Msg> {
  tag: Tag;
  value: Value;

  constructor(private readonly ctx: NodeContext<Msg>) {
    // A restart builds a new server: only what it synced survives.
    this.tag = ctx.storage.get<Tag>('tag') ?? ZERO;
    this.value = ctx.storage.get<Value>('value') ?? null;
  }

  onStart(): void {}

  onMessage(from: Endpoint, msg: Msg): void {
    if (msg.type === 'query') {
      this.ctx.send(from, { type: 'query-ok', op: msg.op, tag: this.tag, value: this.value });
    } else if (msg.type === 'store') {
      if (compareTags(msg.tag, this.tag) > 0) {
        this.tag = msg.tag;
        this.value = msg.value;
        this.ctx.storage.put('tag', msg.tag);
        this.ctx.storage.put('value', msg.value);
        this.ctx.storage.sync(); // durable before the ack leaves
        this.ctx.note('stored', { tag: [...msg.tag], value: msg.value });
      }
      this.ctx.send(from, { type: 'store-ok', op: msg.op });
    }
  }

  onTimer(): void {}
  onRequest(): void {}

  summary(): Record<string, unknown> {
    return { role: 'server', tag: `${this.tag[0]}.${this.tag[1]}`, value: this.value };
  }
}

// ---- Clients ------------------------------------------------------------------------

/** How long a client waits for a majority before it gives up on the operation. */
const OP_TIMEOUT_US = 200_000;
const THINK_US = 5_000;

type Phase =
  | { kind: 'idle' }
  | { kind: 'query'; op: number; replies: Map<NodeId, { tag: Tag; value: Value }> }
  | { kind: 'store'; op: number; acks: Set<NodeId>; result: Value };

export class AbdClient implements ClientActor<Msg> {
  phase: Phase = { kind: 'idle' };
  private opCounter = 0;

  constructor(private readonly ctx: ClientContext<Msg>) {}

  private get majority(): number {
    return Math.floor(this.ctx.nodes.length / 2) + 1;
  }

  onStart(): void {
    this.ctx.setTimer('think', this.ctx.random.int(0, THINK_US));
  }

  private begin(op: Op): void {
    this.ctx.invoke(op);
    this.opCounter += 1;
    this.phase = { kind: 'query', op: this.opCounter, replies: new Map() };
    for (const node of this.ctx.nodes) this.ctx.send(node, { type: 'query', op: this.opCounter });
    this.ctx.setTimer('op-timeout', OP_TIMEOUT_US);
  }

  onMessage(from: Endpoint, msg: Msg): void {
    const phase = this.phase;
    const op = this.ctx.pending;
    if (op === undefined) return;
    if (msg.type === 'query-ok' && phase.kind === 'query' && msg.op === phase.op) {
      phase.replies.set(from, { tag: msg.tag, value: msg.value });
      if (phase.replies.size < this.majority) return;
      let highest = { tag: ZERO, value: null as Value };
      for (const reply of phase.replies.values()) if (compareTags(reply.tag, highest.tag) > 0) highest = reply;
      if (op.f === 'write') {
        this.store([highest.tag[0] + 1, this.ctx.process], op.value as string, op.value as string);
      } else if (this.ctx.bug('no-write-back')) {
        this.finish('ok', highest.value);
      } else {
        this.store(highest.tag, highest.value, highest.value);
      }
    } else if (msg.type === 'store-ok' && phase.kind === 'store' && msg.op === phase.op) {
      phase.acks.add(from);
      if (phase.acks.size >= this.majority) this.finish('ok', phase.result);
    }
  }

  private store(tag: Tag, value: Value, result: Value): void {
    this.opCounter += 1;
    this.phase = { kind: 'store', op: this.opCounter, acks: new Set(), result };
    for (const node of this.ctx.nodes) this.ctx.send(node, { type: 'store', op: this.opCounter, tag, value });
  }

  private finish(type: 'ok' | 'fail' | 'info', value: unknown, error?: string): void {
    this.ctx.complete(type, value, error);
    this.phase = { kind: 'idle' };
    this.ctx.cancelTimer('op-timeout');
    this.ctx.setTimer('think', this.ctx.random.int(0, THINK_US));
  }

  onTimer(name: string): void {
    if (name === 'think' && this.ctx.pending === undefined) {
      const op = this.ctx.nextOp();
      if (op !== undefined) this.begin(op);
    } else if (name === 'op-timeout' && this.ctx.pending !== undefined) {
      // A write may have reached some servers: indeterminate. A read changed nothing new.
      const op = this.ctx.pending;
      if (op.f === 'write') this.finish('info', op.value, 'timeout');
      else this.finish('fail', undefined, 'timeout');
    }
  }

  summary(): Record<string, unknown> {
    return { role: 'client', phase: this.phase.kind, op: this.ctx.pending?.f ?? '-' };
  }
}

// ---- Invariants and liveness ----------------------------------------------------------

/** No two stores anywhere carry the same tag with different values (tags name writes). */
export function uniqueTags(): Invariant<AbdServer> {
  const seen = new Map<string, Value>();
  return {
    name: 'unique-tags',
    onNote(note) {
      if (note.kind !== 'stored') return undefined;
      const tag = (note.data.tag as number[]).join('.');
      const value = note.data.value as Value;
      const before = seen.get(tag);
      if (before !== undefined && before !== value) return `tag ${tag} stored with ${JSON.stringify(before)} and with ${JSON.stringify(value)} (at n${note.node + 1})`;
      seen.set(tag, value);
      return undefined;
    },
  };
}

/** A server's tag never goes down, across restarts too (it is durable). */
export function monotonicTags(): Invariant<AbdServer> {
  const last = new Map<NodeId, Tag>();
  return {
    name: 'monotonic-tags',
    afterEvent(view) {
      for (let node = 0; node < view.nodeCount; node++) {
        const server = view.actor(node);
        if (server === undefined) continue;
        const before = last.get(node) ?? ZERO;
        if (compareTags(server.tag, before) < 0) return `n${node + 1}'s tag went from ${before.join('.')} to ${server.tag.join('.')}`;
        last.set(node, server.tag);
      }
      return undefined;
    },
  };
}

/** Once faults stop, operations complete again. */
export function progress(): LivenessCheck<AbdServer> {
  return {
    name: 'progress',
    atEnd(_view, { livenessStartUs, endUs, history }) {
      if (endUs - livenessStartUs < 500_000) return undefined;
      const completed = history.some((e) => e.type === 'ok' && e.timeUs >= livenessStartUs);
      return completed ? undefined : `no operation completed in the ${endUs - livenessStartUs}us after faults stopped`;
    },
  };
}

export const protocol: Protocol<Msg, AbdServer> = {
  name: 'abd',
  description: 'ABD multi-writer atomic register over a majority of servers (client-driven two-phase reads and writes)',
  roles: [{ name: 'server', count: 3 }],
  model: 'cas-register',
  workload: 'register',
  bugs: [{ name: 'no-write-back', description: 'a read returns the highest value it saw without storing it back to a majority' }],
  createActor: (ctx) => new AbdServer(ctx),
  createClient: (ctx) => new AbdClient(ctx),
  invariants: () => [uniqueTags(), monotonicTags()],
  liveness: () => [progress()],
};
