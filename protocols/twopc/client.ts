// A client actor: takes operations from the workload (bank transfer / read, or a list-append
// txn), runs each as a transaction through the coordinator, and records the outcome: ok (the
// coordinator logged commit), fail (definitely aborted: a conflict, insufficient funds, a
// vote timeout), info (no answer within `opTimeoutUs`: it may have committed). An aborted
// attempt is retried as a new transaction (a new id) up to `retries` times, except when the
// funds are insufficient, which is the answer. Each BEGIN is sent once: a transaction id is
// never run twice, so a lost BEGIN or result ends as info.
//
// Transaction ids are `t<process>-<attempt>`: the kernel gives a restarted client (and one
// after an info) a new process, so ids are unique over the run.
import type { ClientActor, ClientContext, Endpoint, NodeId } from '../../sim/types.js';
import type { AbortReason, OpResult, TwoPcMsg, TxnOp } from './messages.js';
import type { TwoPcOptions } from './options.js';
import { completionValue, txnOfOp } from './txn.js';

const THINK = 'think';
const OP_TIMEOUT = 'op-timeout';
const RETRY = 'retry';

export class TwoPcClient implements ClientActor<TwoPcMsg> {
  private readonly coordinator: NodeId;
  /** The attempt in flight (its results are the only ones that count). */
  private txn: string | undefined;
  private ops: TxnOp[] = [];
  private attempt = 0;
  private seq = 0;

  constructor(
    readonly ctx: ClientContext<TwoPcMsg>,
    readonly options: TwoPcOptions,
  ) {
    this.coordinator = ctx.nodesWith('coordinator')[0];
  }

  onStart(): void {
    this.think();
  }

  private think(): void {
    const [lo, hi] = this.options.thinkUs;
    this.ctx.setTimer(THINK, Math.max(1, this.ctx.random.int(lo, hi)));
  }

  private next(): void {
    if (this.ctx.pending !== undefined) return;
    const op = this.ctx.nextOp();
    if (op === undefined) return;
    const ops = txnOfOp(op, Math.max(2, this.ctx.workload.keyCount));
    this.ctx.invoke(op);
    if (ops === undefined) {
      this.ctx.complete('fail', op.value, `twopc runs transfer, read and txn operations, not ${op.f}`);
      return this.think();
    }
    this.ops = ops;
    this.attempt = 0;
    this.ctx.setTimer(OP_TIMEOUT, this.options.opTimeoutUs);
    this.send();
  }

  private send(): void {
    this.attempt++;
    this.seq++;
    this.txn = `t${this.ctx.process}-${this.seq}`;
    this.ctx.send(this.coordinator, { type: 'begin', txn: this.txn, ops: this.ops });
  }

  onMessage(_from: Endpoint, msg: TwoPcMsg): void {
    if (msg.type !== 'result' || msg.txn !== this.txn || this.ctx.pending === undefined) return;
    this.txn = undefined;
    if (msg.decision === 'commit') return this.done('ok', completionValue(this.ctx.pending, msg.results ?? ([] as OpResult[])));
    const reason: AbortReason = msg.reason ?? 'aborted';
    if (reason !== 'insufficient-funds' && this.attempt <= this.options.retries) {
      const [lo, hi] = this.options.thinkUs;
      this.ctx.setTimer(RETRY, Math.max(1, this.ctx.random.int(lo, hi)));
      return;
    }
    this.done('fail', this.ctx.pending.value, reason);
  }

  private done(type: 'ok' | 'fail' | 'info', value: unknown, error?: string): void {
    this.ctx.cancelTimer(OP_TIMEOUT);
    this.ctx.cancelTimer(RETRY);
    this.txn = undefined;
    this.ctx.complete(type, value, error);
    this.think();
  }

  onTimer(name: string): void {
    if (name === THINK) return this.next();
    if (name === RETRY && this.ctx.pending !== undefined && this.txn === undefined) return this.send();
    if (name === OP_TIMEOUT && this.ctx.pending !== undefined) return this.done('info', this.ctx.pending.value, 'timeout');
  }

  summary(): Record<string, unknown> {
    return { role: 'client', txn: this.txn ?? null, attempt: this.attempt };
  }
}
