// A parsed YAML document that remembers where every value came from, so that an error
// found in the plain JS value (by zod or by a cross-field check) can name its line.
import { Composer, LineCounter, Parser, isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { Result } from './units.js';

export type FieldPath = ReadonlyArray<string | number>;

export interface YamlSyntaxError {
  line: number | undefined;
  /** The key, for a duplicate key. */
  field: string | undefined;
  message: string;
}

export class YamlSource {
  private constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Parse text; syntax errors (and duplicate keys) come back with their line. */
  static parse(text: string): Result<{ source: YamlSource; value: unknown }, YamlSyntaxError> {
    const lines = new LineCounter();
    // Keys are checked for uniqueness below (the parser's own check is quadratic in the keys
    // of a mapping and misses a key given once as a scalar and once through an alias).
    let doc: Document;
    let first: FirstError | undefined;
    try {
      ({ doc, first } = composeToFirstError(text, lines));
    } catch (error) {
      if (error instanceof RangeError) return { ok: false, error: { line: deepestLine(text), field: undefined, message: tooDeep } };
      throw error;
    }
    if (first) {
      // The parser's own message (first line only: the rest is a source excerpt).
      const message = first.message.split('\n')[0];
      if (/call stack/i.test(message)) return { ok: false, error: { line: lines.linePos(first.pos[0]).line, field: undefined, message: tooDeep } };
      if (first.code === 'DUPLICATE_KEY') {
        const key = /^[^:\n]+/.exec(text.slice(first.pos[0]))?.[0].trim();
        return { ok: false, error: { line: lines.linePos(first.pos[0]).line, field: key, message: 'a key given only once (this one is repeated)' } };
      }
      // An unclosed [ or { is detected where the next line starts: point at the opener instead.
      const opener = /end with an? [\]}]/.test(message) ? unclosedOpener(text, first.pos[0]) : undefined;
      if (opener !== undefined) {
        return { ok: false, error: { line: lines.linePos(opener).line, field: undefined, message: `valid YAML: this ${text[opener] === '{' ? '{' : '['} is never closed (${message})` } };
      }
      return { ok: false, error: { line: lines.linePos(first.pos[0]).line, field: undefined, message: `valid YAML: ${message}` } };
    }
    const structural = checkStructure(doc, lines);
    if (structural) return { ok: false, error: structural };
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      if (error instanceof RangeError) return { ok: false, error: { line: deepestLine(text), field: undefined, message: tooDeep } };
      return { ok: false, error: { line: undefined, field: undefined, message: `valid YAML: ${(error as Error).message}` } };
    }
    return { ok: true, value: { source: new YamlSource(doc, lines), value } };
  }

  /**
   * The 1-based line of the value at `path`, or of its deepest ancestor present in the file
   * (a missing required field points at the mapping that should hold it).
   * With `key: true`, the line of the last segment's key rather than its value.
   */
  lineOf(path: FieldPath, options: { key?: boolean } = {}): number | undefined {
    let node: unknown = this.doc.contents;
    let line = this.lineOfNode(node) ?? 1;
    for (let i = 0; i < path.length; i += 1) {
      const segment = path[i];
      if (isAlias(node)) node = node.resolve(this.doc);
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
        if (!pair) return line;
        const keyLine = this.lineOfNode(pair.key);
        if (last && options.key) return keyLine ?? line;
        node = pair.value;
        line = this.lineOfNode(node) ?? keyLine ?? line;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) return line;
        node = item;
        line = this.lineOfNode(node) ?? line;
      } else {
        return line;
      }
    }
    return line;
  }

  /** The source text of a scalar (e.g. a seed written `0x5eed`, which YAML reads as a number). */
  scalarSource(path: FieldPath): string | undefined {
    const node = this.doc.getIn(path as Array<string | number>, true);
    return isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
  }

  private lineOfNode(node: unknown): number | undefined {
    if (node === null || typeof node !== 'object') return undefined;
    const range = (node as Node).range;
    return range ? this.lines.linePos(range[0]).line : undefined;
  }
}

interface FirstError {
  pos: [number, number];
  code: string;
  message: string;
}

/** Thrown from the composer's error hook to stop at the first error. */
const STOP = Symbol('stop at the first YAML error');

/**
 * parseDocument, stopped at the first error. The parser composes the whole document and
 * collects every error before returning; a damaged file of a megabyte (a slice repeated
 * 20,000 times) has a million of them and took tens of seconds, to report only the first.
 * The composer's error hook (an instance field, read when each document is composed) is
 * wrapped to record the first error and stop; warnings pass through.
 */
function composeToFirstError(text: string, lines: LineCounter): { doc: Document; first: FirstError | undefined } {
  const parser = new Parser(lines.addNewLine);
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false, keepSourceTokens: false });
  const hooked = composer as unknown as { onError: (source: unknown, code: string, message: string, warning?: boolean) => void };
  const original = hooked.onError;
  let first: FirstError | undefined;
  hooked.onError = (source, code, message, warning) => {
    if (warning) return original(source, code, message, warning);
    // The composer catches what tag resolution throws and reports it here: keep the first.
    first ??= { pos: errorPosition(source), code, message };
    throw STOP;
  };
  let doc: Document | undefined;
  // Errors the parser's own tokens carry go straight into the document, without the hook:
  // they are still made, so make them cheap (no stack trace for each).
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    for (const next of composer.compose(parser.parse(text), true, text.length)) {
      if (doc === undefined) doc = next as Document;
      else {
        first ??= { pos: [next.range[0], next.range[1]], code: 'MULTIPLE_DOCS', message: 'Source contains multiple documents; please use YAML.parseAllDocuments()' };
        break;
      }
    }
  } catch (error) {
    if (error !== STOP) throw error;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  // The earliest of the hook's first error and those pushed straight into the document.
  const pushed = (doc ?? (composer as unknown as { doc: Document | null }).doc)?.errors[0];
  if (pushed !== undefined && (first === undefined || pushed.pos[0] < first.pos[0])) first = { pos: pushed.pos, code: pushed.code, message: pushed.message };
  return { doc: doc!, first };
}

