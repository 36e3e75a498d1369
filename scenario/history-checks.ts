// The transactional history checkers of a run: Elle-style serializability for list-append
// histories, conservation for bank histories. A history the checker cannot read (a read
// whose value is not a map of balances, a txn whose micro-ops are malformed) came from the
// protocol's code: it is a violation of the checker, never faultline's crash.
import { checkBank, type BankResult } from '../checkers/bank/index.js';
import { checkListAppend, type ElleResult } from '../checkers/elle/index.js';
import { HistoryParseError } from '../checkers/linearizability/index.js';
import type { Violation } from '../sim/result.js';
import type { HistoryEvent, WorkloadOptions } from '../sim/types.js';
import { bankAccounts, bankTotal } from '../workloads/bank.js';
import { CONSERVATION, SERIALIZABILITY } from './registry.js';

export type TransactionalResult = { checker: typeof SERIALIZABILITY; result: ElleResult } | { checker: typeof CONSERVATION; result: BankResult };

export interface TransactionalCheck {
  /** The checker's whole result, when it could read the history. */
  checked?: TransactionalResult;
  violation?: Violation;
  /** The history event the violation is about (a bank read), when there is one. */
  historyIndex?: number;
}

/** Run the named transactional checker over a run's history. `at` places a violation (the run's end). */
export function checkTransactional(checker: string, history: readonly HistoryEvent[], workload: WorkloadOptions, at: { atUs: number; event: number }): TransactionalCheck {
  const violation = (message: string): Violation => ({ kind: 'history', checker, message, atUs: at.atUs, event: at.event });
  try {
    if (checker === SERIALIZABILITY) {
      const result = checkListAppend(history, { consistency: 'strict-serializable' });
      const first = result.anomalies[0];
      const message = first ? `${result.anomalyTypes.join(', ')}: ${first.message}` : undefined;
      if (message === undefined) return { checked: { checker, result } };
      // Seen once the last of its transactions completed.
      const historyIndex = Math.max(...first.txns.map((t) => t.completeIndex ?? t.invokeIndex));
      return { checked: { checker, result }, violation: violation(`the list-append history is not strict serializable: ${message}`), ...(first.txns.length > 0 ? { historyIndex } : {}) };
    }
    if (checker === CONSERVATION) {
      const result = checkBank(history, { total: bankTotal(workload), accounts: bankAccounts(workload) });
      const first = result.anomalies[0];
      return { checked: { checker, result }, ...(first ? { violation: violation(`money is not conserved: ${first.message}`), historyIndex: first.index } : {}) };
    }
  } catch (error) {
    if (error instanceof HistoryParseError) return { violation: violation(`the client history cannot be checked: ${error.message}`) };
    throw error;
  }
  throw new TypeError(`no transactional checker ${checker}`);
}
