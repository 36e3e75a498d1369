// Read a history file into HistoryEvent[]: faultline's own JSON (an array, JSON lines, or
// an object with a `history` field), Jepsen console logs (Format A), Jepsen/Knossos EDN
// (Format B), and Porcupine's key-value files (EDN, one map per line). See
// shared/data/histories/FORMATS.md. File order is real-time order for logs and EDN: their
// events get timeUs = their position (EDN `:time` is not reliable for ordering).
import type { HistoryEvent } from '../../../sim/types.js';
import { HistoryParseError } from '../types.js';
import { canonicalKey, isNil } from '../values.js';
import { EdnReader, readEdn } from './edn.js';
import { readPorcupineKv } from './porcupine-kv.js';

export type HistoryFormat = 'faultline' | 'jepsen-log' | 'edn' | 'porcupine-kv';
export const historyFormats: readonly HistoryFormat[] = ['faultline', 'jepsen-log', 'edn', 'porcupine-kv'];

export interface ParsedHistory {
  format: HistoryFormat;
  events: HistoryEvent[];
  /** 1-based source line of each event (same positions as `events`). */
  lines: number[];
  /** Entries read but not client operations (nemesis ops, other log lines are not counted). */
  ignored: number;
}

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);
/** `... jepsen.util - <process> :<type> :<f> <value>` (tabs or spaces). */
// The value is taken greedily and trimmed afterwards: a lazy value before `\s*$` backtracks
// quadratically on a line with a long run of spaces.
const JEPSEN_LINE = /jepsen\.util\s+-\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(.*))?$/;

/** Which format `text` is in (never throws; unrecognisable text is reported by the parser). */
export function detectFormat(text: string): HistoryFormat {
  const t = stripBom(text);
  const i = firstSignificant(t);
  const c = t[i];
  if ((c === '[' || c === '{') && looksLikeJson(t, i)) return 'faultline';
  if (c === '[' || c === '(' || c === '{' || c === ';' || c === '#') return 'edn';
  for (const line of t.split('\n', 2000)) {
    const m = JEPSEN_LINE.exec(line);
    if (m && (/^\d+$/.test(m[1]) || m[1] === ':nemesis')) return 'jepsen-log';
  }
  return 'edn';
}

export function parseHistory(text: string, format: HistoryFormat | 'auto' = 'auto'): ParsedHistory {
  const t = stripBom(text);
  const f = format === 'auto' ? detectFormat(t) : format;
  switch (f) {
    case 'faultline':
      return parseFaultlineJson(t);
    case 'jepsen-log':
      return parseJepsenLog(t);
    case 'edn':
    case 'porcupine-kv': {
      // Porcupine's own files take the line reader; anything else (and every error) the EDN reader.
      const fast = readPorcupineKv(t);
      if (fast !== undefined) return { format: format === 'auto' ? 'porcupine-kv' : f, events: fast.events, lines: fast.lines, ignored: 0 };
      return parseEdnOrPorcupineKv(t, format === 'auto' ? 'auto' : f);
    }
  }
}

/**
 * EDN or Porcupine key-value text read with the general EDN reader (parseHistory's path for
 * whatever readPorcupineKv does not take): `auto` says porcupine-kv when every operation is
 * one, and `porcupine-kv` insists on it.
 */
export function parseEdnOrPorcupineKv(text: string, format: 'auto' | 'edn' | 'porcupine-kv'): ParsedHistory {
  const parsed = parseEdnHistory(text);
  const porcupine = isPorcupineKv(parsed);
  if (format === 'porcupine-kv' && porcupine !== true) {
    throw new HistoryParseError(parsed.lines[porcupine], porcupine === -1 ? undefined : 'f', 'a Porcupine key-value op: {:process P :type :invoke|:ok :f :get|:put|:append :key "K" :value "S"}');
  }
  return { ...parsed, format: format === 'auto' ? (porcupine === true && parsed.events.length > 0 ? 'porcupine-kv' : 'edn') : format };
}

// ---------------------------------------------------------------------------------------
// EDN (Format B) and Porcupine KV.

export function parseEdnHistory(text: string): ParsedHistory {
  const r = new EdnReader(text);
  const events: HistoryEvent[] = [];
  const lines: number[] = [];
  let ignored = 0;
  const add = (form: unknown, line: number): void => {
    const ev = ednEvent(form, line, events.length);
    if (ev) {
      events.push(ev);
      lines.push(line);
    } else ignored++;
  };
  if (!r.more()) return { format: 'edn', events, lines, ignored };
  const c = r.peek();
  if (c === '[' || c === '(') {
    // One collection of maps.
    const openLine = r.line;
    r.pos++;
    const elementLines: number[] = [];
    const forms = r.readSequence(c === '[' ? ']' : ')', openLine, (line) => elementLines.push(line));
    if (r.more()) r.fail('the end of the input after the collection of operations');
    forms.forEach((form, i) => add(form, elementLines[i]));
  } else {
    // One map per line (or per form).
    while (r.more()) {
      const line = r.line;
      add(r.read(), line);
    }
  }
  return { format: 'edn', events, lines, ignored };
}