/** Where an error is, from what the composer hands its hook (an offset, a range, or a token). */
function errorPosition(source: unknown): [number, number] {
  if (typeof source === 'number') return [source, source + 1];
  if (Array.isArray(source)) return [Number(source[0]), Number(source[1])];
  const token = source as { offset?: number; source?: unknown };
  const offset = token.offset ?? 0;
  return [offset, offset + (typeof token.source === 'string' ? token.source.length : 1)];
}

/** How deeply mappings and lists may nest in a scenario (no real scenario comes near). */
export const MAX_YAML_DEPTH = 200;
const tooDeep = `valid YAML nested at most ${MAX_YAML_DEPTH} levels deep (this file nests deeper)`;

/**
 * One linear walk over the parsed document, aliases not followed: a key given twice in a
 * mapping (also through an alias: `&k nodes: 5` then `*k : 6`), an alias inside the very
 * node it names (a cycle no value can hold), and nesting deeper than MAX_YAML_DEPTH.
 */
function checkStructure(doc: Document, lines: LineCounter): YamlSyntaxError | undefined {
  const lineAt = (node: unknown, fallback: number): number => {
    const range = node !== null && typeof node === 'object' ? (node as Node).range : undefined;
    return range ? lines.linePos(range[0]).line : fallback;
  };
  const open = new Set<unknown>();
  const walk = (node: unknown, depth: number, line: number): YamlSyntaxError | undefined => {
    if (node === null || typeof node !== 'object') return undefined;
    const here = lineAt(node, line);
    if (isAlias(node)) {
      // The parser resolves an alias to an anchor defined before it: one still open is an ancestor.
      const target = node.resolve(doc);
      if (target !== undefined && open.has(target)) {
        return { line: here, field: undefined, message: `valid YAML without a self-referencing alias (*${node.source} is inside the node &${node.source} names)` };
      }
      return undefined;
    }
    if (!isMap(node) && !isSeq(node)) return undefined;
    if (depth > MAX_YAML_DEPTH) return { line: here, field: undefined, message: tooDeep };
    open.add(node);
    const seen = new Set<string>();
    // A key that is itself a list or mapping (`? [a, b]`, `{a: 1}: 2`): no scenario key is one,
    // and as a JS object key it would be stringified (two different keys could then collide).
    let collectionKey: YamlSyntaxError | undefined;
    for (const item of node.items) {
      if (isPair(item)) {
        let key: unknown = item.key;
        if (isAlias(key)) key = key.resolve(doc);
        const problem = walk(item.key, depth + 1, here);
        if (problem) return problem;
        const name = isScalar(key) ? String(key.value) : isMap(key) || isSeq(key) ? collectionKeyText(key) : undefined;
        if (name !== undefined) {
          if (seen.has(name)) return { line: lineAt(item.key, here), field: name, message: 'a key given only once (this one is repeated)' };
          seen.add(name);
        }
        if (collectionKey === undefined && (isMap(key) || isSeq(key))) {
          collectionKey = { line: lineAt(item.key, here), field: undefined, message: `a key that is a name, not a ${isMap(key) ? 'mapping' : 'list'} (got ${clipKey(name ?? '?')} as a key)` };
        }
        const inValue = walk(item.value, depth + 1, lineAt(item.key, here));
        if (inValue) return inValue;
      } else {
        const problem = walk(item, depth + 1, here);
        if (problem) return problem;
      }
    }
    open.delete(node);
    return collectionKey;
  };
  return walk(doc.contents, 1, 1);
}

/** The line where flow or block nesting is deepest (for a document too deep to parse). */
function deepestLine(text: string): number {
  let depth = 0;
  let best = 0;
  let bestLine = 1;
  let line = 1;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\n') line += 1;
    else if (c === '[' || c === '{') {
      depth += 1;
      if (depth > best) [best, bestLine] = [depth, line];
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  if (best > 0) return bestLine;
  // Block nesting: the most indented line.
  let widest = -1;
  text.split('\n').forEach((row, index) => {
    const indent = row.length - row.trimStart().length;
    if (row.trim() !== '' && indent > widest) [widest, bestLine] = [indent, index + 1];
  });
  return bestLine;
}

/** The offset of the innermost [ or { still open at `end` (quotes and comments skipped), if any. */
function unclosedOpener(text: string, end: number): number | undefined {
  const open: number[] = [];
  let quote: string | undefined;
  for (let i = 0; i < end && i < text.length; i += 1) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i += 1;
      else if (c === quote) quote = undefined;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1]))) quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i < end && text[i] !== '\n') i += 1;
    } else if (c === '[' || c === '{') open.push(i);
    else if (c === ']' || c === '}') open.pop();
  }
  return open.length > 0 ? open[open.length - 1] : undefined;
}

/** A list or mapping used as a key, as text (how the parser would stringify it); never throws. */
function collectionKeyText(key: Node): string {
  try {
    return String(key);
  } catch {
    return `(a collection at offset ${key.range?.[0] ?? '?'})`;
  }
}

function clipKey(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

/** `network.latency.uniform[1]`, `faults[2].kind`, `nemesis.faults.one-way`. */
export function formatPath(path: FieldPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}
