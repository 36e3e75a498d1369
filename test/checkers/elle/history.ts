// Build list-append histories for the Elle checker tests: each txn is given with its
// process, its completed micro-ops, its invoke and completion times, and its outcome.
import type { HistoryEvent } from '../../../sim/types.js';

export type Mop = ['append', string, number] | ['r', string, number[] | null];

export interface TxnSpec {
  p: number;
  ops: Mop[];
  start: number;
  end?: number;
  type?: 'ok' | 'fail' | 'info';
}

const invokeValue = (ops: Mop[]) => ops.map((m) => (m[0] === 'r' ? ['r', m[1], null] : m));

/** Events in time order (invokes before completions at equal times), indices in that order. */
export function history(txns: TxnSpec[]): HistoryEvent[] {
  const raw: Array<Omit<HistoryEvent, 'index'> & { order: number }> = [];
  txns.forEach((t, i) => {
    raw.push({ process: t.p, type: 'invoke', f: 'txn', value: invokeValue(t.ops), timeUs: t.start, order: i });
    if (t.end !== undefined) {
      const type = t.type ?? 'ok';
      raw.push({ process: t.p, type, f: 'txn', value: type === 'ok' ? t.ops : invokeValue(t.ops), timeUs: t.end, order: i });
    }
  });
  raw.sort((a, b) => a.timeUs - b.timeUs || (a.type === 'invoke' ? 0 : 1) - (b.type === 'invoke' ? 0 : 1) || a.order - b.order);
  return raw.map(({ order: _order, ...ev }, index) => ({ ...ev, index }));
}