function ednEvent(form: unknown, line: number, position: number): HistoryEvent | undefined {
  if (typeof form !== 'object' || form === null || Array.isArray(form)) {
    throw new HistoryParseError(line, undefined, 'an operation map {:process … :type … :f … :value …}');
  }
  const map = form as Record<string, unknown>;
  const process = map.process;
  if (process === 'nemesis') return undefined;
  if (typeof process !== 'number' || !Number.isInteger(process)) throw new HistoryParseError(line, 'process', 'an integer or :nemesis');
  const type = map.type;
  if (typeof type !== 'string' || !TYPES.has(type)) throw new HistoryParseError(line, 'type', 'one of :invoke, :ok, :fail, :info');
  const f = map.f;
  if (typeof f !== 'string' || f === '') throw new HistoryParseError(line, 'f', 'the operation, a keyword such as :read');
  const ev: HistoryEvent = { index: position, process, type: type as HistoryEvent['type'], f, timeUs: position };
  if ('value' in map) ev.value = map.value;
  if (!isNil(map.key)) ev.key = keyText(map.key);
  if (!isNil(map.error)) ev.error = typeof map.error === 'string' ? map.error : canonicalKey(map.error);
  return ev;
}

function keyText(k: unknown): string {
  return typeof k === 'string' ? k : canonicalKey(k);
}

/** true, or the position of the first event that does not fit (-1: no events at all). */
function isPorcupineKv(parsed: ParsedHistory): true | number {
  if (parsed.events.length === 0) return -1;
  const bad = parsed.events.findIndex((ev) => ev.key === undefined || !['get', 'put', 'append'].includes(ev.f));
  return bad < 0 ? true : bad;
}

// ---------------------------------------------------------------------------------------
// Jepsen console log (Format A).

export function parseJepsenLog(text: string): ParsedHistory {
  const events: HistoryEvent[] = [];
  const lines: number[] = [];
  let ignored = 0;
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const line = i + 1;
    const m = JEPSEN_LINE.exec(rows[i]);
    if (!m) continue; // other log lines
    const [, processText, typeText, fText, valueText] = m;
    if (processText === ':nemesis') {
      ignored++;
      continue;
    }
    if (!/^\d+$/.test(processText)) continue; // a jepsen.util line that is not an operation
    const type = typeText.startsWith(':') ? typeText.slice(1) : typeText;
    if (!TYPES.has(type)) throw new HistoryParseError(line, 'type', 'one of :invoke, :ok, :fail, :info');
    if (!fText.startsWith(':') || fText.length < 2) throw new HistoryParseError(line, 'f', 'the operation, a keyword such as :read');
    const ev: HistoryEvent = { index: events.length, process: Number(processText), type: type as HistoryEvent['type'], f: fText.slice(1), timeUs: events.length };
    const raw = (valueText ?? '').trimEnd();
    if (raw !== '') {
      let value: unknown;
      try {
        value = readEdn(raw, line);
      } catch (e) {
        if (e instanceof HistoryParseError) throw new HistoryParseError(line, 'value', `an EDN value (${e.expected})`);
        throw e;
      }
      // `:fail :read :timed-out`, `:info :cas :timed-out`: a reason, not a value.
      if ((type === 'fail' || type === 'info') && raw.startsWith(':')) ev.error = String(value);
      else ev.value = value;
    }
    events.push(ev);
    lines.push(line);
  }
  return { format: 'jepsen-log', events, lines, ignored };
}

// ---------------------------------------------------------------------------------------
// faultline's own JSON.

export function parseFaultlineJson(text: string): ParsedHistory {
  const { items, lines } = readJsonItems(text, 'history', 'a JSON array of history events, JSON lines, or an object with a "history" array');
  return faultlineEvents(items, (k) => lines[k] ?? 1);
}

/**
 * The items of a JSON file of records: a JSON array, an object whose `field` is an array, or
 * JSON lines (one object per line), with the 1-based line where each item starts. Errors
 * name the line; `expected` says what the file should be.
 */
export function readJsonItems(text: string, field: string, expected: string): { items: unknown[]; lines: number[] } {
  const i = firstSignificant(text);
  let root: unknown;
  let wholeError: SyntaxError | undefined;
  try {
    root = JSON.parse(text);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    wholeError = e;
  }
  if (wholeError === undefined && (Array.isArray(root) || (isRecord(root) && Array.isArray(root[field])))) {
    const items = Array.isArray(root) ? root : (root as Record<string, unknown[]>)[field];
    const lines = elementLines(text, !Array.isArray(root), field);
    return { items, lines: items.map((_, k) => lines[k] ?? 1) };
  }
  if (text[i] === '{') {
    // JSON lines: one item per line.
    const rows = text.split('\n');
    const items: unknown[] = [];
    const lines: number[] = [];
    rows.forEach((row, k) => {
      if (row.trim() === '') return;
      try {
        items.push(JSON.parse(row));
      } catch (e) {
        throw new HistoryParseError(k + 1, undefined, `a JSON object per line (${(e as Error).message})`);
      }
      lines.push(k + 1);
    });
    return { items, lines };
  }
  if (wholeError) throw new HistoryParseError(jsonErrorLine(text, wholeError), undefined, `valid JSON (${wholeError.message})`);
  throw new HistoryParseError(1, field, expected);
}

