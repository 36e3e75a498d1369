// Shared by the twopc suites: a run with the blocked-transactions observer attached, and the
// history checks the bank and list-append workloads get.
import { checkListAppend } from '../../../checkers/index.js';
import { twopc, twoPcObservers } from '../../../protocols/twopc/index.js';
import type { SimConfig } from '../../../sim/config.js';
import type { RunResult } from '../../../sim/result.js';
import type { ClusterView, HistoryEvent } from '../../../sim/types.js';
import { runSimulation } from '../../../sim/world.js';

/** Run with the observer fed every note (through an invariant that never fails); its finding at the end. */
export function runObserved(config: SimConfig): RunResult & { finding: string | undefined } {
  const observer = twoPcObservers()[0];
  let view: ClusterView<never> | undefined;
  const protocol = {
    ...twopc,
    invariants: (o: Record<string, unknown>) => [
      ...twopc.invariants(o),
      {
        name: 'observer-feed',
        onNote: (note: Parameters<NonNullable<typeof observer.onNote>>[0], v: ClusterView<never>) => {
          view = v;
          observer.onNote?.(note, v);
          return undefined;
        },
      },
    ],
  };
  const r = runSimulation({ ...config, protocol });
  const finding = view === undefined ? undefined : observer.atEnd(view, { livenessStartUs: config.faultsStopUs, endUs: r.simulatedUs, history: r.history });
  return { ...r, finding };
}

/** Bank conservation: every ok read has every account, none negative, summing to the total. Undefined when it holds. */
export function conservation(history: readonly HistoryEvent[], accounts: number, initialBalance: number): string | undefined {
  for (const e of history) {
    if (e.type !== 'ok' || e.f !== 'read') continue;
    const balances = e.value as Record<string, number>;
    const names = Object.keys(balances);
    const sum = Object.values(balances).reduce((a, b) => a + b, 0);
    if (names.length !== accounts || sum !== accounts * initialBalance || Object.values(balances).some((b) => b < 0)) {
      return `read at index ${e.index}: ${JSON.stringify(balances)} (total ${sum}, expected ${accounts * initialBalance})`;
    }
  }
  return undefined;
}

export function okReads(history: readonly HistoryEvent[]): number {
  return history.filter((e) => e.type === 'ok' && e.f === 'read').length;
}

export const listAppendVerdict = (history: readonly HistoryEvent[]): string => checkListAppend(history, { consistency: 'strict-serializable' }).verdict;
