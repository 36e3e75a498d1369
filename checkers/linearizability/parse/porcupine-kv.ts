// The fast path for Porcupine's key-value logs (issue #14: a first check in a fresh process).
// Porcupine's test files hold one operation per line, always written the same way:
//
//   {:process 3, :type :invoke, :f :append, :key "4", :value "x 3 0 y"}
//   {:process 3, :type :ok, :f :get, :key "4", :value "x 0 0 yx 3 0 y"}
//   {:process 3, :type :invoke, :f :get, :key "4", :value nil}
//
// readPorcupineKv reads exactly that form line by line: fixed separators found with
// startsWith and indexOf (no regular expression, no EDN tree, no per-character loop but
// over the process number), building the events directly. Anything else on any line (other
// spacing or field order, an escape or a quote in a string, a comment, a number or a
// keyword as value, another operation than get/put/append, a nemesis op) returns undefined,
// and the caller reads the whole file with the general EDN reader, which gives the same
// events for every file this reader accepts (test/checkers/linearizability/
// porcupine-fast-path.test.ts holds it to that) and reports errors with the line and field.
import type { HistoryEvent } from '../../../sim/types.js';

const PROCESS = '{:process ';
const TYPE = ', :type :';
const F = ', :f :';
const KEY = ', :key "';
const VALUE = '", :value ';
/** More digits could leave the safe integers, where the EDN reader keeps the text. */
const PROCESS_DIGITS_MAX = 15;

const CR = 13;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const QUOTE = 34;
const CLOSE_BRACE = 125;

/** The events of a Porcupine key-value log and their 1-based lines, or undefined when the text is not entirely in Porcupine's own form (or has no operation). */
export function readPorcupineKv(text: string): { events: HistoryEvent[]; lines: number[] } | undefined {
  const events: HistoryEvent[] = [];
  const lines: number[] = [];
  const length = text.length;
  let start = 0;
  let line = 1;
  while (start < length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = length;
    // A CR before the LF is whitespace to the EDN reader, as is an empty line.
    const stop = end > start && text.charCodeAt(end - 1) === CR ? end - 1 : end;
    if (stop > start) {
      const ev = readLine(text, start, stop, events.length);
      if (ev === undefined) return undefined;
      events.push(ev);
      lines.push(line);
    }
    start = end + 1;
    line++;
  }
  return events.length > 0 ? { events, lines } : undefined;
}

/** One line, text[start, stop) (no LF inside): its event, or undefined when it is not in the canonical form. */
function readLine(text: string, start: number, stop: number, position: number): HistoryEvent | undefined {
  if (!text.startsWith(PROCESS, start)) return undefined;
  let i = start + PROCESS.length;
  const digits = i;
  let process = 0;
  while (i < stop) {
    const c = text.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) break;
    process = process * 10 + (c - DIGIT_0);
    i++;
  }
  if (i === digits || i - digits > PROCESS_DIGITS_MAX || !text.startsWith(TYPE, i)) return undefined;
  i += TYPE.length;
  // The type and the function as constants, not slices of the text: fewer strings to allocate
  // (a first check in a fresh process runs before the first scavenge when it allocates little).
  // Each is followed by the comma of the next field, which lies before `stop` (text[stop] ends the line).
  const type = text.startsWith('invoke,', i) ? 'invoke' : text.startsWith('ok,', i) ? 'ok' : text.startsWith('fail,', i) ? 'fail' : text.startsWith('info,', i) ? 'info' : undefined;
  if (type === undefined) return undefined;
  const typeEnd = i + type.length;
  if (!text.startsWith(F, typeEnd)) return undefined;
  i = typeEnd + F.length;
  const f = text.startsWith('get,', i) ? 'get' : text.startsWith('put,', i) ? 'put' : text.startsWith('append,', i) ? 'append' : undefined;
  if (f === undefined) return undefined;
  const fEnd = i + f.length;
  if (!text.startsWith(KEY, fEnd)) return undefined;
  i = fEnd + KEY.length;
  const keyEnd = text.indexOf('"', i);
  if (keyEnd === -1 || keyEnd >= stop) return undefined;
  const key = text.slice(i, keyEnd);
  if (key.includes('\\') || !text.startsWith(VALUE, keyEnd)) return undefined;
  i = keyEnd + VALUE.length;
  let value: string | null;
  if (i + 4 === stop && text.startsWith('nil}', i)) value = null;
  else if (stop - i >= 3 && text.charCodeAt(i) === QUOTE && text.charCodeAt(stop - 2) === QUOTE && text.charCodeAt(stop - 1) === CLOSE_BRACE) {
    value = text.slice(i + 1, stop - 2);
    if (value.includes('"') || value.includes('\\')) return undefined;
  } else return undefined;
  // The EDN reader's event, field for field and in its order.
  return { index: position, process, type, f, timeUs: position, value, key };
}