function faultlineEvents(items: readonly unknown[], lineOf: (k: number) => number): ParsedHistory {
  const events: HistoryEvent[] = [];
  const lines: number[] = [];
  const timed = items.length > 0 && isRecord(items[0]) && 'timeUs' in items[0];
  items.forEach((item, k) => {
    const line = lineOf(k);
    if (!isRecord(item)) throw new HistoryParseError(line, undefined, 'a history event object {"index","process","type","f","timeUs",...}');
    const { type, process, f, timeUs, index, key, error } = item;
    if (typeof type !== 'string' || !TYPES.has(type)) throw new HistoryParseError(line, 'type', 'one of "invoke", "ok", "fail", "info"');
    if (typeof process !== 'number' || !Number.isFinite(process)) throw new HistoryParseError(line, 'process', 'a process number');
    if (typeof f !== 'string' || f === '') throw new HistoryParseError(line, 'f', 'the operation name (a string)');
    if (timed && (typeof timeUs !== 'number' || !Number.isFinite(timeUs))) throw new HistoryParseError(line, 'timeUs', 'a time in microseconds (a number), as on the first event');
    if (index !== undefined && (typeof index !== 'number' || !Number.isInteger(index))) throw new HistoryParseError(line, 'index', 'an integer position');
    if (key !== undefined && key !== null && typeof key !== 'string' && typeof key !== 'number') throw new HistoryParseError(line, 'key', 'a string');
    const ev: HistoryEvent = { index: typeof index === 'number' ? index : k, process, type: type as HistoryEvent['type'], f, timeUs: timed ? (timeUs as number) : k };
    if ('value' in item) ev.value = item.value;
    if (key !== undefined && key !== null) ev.key = String(key);
    if (typeof error === 'string') ev.error = error;
    events.push(ev);
    lines.push(line);
  });
  return { format: 'faultline', events, lines, ignored: 0 };
}

// ---------------------------------------------------------------------------------------
// Helpers.

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function firstSignificant(text: string, from = 0): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i])) i++;
  return i;
}

/** `[` then `{"`, `[]`, `[{}`, or `{"`: JSON rather than EDN (whose maps start `{:`). */
function looksLikeJson(text: string, i: number): boolean {
  let j = firstSignificant(text, i + 1);
  if (text[i] === '{') return text[j] === '"' || text[j] === '}';
  if (text[j] === ']') return true;
  if (text[j] !== '{') return false;
  j = firstSignificant(text, j + 1);
  return text[j] === '"' || text[j] === '}';
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let k = 0; k < offset && k < text.length; k++) if (text.charCodeAt(k) === 10) line++;
  return line;
}

function jsonErrorLine(text: string, e: SyntaxError): number {
  const byLine = /\(line (\d+) column/.exec(e.message);
  if (byLine) return Number(byLine[1]);
  const byPosition = /at position (\d+)/.exec(e.message);
  return lineAt(text, byPosition ? Number(byPosition[1]) : text.trimEnd().length);
}

/**
 * The line where each element of the events array starts: the root array's elements, or
 * (`inHistory`) the elements of the root object's `field` array. A structural scan.
 */
function elementLines(text: string, inHistory: boolean, field = 'history'): number[] {
  const out: number[] = [];
  let line = 1;
  let depth = 0;
  let target = inHistory ? -1 : 1; // depth at which elements live; -1 until "history" is found
  let lastKey = '';
  let expectValue = false;
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (c === '\n') {
      line++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    if (c === '"') {
      let s = '';
      k++;
      while (k < text.length && text[k] !== '"') {
        if (text[k] === '\\') k++;
        else s += text[k];
        k++;
      }
      if (depth === target && !expectValue) out.push(line);
      if (depth === 1 && inHistory && target === -1) lastKey = s;
      expectValue = false;
      continue;
    }
    if (c === ':') {
      expectValue = true;
      continue;
    }
    if (c === ',') continue;
    if (c === '[' || c === '{') {
      if (depth === target) out.push(line);
      if (c === '[' && depth === 1 && target === -1 && lastKey === field && expectValue) target = 2;
      depth++;
      expectValue = false;
      continue;
    }
    if (c === ']' || c === '}') {
      depth--;
      if (target === 2 && depth === 1) target = -2; // past the history array
      continue;
    }
    // A scalar (number, true, false, null): consume it.
    if (depth === target && !expectValue) out.push(line);
    while (k + 1 < text.length && !/[\s,\]}]/.test(text[k + 1])) k++;
    expectValue = false;
  }
  return out;
}
