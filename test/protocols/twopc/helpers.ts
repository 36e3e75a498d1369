// Shared by the twopc suites: a run and its blocked-transactions finding, and the history
// checks the bank and list-append workloads get (main's checkers).
import { checkBank } from '../../../checkers/bank/index.js';
import { checkListAppend } from '../../../checkers/index.js';
import type { SimConfig } from '../../../sim/config.js';
import type { RunResult } from '../../../sim/result.js';
import type { HistoryEvent } from '../../../sim/types.js';
import { runSimulation } from '../../../sim/world.js';
import { bankAccounts, bankTotal } from '../../../workloads/bank.js';

/** A run (its config from loadScenario, so the protocol carries its standard checks) and the observer's finding. */
export function runObserved(config: SimConfig): RunResult & { finding: string | undefined } {
  const r = runSimulation(config);
  return { ...r, finding: r.observations.find((o) => o.checker === 'blocked-transactions')?.message };
}

/** Bank conservation (checkers/bank): the first anomaly's message, undefined when money is conserved. */
export function conservation(history: readonly HistoryEvent[], config: SimConfig): string | undefined {
  const w = config.clients.workload;
  return checkBank(history, { total: bankTotal(w), accounts: bankAccounts(w) }).anomalies[0]?.message;
}

export function okReads(history: readonly HistoryEvent[]): number {
  return history.filter((e) => e.type === 'ok' && e.f === 'read').length;
}

export const listAppendVerdict = (history: readonly HistoryEvent[]): string => checkListAppend(history, { consistency: 'strict-serializable' }).verdict;
