// The bank checker (Jepsen's bank test): money moves between accounts by transfers and is
// never created or destroyed, so every read that claims to be consistent (an ok read of
// all balances) sums to the bank's total, names exactly the bank's accounts, and shows no
// negative or missing balance. Transfers are not judged one by one: a transfer that lost or
// doubled money shows in the next read.
import type { HistoryEvent } from '../../sim/types.js';
import { HistoryParseError } from '../linearizability/types.js';
import { compareStrings } from '../linearizability/values.js';

export type BankAnomalyKind = 'wrong-total' | 'negative-value' | 'nil-balance' | 'unexpected-key' | 'missing-key';

export interface BankAnomaly {
  kind: BankAnomalyKind;
  /** The read's completion, as a position in the history. */
  index: number;
  process: number;
  timeUs: number;
  message: string;
  /** The balances read. */
  balances: Record<string, number | null>;
}

export interface BankOptions {
  /** The money in the bank. Undefined: taken from the first ok read (the result says so). */
  total?: number;
  /** The bank's accounts. Undefined: taken from the first ok read. */
  accounts?: readonly string[];
  /** Jepsen's `negative-balances?`: allow negative balances. Default false. */
  negativeAllowed?: boolean;
  /** Report at most this many anomalies of each kind (the counts stay whole). Default 20. */
  maxAnomaliesPerKind?: number;
}

export interface BankResult {
  verdict: 'valid' | 'invalid';
  total: number | undefined;
  /** Where the total came from: given, or the first ok read. */
  totalFrom: 'given' | 'first-read';
  accounts: number;
  reads: { ok: number; fail: number; info: number };
  transfers: { ok: number; fail: number; info: number };
  /** Ok reads that broke conservation, by kind (whole counts). */
  counts: Partial<Record<BankAnomalyKind, number>>;
  anomalies: BankAnomaly[];
  anomalyTypes: BankAnomalyKind[];
}

/** Check a bank history. A read completion whose value is not a map of balances is bad input (HistoryParseError naming the event). */
export function checkBank(events: readonly HistoryEvent[], options: BankOptions = {}): BankResult {
  const perKind = options.maxAnomaliesPerKind ?? 20;
  let total = options.total;
  let accounts = options.accounts ? [...options.accounts].sort(compareStrings) : undefined;
  const reads = { ok: 0, fail: 0, info: 0 };
  const transfers = { ok: 0, fail: 0, info: 0 };
  const counts: Partial<Record<BankAnomalyKind, number>> = {};
  const anomalies: BankAnomaly[] = [];
  events.forEach((ev, position) => {
    if (ev.type === 'invoke') return;
    if (ev.f === 'transfer') transfers[ev.type]++;
    if (ev.f !== 'read') return;
    reads[ev.type]++;
    if (ev.type !== 'ok') return;
    const balances = balancesOf(ev, position);
    const names = Object.keys(balances).sort(compareStrings);
    accounts ??= names;
    const known = new Set(accounts);
    let sum = 0;
    let nil = false;
    const found: Array<[BankAnomalyKind, string]> = [];
    for (const name of names) {
      const v = balances[name];
      if (!known.has(name)) found.push(['unexpected-key', `account ${name} is not one of the bank's (${accounts.join(', ')})`]);
      if (v === null) {
        nil = true;
        found.push(['nil-balance', `account ${name} has no balance`]);
        continue;
      }
      if (v < 0 && !options.negativeAllowed) found.push(['negative-value', `account ${name} has a negative balance ${v}`]);
      sum += v;
    }
    const missing = accounts.filter((a) => !(a in balances));
    if (missing.length > 0) found.push(['missing-key', `the read has no balance for ${missing.join(', ')}`]);
    total ??= sum;
    if (!nil && sum !== total) found.push(['wrong-total', `the balances sum to ${sum}, not the bank's total ${total} (${sum > total ? 'money created' : 'money lost'}: ${Math.abs(sum - total)})`]);
    for (const [kind, text] of found) {
      const n = (counts[kind] ?? 0) + 1;
      counts[kind] = n;
      if (n <= perKind) anomalies.push({ kind, index: ev.index, process: ev.process, timeUs: ev.timeUs, message: `read ${describe(balances, accounts)} by process ${ev.process}: ${text}`, balances });
    }
  });
  const anomalyTypes = (Object.keys(counts) as BankAnomalyKind[]).sort(compareStrings);
  return {
    verdict: anomalyTypes.length > 0 ? 'invalid' : 'valid',
    total,
    totalFrom: options.total !== undefined ? 'given' : 'first-read',
    accounts: accounts?.length ?? 0,
    reads,
    transfers,
    counts,
    anomalies,
    anomalyTypes,
  };
}

function balancesOf(ev: HistoryEvent, position: number): Record<string, number | null> {
  const v = ev.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new HistoryParseError(undefined, 'value', 'an ok read whose value maps each account to its balance', position);
  const out: Record<string, number | null> = {};
  for (const [name, balance] of Object.entries(v as Record<string, unknown>)) {
    if (balance !== null && (typeof balance !== 'number' || !Number.isFinite(balance))) {
      throw new HistoryParseError(undefined, 'value', `an ok read whose balances are numbers or nil (account ${name} has ${JSON.stringify(balance)})`, position);
    }
    out[name] = balance;
  }
  return out;
}

function describe(balances: Record<string, number | null>, accounts: readonly string[]): string {
  const names = [...new Set([...accounts, ...Object.keys(balances)])].sort(compareStrings);
  return `{${names.map((n) => `${n}: ${n in balances ? String(balances[n]) : '-'}`).join(', ')}}`;
}
