// The client actor and the transaction helpers: how workload operations become
// transactions, and how outcomes become ok / fail / info in the history.
import { describe, expect, it } from 'vitest';
import { TwoPcClient } from '../../../protocols/twopc/client.js';
import type { TwoPcMsg } from '../../../protocols/twopc/messages.js';
import { completionValue, shardOf, splitTxn, txnOfOp } from '../../../protocols/twopc/txn.js';
import type { ClientContext, Op, OpResultType } from '../../../sim/types.js';
import { lowRandom } from '../recording-context.js';
import { LAYOUT, options } from './fake-context.js';

class FakeClientContext implements ClientContext<TwoPcMsg> {
  readonly id = 4;
  readonly index = 0;
  readonly nodes = [0, 1, 2, 3];
  readonly clients = [4];
  readonly workload = { keyCount: 6, mix: {}, params: { initialBalance: 100 } };
  readonly opTimeoutUs = 1_500_000;
  readonly thinkUs = [0, 10_000] as const;
  readonly random = lowRandom;
  process = 0;
  pending: Op | undefined;
  sent: Array<{ to: number; msg: TwoPcMsg }> = [];
  timers = new Map<string, number>();
  completed: Array<{ type: OpResultType; value: unknown; error?: string }> = [];
  constructor(private readonly ops: Op[]) {}
  nodesWith(role: string): readonly number[] {
    return this.nodes.filter((n) => LAYOUT[n].includes(role as never));
  }
  rolesOf(node: number): readonly string[] {
    return LAYOUT[node] ?? [];
  }
  now(): number {
    return 0;
  }
  send(to: number, msg: TwoPcMsg): void {
    this.sent.push({ to, msg });
  }
  setTimer(name: string, afterUs: number): void {
    this.timers.set(name, afterUs);
  }
  cancelTimer(name: string): void {
    this.timers.delete(name);
  }
  note(): void {}
  bug(): boolean {
    return false;
  }
  buggify(): boolean {
    return false;
  }
  nextOp(): Op | undefined {
    return this.ops.shift();
  }
  invoke(op: Op): void {
    this.pending = op;
  }
  complete(type: OpResultType, value?: unknown, error?: string): void {
    this.completed.push({ type, value, ...(error !== undefined ? { error } : {}) });
    this.pending = undefined;
    if (type === 'info') this.process += 1;
  }
}

const transfer: Op = { f: 'transfer', value: { from: 'a1', to: 'a2', amount: 5 } };

function started(ops: Op[]): { client: TwoPcClient; ctx: FakeClientContext } {
  const ctx = new FakeClientContext(ops);
  const client = new TwoPcClient(ctx, options);
  client.onStart();
  client.onTimer('think');
  return { client, ctx };
}
const lastBegin = (ctx: FakeClientContext) => ctx.sent.filter((s) => s.msg.type === 'begin').at(-1)!;

describe('transactions of workload operations', () => {
  it('shards a<i> / k<i> to participant (i - 1) % P', () => {
    expect([1, 2, 3, 4, 5, 6].map((i) => shardOf(`a${i}`, 3))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(shardOf('k7', 3)).toBe(0);
  });

  it('a transfer debits and credits; a read gets every account; a list-append txn keeps its micro-ops in order', () => {
    expect(txnOfOp(transfer, 6)).toEqual([{ f: 'add', key: 'a1', delta: -5 }, { f: 'add', key: 'a2', delta: 5 }]);
    expect(txnOfOp({ f: 'read' }, 3)).toEqual([{ f: 'get', key: 'a1' }, { f: 'get', key: 'a2' }, { f: 'get', key: 'a3' }]);
    const txn: Op = { f: 'txn', value: [['append', 'k1', 1], ['r', 'k1', null], ['r', 'k2', null]] };
    const ops = txnOfOp(txn, 6)!;
    expect(splitTxn(ops, [1, 2, 3]).map((p) => [p.node, p.positions])).toEqual([[1, [0, 1]], [2, [2]]]);
    expect(completionValue(txn, [null, [1], []])).toEqual([['append', 'k1', 1], ['r', 'k1', [1]], ['r', 'k2', []]]);
    expect(completionValue({ f: 'read' }, [100, 90, 110])).toEqual({ a1: 100, a2: 90, a3: 110 });
  });
});

describe('the client actor', () => {
  it('sends one BEGIN to the coordinator and completes ok on commit', () => {
    const { client, ctx } = started([transfer]);
    const begin = lastBegin(ctx);
    expect(begin.to).toBe(0);
    client.onMessage(0, { type: 'result', txn: (begin.msg as { txn: string }).txn, decision: 'commit', results: [null, null] });
    expect(ctx.completed).toEqual([{ type: 'ok', value: transfer.value }]);
  });

  it('re-runs an aborted attempt as a new transaction, then answers fail after the retries', () => {
    const { client, ctx } = started([transfer]);
    const ids: string[] = [];
    for (let attempt = 0; attempt <= options.retries; attempt++) {
      const txn = (lastBegin(ctx).msg as { txn: string }).txn;
      ids.push(txn);
      client.onMessage(0, { type: 'result', txn, decision: 'abort', reason: 'conflict' });
      if (attempt < options.retries) client.onTimer('retry');
    }
    expect(new Set(ids).size).toBe(options.retries + 1);
    expect(ctx.completed).toEqual([{ type: 'fail', value: transfer.value, error: 'conflict' }]);
  });

  it('insufficient funds is the answer at once (fail); a stale result is ignored', () => {
    const { client, ctx } = started([transfer]);
    const txn = (lastBegin(ctx).msg as { txn: string }).txn;
    client.onMessage(0, { type: 'result', txn: 'other', decision: 'commit', results: [] });
    expect(ctx.completed).toEqual([]);
    client.onMessage(0, { type: 'result', txn, decision: 'abort', reason: 'insufficient-funds' });
    expect(ctx.completed).toEqual([{ type: 'fail', value: transfer.value, error: 'insufficient-funds' }]);
  });

  it('no answer within opTimeoutUs: info, and a late commit for it is ignored', () => {
    const { client, ctx } = started([transfer, { f: 'read' }]);
    const txn = (lastBegin(ctx).msg as { txn: string }).txn;
    expect(ctx.timers.get('op-timeout')).toBe(options.opTimeoutUs);
    client.onTimer('op-timeout');
    expect(ctx.completed).toEqual([{ type: 'info', value: transfer.value, error: 'timeout' }]);
    client.onMessage(0, { type: 'result', txn, decision: 'commit', results: [null, null] });
    expect(ctx.completed).toHaveLength(1);
  });
});
