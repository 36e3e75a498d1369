// The kernel's built-in clients, for replicated state machines: each is a process that
// sends its operation to a node, follows redirects, retries at another node after a
// request timeout (same session sequence number), and records the operation `info` when it
// stays open past its deadline, then continues as a new process (Jepsen's rule). A pinned
// client talks to its one node only; clients may start late and stop after a number of
// operations.
import type { ClientReply } from './actors.js';
import type { ClientConfig } from './config.js';
import { CLIENT_INVOKE, CLIENT_RETRY, CLIENT_TIMEOUT, DELIVER_REQUEST, type Core, type Ev } from './core.js';
import type { History, OpSource } from './history.js';
import type { Network } from './network.js';
import type { Prng } from './prng.js';
import { DELIVER_ROW } from './trace.js';
import { KernelError, kernelNever } from './errors.js';
import type { ClientRequest, Endpoint, Micros, NodeId, Op } from './types.js';

interface ClientProc {
  readonly index: number;
  readonly endpoint: Endpoint;
  readonly random: Prng;
  /** Jepsen process id; also the session client id. A new one after an indeterminate result. */
  process: number;
  seq: number;
  op: Op | undefined;
  opStartUs: Micros;
  target: NodeId;
  /** Sends every attempt to `target` (clients.pin). */
  readonly pinned: boolean;
  /** Operations invoked so far (against clients.opsPerClient). */
  issued: number;
  gen: number;
  done: boolean;
}

export class BuiltinClients {
  private readonly clients: ClientProc[] = [];

  constructor(
    private readonly core: Core,
    private readonly config: ClientConfig,
    private readonly network: Network,
    private readonly history: History,
    private readonly ops: OpSource,
    private readonly nodeCount: number,
    randoms: readonly Prng[],
    private readonly stopUs: Micros,
  ) {
    const pin = config.pin;
    if (!(pin === undefined || (pin.length === randoms.length && pin.every((n) => Number.isInteger(n) && n >= 0 && n < nodeCount)))) throw new KernelError(`clients.pin names one node per client (${randoms.length}), each below ${nodeCount}`);
    randoms.forEach((random, c) => {
      // The first target is drawn even for a pinned client: its stream stays the unpinned one's.
      const drawn = random.int(0, nodeCount - 1);
      this.clients.push({
        index: c,
        endpoint: nodeCount + c,
        random,
        process: c,
        seq: 0,
        op: undefined,
        opStartUs: 0,
        target: pin === undefined ? drawn : pin[c],
        pinned: pin !== undefined,
        issued: 0,
        gen: 0,
        done: false,
      });
    });
  }

  /** Schedule each client's first operation (after clients.start, when given). */
  start(): void {
    const think = this.config.thinkUs;
    const from = this.config.startUs ?? 0;
    for (const client of this.clients) this.core.schedule(from + client.random.int(think[0], think[1]), CLIENT_INVOKE, client.index, 0, 0, '', undefined);
  }

  /** The client endpoint whose current process is `process` (a reply to a retired process goes nowhere). */
  endpointOf(process: number): Endpoint | undefined {
    for (const c of this.clients) if (c.process === process) return c.endpoint;
    return undefined;
  }

  invoke(index: number): void {
    const c = this.clients[index];
    const limit = this.config.opsPerClient;
    if (this.core.nowTrue >= this.stopUs || (limit !== undefined && c.issued >= limit)) {
      c.done = true;
      return;
    }
    c.issued++;
    let op: Op;
    // The workload's generator is protocol code: its exception is the run's failure.
    try {
      op = this.ops.next(c.index);
    } catch (error) {
      this.core.caught(error, `workload ${this.ops.name}`, `nextOp (client c${c.index + 1})`, c.endpoint);
      return;
    }
    c.op = op;
    c.seq++;
    c.opStartUs = this.core.nowTrue;
    this.history.record(c.process, 'invoke', op, op.value, undefined, c.endpoint);
    this.send(c);
  }

