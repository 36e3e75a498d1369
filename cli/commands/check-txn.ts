// faultline check --model bank | atomicity: the conservation checker's and the atomicity
// checker's output (text lines, or one JSON object per file). check.ts owns reading files
// and errors.
import type { ChalkInstance } from 'chalk';
import type { AtomicityResult } from '../../checkers/atomicity/index.js';
import type { BankResult } from '../../checkers/bank/index.js';
import type { HistoryFormat, ParsedHistory } from '../../checkers/index.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
/** Anomalies shown in the text output; --json has them all (up to the per-kind limit). */
const TEXT_ANOMALIES = 10;

export type BankJson = { file: string; model: 'bank'; format: HistoryFormat; elapsedMs: number } & Omit<BankResult, 'anomalies'> & {
    anomalies: Array<BankResult['anomalies'][number] & { line?: number }>;
  };

function lineOfIndex(parsed: ParsedHistory): (index: number) => number | undefined {
  const byIndex = new Map<number, number>();
  parsed.events.forEach((ev, position) => byIndex.set(ev.index, parsed.lines[position]));
  return (index) => byIndex.get(index);
}

export function bankJson(file: string, format: HistoryFormat, r: BankResult, elapsedMs: number, parsed: ParsedHistory): BankJson {
  const lineOf = lineOfIndex(parsed);
  return {
    file,
    model: 'bank',
    format,
    elapsedMs,
    ...r,
    anomalies: r.anomalies.map((a) => {
      const line = lineOf(a.index);
      return { ...a, ...(line !== undefined ? { line } : {}) };
    }),
  };
}

export function bankLines(file: string, format: HistoryFormat, r: BankResult, elapsedMs: number, parsed: ParsedHistory, paint: ChalkInstance): string[] {
  const total = r.total === undefined ? 'no ok read' : `total ${r.total}${r.totalFrom === 'first-read' ? ' (from the first read; --total sets it)' : ''}`;
  const summary = `${plural(r.reads.ok, 'ok read')}, ${plural(r.transfers.ok, 'ok transfer')}, ${plural(r.accounts, 'account')}, ${total}, bank, ${format}, ${elapsedMs.toFixed(1)} ms`;
  const verdict = r.verdict === 'valid' ? paint.bold.green('conserved') : paint.bold.red('NOT conserved');
  const lines = [`${paint.bold(file)}: ${verdict} ${paint.dim(`(${summary})`)}`];
  if (r.anomalies.length === 0) return lines;
  const counts = r.anomalyTypes.map((k) => `${k} ×${r.counts[k]}`).join(', ');
  lines.push(`  anomalies: ${counts}`);
  const lineOf = lineOfIndex(parsed);
  for (const a of r.anomalies.slice(0, TEXT_ANOMALIES)) {
    const line = lineOf(a.index);
    lines.push(`  ${paint.red(a.kind)}: ${a.message}${line !== undefined ? paint.dim(` (line ${line})`) : ''}`);
  }
  if (r.anomalies.length > TEXT_ANOMALIES) lines.push(`  and ${r.anomalies.length - TEXT_ANOMALIES} more (--json lists them)`);
  return lines;
}

export type AtomicityJson = { file: string; model: 'atomicity'; elapsedMs: number } & Omit<AtomicityResult, 'anomalies'> & {
    anomalies: Array<AtomicityResult['anomalies'][number] & { line: number }>;
  };

export function atomicityJson(file: string, r: AtomicityResult, elapsedMs: number, lines: readonly number[]): AtomicityJson {
  return { file, model: 'atomicity', elapsedMs, ...r, anomalies: r.anomalies.map((a) => ({ ...a, line: lines[a.record] })) };
}

export function atomicityLines(file: string, r: AtomicityResult, elapsedMs: number, lines: readonly number[], paint: ChalkInstance): string[] {
  const summary = `${plural(r.txns, 'txn')} (${r.committed} committed, ${r.aborted} aborted, ${r.undecided} undecided), atomicity, ${elapsedMs.toFixed(1)} ms`;
  const verdict = r.verdict === 'valid' ? paint.bold.green('atomic') : paint.bold.red('NOT atomic');
  const out = [`${paint.bold(file)}: ${verdict} ${paint.dim(`(${summary})`)}`];
  for (const a of r.anomalies.slice(0, TEXT_ANOMALIES)) out.push(`  ${paint.red(a.kind)}: ${a.message}${paint.dim(` (line ${lines[a.record]})`)}`);
  if (r.anomalies.length > TEXT_ANOMALIES) out.push(`  and ${r.anomalies.length - TEXT_ANOMALIES} more (--json lists them)`);
  return out;
}
