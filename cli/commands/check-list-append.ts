// faultline check --model list-append: the Elle-style transactional checker's output (text
// lines or one JSON object per file). check.ts owns reading files and errors.
import type { ChalkInstance } from 'chalk';
import type { ElleResult, HistoryFormat, ParsedHistory, TxnRef } from '../../checkers/index.js';

/** One file's verdict as `--json` prints it: the checker's result, and where it came from. */
export type ListAppendJson = { file: string; model: 'list-append'; format: HistoryFormat; elapsedMs: number } & ElleResult;

type LineOf = (index: number) => number | undefined;

function lineLookup(parsed: ParsedHistory): LineOf {
  const byIndex = new Map<number, number>();
  parsed.events.forEach((ev, position) => byIndex.set(ev.index, parsed.lines[position]));
  return (index) => byIndex.get(index);
}

const withLines = (lineOf: LineOf) => (t: TxnRef): TxnRef & { invokeLine?: number; completeLine?: number } => {
  const a = lineOf(t.invokeIndex);
  const b = t.completeIndex !== undefined ? lineOf(t.completeIndex) : undefined;
  return { ...t, ...(a !== undefined ? { invokeLine: a } : {}), ...(b !== undefined ? { completeLine: b } : {}) };
};

export function listAppendJson(file: string, format: HistoryFormat, r: ElleResult, elapsedMs: number, parsed: ParsedHistory): ListAppendJson {
  const lines = withLines(lineLookup(parsed));
  return {
    file,
    verdict: r.verdict,
    model: 'list-append',
    consistency: r.consistency,
    format,
    txns: r.txns,
    committed: r.committed,
    aborted: r.aborted,
    indeterminate: r.indeterminate,
    keys: r.keys,
    edges: r.edges,
    elapsedMs,
    anomalyTypes: r.anomalyTypes,
    anomalies: r.anomalies.map((a) => ({ ...a, txns: a.txns.map(lines) })),
  };
}

/** Anomalies shown in the text output; --json has them all (up to the per-kind limit). */
const TEXT_ANOMALIES = 10;
/** Steps of a cycle shown in the text output (half from its start, half from its end). */
const CYCLE_STEPS = 12;

export function listAppendLines(file: string, format: HistoryFormat, r: ElleResult, elapsedMs: number, parsed: ParsedHistory, paint: ChalkInstance): string[] {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const summary = `${plural(r.txns, 'txn')} (${r.committed} ok, ${r.aborted} failed, ${r.indeterminate} indeterminate), ${plural(r.keys, 'key')}, ${plural(r.edges, 'edge')}, list-append, ${format}, ${elapsedMs.toFixed(1)} ms`;
  const verdict = r.verdict === 'valid' ? paint.bold.green(r.consistency) : r.verdict === 'invalid' ? paint.bold.red(`NOT ${r.consistency}`) : paint.bold.yellow('undecided');
  const lines = [`${paint.bold(file)}: ${verdict} ${paint.dim(`(${summary})`)}`];
  if (r.anomalies.length === 0) return lines;
  lines.push(`  anomalies: ${r.anomalyTypes.join(', ')}`);
  const lineOf = lineLookup(parsed);
  const where = (t: TxnRef): string => {
    const a = lineOf(t.invokeIndex);
    const b = t.completeIndex !== undefined ? lineOf(t.completeIndex) : undefined;
    return a === undefined ? '' : paint.dim(b !== undefined ? ` (lines ${a}–${b})` : ` (line ${a})`);
  };
  for (const a of r.anomalies.slice(0, TEXT_ANOMALIES)) {
    lines.push(`  ${paint.red(a.kind)}: ${a.message}`);
    const n = a.txns.length;
    a.txns.forEach((t, i) => {
      // Long cycles (real-time chains): the first and last steps.
      if (n > CYCLE_STEPS && i >= CYCLE_STEPS / 2 && i < n - CYCLE_STEPS / 2) {
        if (i === CYCLE_STEPS / 2) lines.push(`    … ${n - CYCLE_STEPS} more steps (--json lists them)`);
        return;
      }
      lines.push(`    ${t.text}${where(t)}`);
      const e = a.cycle?.[i];
      if (e) lines.push(`      ${paint.dim(`-${e.kind}->`)} ${e.why}`);
    });
  }
  if (r.anomalies.length > TEXT_ANOMALIES) lines.push(`  and ${r.anomalies.length - TEXT_ANOMALIES} more (--json lists them)`);
  return lines;
}