  /**
   * Send (or send again) the open operation and arm its request timeout, never past the
   * operation's deadline. Every path leads here (invoke, retry, timeout, a redirect with a
   * hint); one that arrives at or after the deadline (a redirect can, while the client backs
   * off with no timeout armed) completes the operation `info` instead: a timeout armed at
   * the deadline would be in the past.
   */
  private send(c: ClientProc): void {
    const core = this.core;
    const deadline = c.opStartUs + this.config.opTimeoutUs;
    if (core.nowTrue >= deadline) return this.complete(c, 'info', c.op!.value, 'timeout');
    c.gen++;
    const req: ClientRequest = { clientId: c.process, seq: c.seq, op: c.op! };
    this.network.transmit(DELIVER_REQUEST, c.endpoint, c.target, req);
    core.schedule(Math.min(core.nowTrue + this.config.requestTimeoutUs, deadline), CLIENT_TIMEOUT, c.index, c.gen, 0, '', undefined);
  }

  private complete(c: ClientProc, type: 'ok' | 'fail' | 'info', value: unknown, error?: string): void {
    const op = c.op!;
    this.history.record(c.process, type, op, value, error, c.endpoint);
    c.op = undefined;
    c.gen++;
    // Jepsen: after an indeterminate result the process is never reused; a new one (and a new session) takes over.
    if (type === 'info') c.process = this.history.newProcess();
    const think = this.config.thinkUs;
    this.core.schedule(this.core.nowTrue + c.random.int(think[0], think[1]), CLIENT_INVOKE, c.index, 0, 0, '', undefined);
  }

  /** A node's reply arrives (DELIVER_REPLY). */
  deliver(ev: Ev): void {
    const core = this.core;
    if (this.network.isBlocked(ev.a, ev.b)) return this.network.drop(ev, 'partition');
    const c = this.clients[ev.b - this.nodeCount];
    const reply = ev.payload as ClientReply;
    if (core.log !== undefined) core.log.message(DELIVER_ROW, core.eventIndex, core.nowTrue, ev.a, ev.b, ev.payload, ev.c);
    if (c.op === undefined || reply.clientId !== c.process || reply.seq !== c.seq) return; // a stale reply
    const r = reply.response;
    switch (r.type) {
      case 'ok': {
        const isRead = c.op.value === undefined;
        const value = r.value !== undefined || isRead ? r.value : c.op.value;
        return this.complete(c, 'ok', value);
      }
      case 'fail':
        return this.complete(c, 'fail', c.op.value, r.error);
      case 'redirect': {
        c.gen++;
        if (c.pinned) {
          // A pinned client stays where it is: back off, then ask the same node again.
          core.schedule(core.nowTrue + Math.max(1_000, Math.floor(this.config.requestTimeoutUs / 10)), CLIENT_RETRY, c.index, c.gen, 0, '', undefined);
          return;
        }
        const hinted = r.leader !== undefined && r.leader !== c.target;
        c.target = hinted ? r.leader! : (c.target + 1) % this.nodeCount;
        if (hinted) return this.send(c);
        // No leader known: back off a little before trying the next node.
        const backoff = Math.max(1_000, Math.floor(this.config.requestTimeoutUs / 10));
        core.schedule(core.nowTrue + backoff, CLIENT_RETRY, c.index, c.gen, 0, '', undefined);
        return;
      }
      default:
        // ctx.reply checked the response: anything else here is faultline's bug.
        kernelNever(r, 'client response');
    }
  }

  retry(index: number, gen: number): void {
    const c = this.clients[index];
    if (c.op === undefined || c.gen !== gen) return;
    if (this.core.nowTrue >= c.opStartUs + this.config.opTimeoutUs) return this.complete(c, 'info', c.op.value, 'timeout');
    this.send(c);
  }

  timeout(index: number, gen: number): void {
    const c = this.clients[index];
    if (c.op === undefined || c.gen !== gen) return;
    if (this.core.nowTrue >= c.opStartUs + this.config.opTimeoutUs) return this.complete(c, 'info', c.op.value, 'timeout');
    if (!c.pinned) c.target = (c.target + 1) % this.nodeCount;
    this.send(c);
  }
}
