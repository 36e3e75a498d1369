// Read an external commit-protocol history: JSON lines, a JSON array, or an object with a
// "records" array, each record one of
//   {"kind":"begin","txn":"t1","participants":["p1","p2"]}
//   {"kind":"vote","txn":"t1","participant":"p1","vote":"yes"}
//   {"kind":"decide","txn":"t1","decision":"commit"}
//   {"kind":"outcome","txn":"t1","participant":"p1","outcome":"commit"}
// in the order they happened, with an optional "at" (a time, any unit). Errors name the
// line and the field.
import { readJsonItems } from '../linearizability/parse/history-formats.js';
import { HistoryParseError } from '../linearizability/types.js';
import type { AtomicityRecord } from './types.js';

const KINDS = ['begin', 'vote', 'decide', 'outcome'];

export function parseAtomicityRecords(text: string): { records: AtomicityRecord[]; lines: number[] } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const { items, lines } = readJsonItems(body, 'records', 'a JSON array of commit records, JSON lines, or an object with a "records" array');
  const records = items.map((item, k) => parseRecord(item, lines[k]));
  return { records, lines };
}

function parseRecord(item: unknown, line: number): AtomicityRecord {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new HistoryParseError(line, undefined, 'a record object {"kind","txn",...}');
  const r = item as Record<string, unknown>;
  const kind = r.kind;
  if (typeof kind !== 'string' || !KINDS.includes(kind)) throw new HistoryParseError(line, 'kind', `one of ${KINDS.map((k) => `"${k}"`).join(', ')}`);
  const txn = r.txn;
  if (typeof txn !== 'string' && typeof txn !== 'number') throw new HistoryParseError(line, 'txn', 'a transaction id (a string or number)');
  const at = r.at;
  if (at !== undefined && (typeof at !== 'number' || !Number.isFinite(at))) throw new HistoryParseError(line, 'at', 'a time (a number)');
  const base = { txn: String(txn), ...(at !== undefined ? { at } : {}) };
  const name = (field: string): string => {
    const v = r[field];
    if (typeof v !== 'string' && typeof v !== 'number') throw new HistoryParseError(line, field, 'a participant name (a string or number)');
    return String(v);
  };
  const oneOf = <T extends string>(field: string, values: readonly T[]): T => {
    const v = r[field];
    if (typeof v !== 'string' || !values.includes(v as T)) throw new HistoryParseError(line, field, `one of ${values.map((x) => `"${x}"`).join(', ')}`);
    return v as T;
  };
  switch (kind) {
    case 'begin': {
      const ps = r.participants;
      if (!Array.isArray(ps) || ps.length === 0 || !ps.every((p) => typeof p === 'string' || typeof p === 'number')) {
        throw new HistoryParseError(line, 'participants', 'a non-empty list of participant names');
      }
      return { kind, ...base, participants: ps.map(String) };
    }
    case 'vote':
      return { kind, ...base, participant: name('participant'), vote: oneOf('vote', ['yes', 'no'] as const) };
    case 'decide':
      return { kind, ...base, decision: oneOf('decision', ['commit', 'abort'] as const) };
    default:
      return { kind: 'outcome', ...base, participant: name('participant'), outcome: oneOf('outcome', ['commit', 'abort'] as const) };
  }
}
