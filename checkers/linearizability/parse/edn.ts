// A small EDN reader (the subset Jepsen and Knossos histories use, and a bit more):
// nil, true, false, strings, characters, integers, floats, ratios, keywords, symbols,
// lists, vectors, maps, sets, tagged literals (the tag is dropped: #jepsen.history.Op{...}
// reads as the map), #_ discard, `;` comments, commas as whitespace.
//
// Values come out as plain JS: keywords and symbols as their name without the colon
// (`:invoke` → "invoke"; histories never need to tell :x from "x"), vectors, lists and
// sets as arrays, maps as null-prototype objects keyed by the key's name (keyword,
// string) or canonical text (anything else).
import { HistoryParseError } from '../types.js';
import { canonicalKey } from '../values.js';

const DELIMITERS = new Set([' ', '\t', '\n', '\r', '\f', ',', '(', ')', '[', ']', '{', '}', '"', ';']);
const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CHAR_NAMES: Record<string, string> = { newline: '\n', space: ' ', tab: '\t', return: '\r', backspace: '\b', formfeed: '\f' };

/** How deeply forms may nest (collections, tags, #_): deeper input is refused, not a stack overflow. */
export const MAX_EDN_DEPTH = 200;

/** A reader over one text; `line` is 1-based. */
export class EdnReader {
  pos = 0;
  line = 1;
  private depth = 0;

  constructor(
    private readonly text: string,
    /** Line of text[0] (to read a fragment of a larger file). */
    firstLine = 1,
  ) {
    this.line = firstLine;
  }

  /** Skip whitespace, commas and comments; true when a form follows. */
  more(): boolean {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === '\n') {
        this.line++;
        this.pos++;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === ',' || c === '\f') this.pos++;
      else if (c === ';') {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
      } else if (c === '#' && t[this.pos + 1] === '_') {
        this.pos += 2;
        this.enter();
        if (!this.more()) this.fail('a form after #_');
        this.read();
        this.depth--;
      } else if (c === '#' && t[this.pos + 1] === '!') {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
      } else return true;
    }
    return false;
  }

  /** Peek at the next significant character (after `more()`). */
  peek(): string {
    return this.text[this.pos];
  }

  /** Read one form; the reader must be at its first character (call `more()` first). */
  read(): unknown {
    this.enter();
    const value = this.readForm();
    this.depth--;
    return value;
  }

  private enter(): void {
    if (++this.depth > MAX_EDN_DEPTH) this.fail(`EDN nested at most ${MAX_EDN_DEPTH} levels deep (this form nests deeper)`);
  }

  private readForm(): unknown {
    if (!this.more()) this.fail('an EDN value; found the end of the input');
    const t = this.text;
    const c = t[this.pos];
    switch (c) {
      case '"':
        return this.readString();
      case '(':
      case '[':
        this.pos++;
        return this.readSequence(CLOSERS[c], this.line);
      case '{': {
        this.pos++;
        return this.readMap(this.line);
      }
      case ')':
      case ']':
      case '}':
        this.fail(`an EDN value; found an unmatched '${c}'`);
        break;
      case '\\':
        return this.readChar();
      case '#':
        return this.readDispatch();
      case ':': {
        this.pos++;
        const name = this.readToken();
        if (name === '') this.fail("a keyword name after ':'");
        return name;
      }
      default:
        break;
    }
    const token = this.readToken();
    if (token === '') this.fail(`an EDN value; found '${c}'`);
    return this.atom(token);
  }

  /** Read the elements of a collection up to `closer`; used for the top-level vector too. */
  readSequence(closer: string, openLine: number, onElement?: (line: number) => void): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      if (!this.more()) this.fail(`a closing '${closer}' for the collection opened on line ${openLine}`);
      const c = this.text[this.pos];
      if (c === closer) {
        this.pos++;
        return out;
      }
      if (c === ')' || c === ']' || c === '}') this.fail(`a closing '${closer}' for the collection opened on line ${openLine}; found '${c}'`);
      onElement?.(this.line);
      out.push(this.read());
    }
  }

  private readMap(openLine: number): Record<string, unknown> {
    const items = this.readSequence('}', openLine);
    if (items.length % 2 !== 0) this.fail(`an even number of forms in the map opened on line ${openLine} (a key without a value)`);
    const out: Record<string, unknown> = Object.create(null);
    for (let i = 0; i < items.length; i += 2) {
      const k = items[i];
      out[typeof k === 'string' ? k : canonicalKey(k)] = items[i + 1];
    }
    return out;
  }

  private readString(): string {
    const t = this.text;
    const startLine = this.line;
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= t.length) this.fail(`a closing '"' for the string opened on line ${startLine}`);
      const c = t[this.pos++];
      if (c === '"') return out;
      if (c === '\n') this.line++;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = t[this.pos++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'u': {
          const hex = t.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('four hex digits after \\u');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.fail(`a valid escape in a string (got \\${e ?? ''})`);
      }
    }
  }

  private readChar(): string {
    this.pos++;
    const t = this.text;
    if (this.pos >= t.length) this.fail('a character after \\');
    let end = this.pos + 1;
    while (end < t.length && !DELIMITERS.has(t[end])) end++;
    const token = t.slice(this.pos, end);
    this.pos = end;
    if (token.length === 1) return token;
    if (CHAR_NAMES[token] !== undefined) return CHAR_NAMES[token];
    if (/^u[0-9a-fA-F]{4}$/.test(token)) return String.fromCharCode(parseInt(token.slice(1), 16));
    this.fail(`a character literal (got \\${token})`);
  }

  private readDispatch(): unknown {
    const t = this.text;
    const next = t[this.pos + 1];
    if (next === '{') {
      this.pos += 2;
      return this.readSequence('}', this.line);
    }
    if (next === '"') {
      this.pos++;
      return this.readString(); // regex literal: keep its text
    }
    this.pos++;
    const tag = this.readToken();
    if (tag === '') this.fail("a tag or '{' after '#'");
    return this.read(); // tagged literal: the tagged value itself (#inst "..." → the string)
  }

  private readToken(): string {
    const t = this.text;
    const start = this.pos;
    while (this.pos < t.length && !DELIMITERS.has(t[this.pos])) this.pos++;
    return t.slice(start, this.pos);
  }

  private atom(token: string): unknown {
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (/^[+-]?\d/.test(token)) return this.number(token);
    return token; // a symbol
  }

  private number(token: string): number | string {
    let m = /^([+-]?\d+)N?$/.exec(token);
    if (m) {
      const n = Number(m[1]);
      return Number.isSafeInteger(n) ? n : m[1];
    }
    m = /^([+-]?)0[xX]([0-9a-fA-F]+)$/.exec(token);
    if (m) return (m[1] === '-' ? -1 : 1) * parseInt(m[2], 16);
    m = /^([+-]?\d+)\/(\d+)$/.exec(token);
    if (m) return Number(m[1]) / Number(m[2]);
    m = /^([+-]?\d+(\.\d*)?([eE][+-]?\d+)?)M?$/.exec(token);
    if (m) return Number(m[1]);
    this.fail(`a number (got ${token})`);
  }

  fail(expected: string): never {
    throw new HistoryParseError(this.line, undefined, expected);
  }
}

/** Read every top-level form of `text`. */
export function readEdnAll(text: string): unknown[] {
  const r = new EdnReader(text);
  const out: unknown[] = [];
  while (r.more()) out.push(r.read());
  return out;
}

/** Read exactly one form from `text` (e.g. a value in a log line). */
export function readEdn(text: string, line = 1): unknown {
  const r = new EdnReader(text, line);
  const v = r.read();
  if (r.more()) r.fail(`one EDN value; found more after it: ${JSON.stringify(text.slice(r.pos, r.pos + 20))}`);
  return v;
}
