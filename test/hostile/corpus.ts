// The hostile-input corpus: from a seed, mutants of the files faultline reads (shipped
// scenarios, failure files and results of a real campaign, the history fixtures) and a list
// of hand-made hostile cases. Each case is one input file and the CLI command that reads it.
// Pure and seeded (alea, never Math.random): the same seed and sources give the same cases,
// byte for byte, so a failing case is reproduced by its seed and index.
import seedrandom from 'seedrandom';

export type InputKind = 'scenario' | 'failure' | 'results' | 'history';

/** A file the corpus mutates, and how the CLI is asked to read it. */
export interface SourceFile {
  /** Where it came from (repository-relative), for reports. */
  name: string;
  kind: InputKind;
  text: string;
  /** `check` flags (history files): the model and format the file is meant for. */
  checkArgs?: string[];
}

export interface HostileCase {
  /** `<index>:<source or hand-made name>:<mutation>`. */
  id: string;
  kind: InputKind;
  /** The file's extension (the CLI looks at it: .json is a failure file for `report`). */
  ext: string;
  bytes: Buffer;
  /**
   * The command, with `{file}` for the case's file and `{out}` for a scratch path the command
   * may write (a trace, a report, a shrunk scenario).
   */
  argv: string[];
  /** Line-structured input (YAML, EDN, JSON lines, logs): an exit-2 error about its content names a line. */
  structured: boolean;
}

export class Prng {
  private readonly source: seedrandom.PRNG;
  constructor(readonly seed: string) {
    this.source = seedrandom.alea(seed);
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    if (max <= min) return min;
    return min + ((this.source.int32() >>> 0) % (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
  chance(percent: number): boolean {
    return this.int(1, 100) <= percent;
  }
}

// ---------------------------------------------------------------------------------------
// Building blocks of hostility.

const NUMBERS = ['NaN', '-1', '-0', '0', '1e308', '1e309', '-1e309', '9007199254740993', '18446744073709551616', '2e6', '-5', '0.5', '1e-9', 'Infinity', '-Infinity', '0x7fffffff', '.nan', '.inf', '-.inf', '1_000', '99999999999999999999999'];
const DURATIONS = ['0ms', '-1ms', '1us', '0us', '9007199254740993us', '99999999h', '1e9s', '5', '5 s', '5sec', '1.5ms', 'NaNms', '-0s', '1y', '1000000000m'];
const UNICODE = ['\u202e', '\u0000', '\ufeff', '\ud800', '💥', 'ñ', '\u2028', '\u200b', '\r', '\t', '\\', '"', "'", '${x}', '`rm -rf /`', '$(id)', '\x1b[31m', '<script>alert(1)</script>'];
const YAML_VALUES = ['[1, 2]', '{a: 1}', '~', 'null', '""', 'true', 'no', '-5', '1e309', '.nan', '.inf', '0x10', '0o17', '!!binary aGVsbG8=', '!!timestamp 2001-12-14', '!!set {a, b}', '!!js/function "f() {}"', '!foo bar', '*undefined_anchor', '&a', '|\n  block', '>-\n  folded', '"\\u0000"', "'it''s'", ...DURATIONS, ...NUMBERS];
const JSON_VALUES: unknown[] = [null, true, false, 0, -1, -0.5, 1e308, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2e6, '', 'NaN', '💥\u202e', 'x'.repeat(10_000), [], {}, [null], { kind: 'crash' }, [1, 'a', null], '../../../../etc/passwd', 'n9', '-1ms'];
const EDN_TOKENS = ['nil', ':invoke', ':ok', ':fail', ':info', ':nemesis', '-1', '1N', '1M', '1/0', '9007199254740993', '##NaN', '##Inf', '#inst "1985-04-12T23:20:50.52Z"', '#_ :discarded', '#{1 2}', '\\a', '"\\u0000"', '[]', '{}', '()', '[[[[[[[[[[]]]]]]]]]]', ':process', ':type', ':f', ':value', '"x"', 'true', '#uuid "00000000-0000-0000-0000-000000000000"', ';comment'];

function lines(text: string): string[] {
  return text.split('\n');
}

function numberSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const re = /-?\d+(\.\d+)?(e[+-]?\d+)?/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null && spans.length < 5_000) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

function deep(open: string, close: string, depth: number, inner = ''): string {
  return `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
}

/** A mutation of text: returns the new bytes and the mutation's name. */
type Mutator = (text: string, r: Prng, source: SourceFile) => { name: string; bytes: Buffer | string } | undefined;

const textMutators: Mutator[] = [
  (t, r) => {
    // Flip bits in a few bytes: invalid UTF-8, control characters, broken tokens.
    const b = Buffer.from(t, 'utf8');
    if (b.length === 0) return undefined;
    const flips = r.int(1, 4);
    for (let i = 0; i < flips; i++) b[r.int(0, b.length - 1)] ^= 1 << r.int(0, 7);
    return { name: `flip${flips}`, bytes: b };
  },
  (t, r) => ({ name: 'truncate', bytes: t.slice(0, r.int(0, Math.max(0, t.length - 1))) }),
  (t, r) => {
    const ls = lines(t);
    const i = r.int(0, ls.length - 1);
    return { name: `delete-line${i + 1}`, bytes: [...ls.slice(0, i), ...ls.slice(i + 1)].join('\n') };
  },
  (t, r) => {
    const ls = lines(t);
    const i = r.int(0, ls.length - 1);
    const times = r.pick([1, 2, 50]);
    return { name: `duplicate-line${i + 1}x${times}`, bytes: [...ls.slice(0, i + 1), ...Array<string>(times).fill(ls[i]), ...ls.slice(i + 1)].join('\n') };
  },
  (t, r) => {
    const ls = lines(t);
    if (ls.length < 2) return undefined;
    const i = r.int(0, ls.length - 2);
    const j = r.int(i + 1, ls.length - 1);
    [ls[i], ls[j]] = [ls[j], ls[i]];
    return { name: `swap-lines${i + 1}-${j + 1}`, bytes: ls.join('\n') };
  },
  (t, r) => {
    const at = r.int(0, t.length);
    const junk = r.pick(UNICODE);
    return { name: `insert-${JSON.stringify(junk).slice(1, 9)}`, bytes: t.slice(0, at) + junk + t.slice(at) };
  },
  (t, r) => {
    const spans = numberSpans(t);
    if (spans.length === 0) return undefined;
    const [a, b] = r.pick(spans);
    const n = r.pick(NUMBERS);
    return { name: `number-${n}`, bytes: t.slice(0, a) + n + t.slice(b) };
  },
  (t, r) => {
    // A slice repeated: a file that grows to about a megabyte.
    if (t.length === 0) return undefined;
    const a = r.int(0, t.length - 1);
    const b = Math.min(t.length, a + r.int(1, 200));
    const times = Math.min(20_000, Math.floor(1_000_000 / (b - a)));
    return { name: `repeat-slice-x${times}`, bytes: t.slice(0, b) + t.slice(a, b).repeat(times) + t.slice(b) };
  },
  (t, r) => {
    const at = r.int(0, t.length);
    const depth = r.pick([300, 5_000, 100_000]);
    const [o, c] = r.pick([['[', ']'], ['{', '}'], ['(', ')']] as const);
    return { name: `nest-${o}x${depth}`, bytes: t.slice(0, at) + deep(o, c, depth) + t.slice(at) };
  },
  (t, r) => ({ name: 'crlf', bytes: r.chance(50) ? t.replaceAll('\n', '\r\n') : t.replaceAll('\n', '\r') }),
  (t) => ({ name: 'bom', bytes: `\ufeff${t}` }),
  (t, r) => {
    const at = r.int(0, t.length);
    return { name: 'nul-bytes', bytes: Buffer.concat([Buffer.from(t.slice(0, at)), Buffer.alloc(r.int(1, 64)), Buffer.from(t.slice(at))]) };
  },
];

/** YAML: values swapped for other types and units, keys duplicated, alias and tag tricks. */
const yamlMutators: Mutator[] = [
  (t, r) => {
    const ls = lines(t);
    const keyed = ls.map((l, i) => [l, i] as const).filter(([l]) => /^\s*[\w-]+:\s*\S/.test(l) && !l.trim().startsWith('#'));
    if (keyed.length === 0) return undefined;
    const [line, i] = r.pick(keyed);
    const value = r.pick(YAML_VALUES);
    ls[i] = line.replace(/:\s*.*$/, `: ${value}`);
    return { name: `value-line${i + 1}=${value.slice(0, 12)}`, bytes: ls.join('\n') };
  },
  (t, r) => {
    // A top-level key given twice (directly, or the second through an alias of its name).
    const ls = lines(t);
    const keyed = ls.map((l, i) => [l, i] as const).filter(([l]) => /^[\w-]+:/.test(l));
    if (keyed.length === 0) return undefined;
    const [line] = r.pick(keyed);
    const key = line.split(':')[0];
    if (r.chance(50)) return { name: `dup-key-${key}`, bytes: `${t}\n${line}\n` };
    return { name: `alias-key-${key}`, bytes: t.replace(new RegExp(`^${key}:`, 'm'), `&k ${key}:`) + `\n*k : 1\n` };
  },
  (t, r) => {
    const trick = r.pick([
      'laughs',
      'merge',
      'self',
      'undefined',
      'collection-key',
      'documents',
      'tab',
      'anchor-everywhere',
    ]);
    switch (trick) {
      case 'laughs': {
        let s = 'lol0: &l0 [x, x, x, x, x, x, x, x, x, x]\n';
        for (let i = 1; i < 9; i++) s += `lol${i}: &l${i} [${Array<string>(10).fill(`*l${i - 1}`).join(', ')}]\n`;
        return { name: 'billion-laughs', bytes: `${t}\n${s}` };
      }
      case 'merge':
        return { name: 'merge-key', bytes: `base: &b { nodes: 5, duration: 1s }\n${t}\n<<: *b\n` };
      case 'self':
        return { name: 'self-alias', bytes: `${t}\nloop: &s [1, *s]\n` };
      case 'undefined':
        return { name: 'undefined-alias', bytes: `${t}\nnodes: *nowhere\n` };
      case 'collection-key':
        return { name: 'collection-key', bytes: `${t}\n? [a, b]\n: 1\n${r.chance(50) ? '? [a, b]\n: 2\n' : ''}` };
      case 'documents':
        return { name: 'two-documents', bytes: `${t}\n---\n${t}` };
      case 'tab':
        return { name: 'tab-indent', bytes: t.replace(/\n {2}/, '\n\t') };
      default:
        return { name: 'anchors', bytes: t.replace(/: (\S+)$/gm, (_m, v: string) => `: &a${r.int(0, 3)} ${v}`) };
    }
  },
];

/** JSON: a value somewhere replaced, a key deleted or duplicated, types swapped. */
function jsonMutate(value: unknown, r: Prng): { name: string; value: unknown } | undefined {
  // Collect paths (bounded), pick one.
  const paths: Array<Array<string | number>> = [];
  const walk = (v: unknown, path: Array<string | number>, depth: number) => {
    if (paths.length > 2_000 || depth > 12) return;
    paths.push(path);
    if (Array.isArray(v)) v.slice(0, 50).forEach((x, i) => walk(x, [...path, i], depth + 1));
    else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...path, k], depth + 1);
  };
  walk(value, [], 0);
  const path = r.pick(paths);
  if (path.length === 0) return { name: 'root', value: r.pick(JSON_VALUES) };
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  const where = path.join('.');
  const op = r.int(0, 4);
  if (op === 0 && !Array.isArray(parent)) {
    delete parent[last];
    return { name: `delete-${where}`, value: copy };
  }
  if (op === 1) {
    const original = parent[last];
    parent[last] = typeof original === 'number' ? r.pick([-original, original * 1e6, original + 0.5, -1, 2 ** 53, 1e308, String(original)]) : typeof original === 'string' ? r.pick([original.repeat(1000), `${original}${r.pick(UNICODE)}`, Number(original) || 0, '', null]) : r.pick(JSON_VALUES);
    return { name: `perturb-${where}`, value: copy };
  }
  if (op === 2 && Array.isArray(parent)) {
    parent.splice(Number(last), 0, ...Array<unknown>(r.pick([1, 100])).fill(parent[last]));
    return { name: `repeat-${where}`, value: copy };
  }
  if (op === 3) {
    let nested: unknown = r.pick(JSON_VALUES);
    for (let i = 0; i < r.pick([10, 300, 2_000]); i++) nested = r.chance(50) ? [nested] : { a: nested };
    parent[last] = nested;
    return { name: `nest-${where}`, value: copy };
  }
  parent[last] = r.pick(JSON_VALUES);
  return { name: `set-${where}`, value: copy };
}

const jsonMutator: Mutator = (t, r) => {
  let value: unknown;
  try {
    value = JSON.parse(t);
  } catch {
    return undefined;
  }
  const m = jsonMutate(value, r);
  if (m === undefined) return undefined;
  let text: string;
  try {
    text = JSON.stringify(m.value, null, r.chance(50) ? 2 : undefined);
  } catch {
    return undefined;
  }
  // A key given twice in the text (JSON.parse keeps the last one).
  if (r.chance(15)) text = text.replace(/\{"(\w+)":/, (all, k: string) => `{"${k}": "first", ${all.slice(1)}`);
  return { name: m.name, bytes: text };
};

/** JSON lines: one line's object mutated. */
const jsonLinesMutator: Mutator = (t, r) => {
  const ls = lines(t);
  const candidates = ls.map((l, i) => [l, i] as const).filter(([l]) => l.trim().startsWith('{'));
  if (candidates.length === 0) return undefined;
  const [line, i] = r.pick(candidates);
  const m = jsonMutator(line, r, { name: '', kind: 'history', text: line });
  if (m === undefined) return undefined;
  ls[i] = String(m.bytes).replaceAll('\n', '');
  return { name: `line${i + 1}-${m.name}`, bytes: ls.join('\n') };
};

/** EDN and logs: tokens swapped for other tokens. */
const ednMutator: Mutator = (t, r) => {
  const tokens = [...t.matchAll(/:[\w-]+|-?\d+|nil|"[^"\n]*"/g)].slice(0, 5_000);
  if (tokens.length === 0) return undefined;
  const times = r.int(1, 3);
  let s = t;
  let name = 'edn';
  for (let i = 0; i < times; i++) {
    const m = r.pick(tokens);
    const replacement = r.pick(EDN_TOKENS);
    const at = s.indexOf(m[0], Math.min(m.index ?? 0, s.length));
    if (at < 0) continue;
    s = s.slice(0, at) + replacement + s.slice(at + m[0].length);
    name += `-${m[0].slice(0, 8)}>${replacement.slice(0, 8)}`;
  }
  return { name, bytes: s };
};

function mutatorsFor(source: SourceFile): Mutator[] {
  if (source.kind === 'scenario') return [...textMutators, ...yamlMutators, ...yamlMutators];
  if (source.kind === 'failure') return [...textMutators, jsonMutator, jsonMutator, jsonMutator, jsonMutator];
  if (source.kind === 'results') return [...textMutators, jsonLinesMutator, jsonLinesMutator];
  const trimmed = source.text.trimStart();
  if (trimmed.startsWith('{"') || trimmed.startsWith('[\n{"') || trimmed.startsWith('[{"')) return [...textMutators, jsonLinesMutator, jsonMutator, jsonLinesMutator];
  return [...textMutators, ednMutator, ednMutator, ednMutator];
}

// ---------------------------------------------------------------------------------------
// Commands.

const EXT: Record<InputKind, string> = { scenario: 'yaml', failure: 'json', results: 'jsonl', history: 'edn' };

/** The commands that read a kind of input (one is drawn per case). */
function commandsFor(source: SourceFile): string[][] {
  switch (source.kind) {
    case 'scenario':
      return [['run', '{file}', '--timeout', '3s'], ['run', '{file}', '--timeout', '3s', '--json', '--seed', '7'], ['run', '{file}', '--timeout', '3s'], ['report', '{file}', '--out', '{out}']];
    case 'failure':
      return [
        ['replay', '{file}', '--timeout', '3s', '--no-report', '--trace-out', '{out}'],
        ['replay', '{file}', '--timeout', '3s', '--no-report', '--trace-out', '{out}', '--json'],
        ['shrink', '{file}', '--max-runs', '15', '--max-time', '2s', '--out', '{out}'],
        ['report', '{file}', '--out', '{out}'],
      ];
    case 'results':
      return [['merge', '{file}'], ['merge', '{file}', '--json', '--out', '{out}']];
    case 'history':
      return [['check', '{file}', '--timeout', '3s', ...(source.checkArgs ?? [])], ['check', '{file}', '--timeout', '3s', '--json', ...(source.checkArgs ?? [])], ['check', '{file}', '--timeout', '3s']];
  }
}

function extFor(source: SourceFile): string {
  if (source.kind !== 'history') return EXT[source.kind];
  const m = /\.(\w+)$/.exec(source.name);
  return m ? m[1] : 'edn';
}

/** Generate `count` mutants of the sources (round robin by kind, so each kind gets its share). */
export function mutants(seed: string, sources: readonly SourceFile[], count: number, startIndex = 0): HostileCase[] {
  const byKind = new Map<InputKind, SourceFile[]>();
  for (const s of sources) byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), s]);
  const kinds = [...byKind.keys()];
  const cases: HostileCase[] = [];
  for (let i = startIndex; i < startIndex + count; i++) {
    const r = new Prng(`${seed}/${i}`);
    const source = r.pick(byKind.get(kinds[i % kinds.length])!);
    const mutators = mutatorsFor(source);
    let text = source.text;
    let bytes: Buffer | string = text;
    const names: string[] = [];
    // One to three mutations stacked.
    const rounds = r.pick([1, 1, 1, 2, 3]);
    for (let k = 0; k < rounds; k++) {
      const m = r.pick(mutators)(text, r, source);
      if (m === undefined) continue;
      names.push(m.name);
      bytes = m.bytes;
      text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
    }
    cases.push({
      id: `${i}:${source.name}:${names.join('+') || 'unchanged'}`,
      kind: source.kind,
      ext: extFor(source),
      bytes: typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes,
      argv: r.pick(commandsFor(source)),
      structured: source.kind !== 'failure',
    });
  }
  return cases;
}

// ---------------------------------------------------------------------------------------
// Hand-made hostile cases: what a mutator is unlikely to stumble on.

export function handMade(sources: readonly SourceFile[]): HostileCase[] {
  const scenario = sources.find((s) => s.name.endsWith('raft/leader-partition.yaml'))?.text ?? 'protocol: raft\nnodes: 3\nduration: 1s\n';
  const failure = sources.find((s) => s.kind === 'failure')?.text ?? '{}';
  const f = JSON.parse(failure) as Record<string, any>;
  const failureWith = (edit: (x: Record<string, any>) => void): string => {
    const copy = structuredClone(f);
    edit(copy);
    return JSON.stringify(copy, null, 2);
  };
  const run = ['run', '{file}', '--timeout', '3s'];
  const replay = ['replay', '{file}', '--timeout', '3s', '--no-report', '--trace-out', '{out}'];
  const shrink = ['shrink', '{file}', '--max-runs', '15', '--max-time', '2s', '--out', '{out}'];
  const check = (...flags: string[]) => ['check', '{file}', '--timeout', '3s', ...flags];
  const merge = ['merge', '{file}'];
  const yaml = (name: string, text: string | Buffer, argv = run): [string, InputKind, string, string | Buffer, string[]] => [name, 'scenario', 'yaml', text, argv];
  const list: Array<[string, InputKind, string, string | Buffer, string[]]> = [
    yaml('empty', ''),
    yaml('bom-only', '\ufeff'),
    yaml('null', 'null\n'),
    yaml('list', '[]\n'),
    yaml('number', '42\n'),
    yaml('string', '"protocol: raft"\n'),
    yaml('only-comments', '# nothing\n# here\n'),
    yaml('nodes-zero', scenario.replace(/^nodes:.*$/m, 'nodes: 0')),
    yaml('nodes-huge', scenario.replace(/^nodes:.*$/m, 'nodes: 1000000')),
    yaml('nodes-float', scenario.replace(/^nodes:.*$/m, 'nodes: 2.5')),
    yaml('duration-year', scenario.replace(/^duration:.*$/m, 'duration: 8760h')),
    yaml('duration-negative', scenario.replace(/^duration:.*$/m, 'duration: -1s')),
    yaml('seed-huge', `${scenario}\nseed: 18446744073709551616\n`),
    yaml('seed-object', `${scenario}\nseed: {a: 1}\n`),
    yaml('protocol-dev-zero', scenario.replace(/^protocol:.*$/m, 'protocol: /dev/zero')),
    yaml('protocol-dir', scenario.replace(/^protocol:.*$/m, 'protocol: ./')),
    yaml('protocol-missing-module', scenario.replace(/^protocol:.*$/m, 'protocol: ./no-such-protocol.ts')),
    yaml('protocol-data-url', scenario.replace(/^protocol:.*$/m, 'protocol: "data:text/javascript,export default 1"')),
    yaml('protocol-json', scenario.replace(/^protocol:.*$/m, 'protocol: ../../package.json')),
    yaml('protocol-proto', scenario.replace(/^protocol:.*$/m, 'protocol: __proto__')),
    yaml('proto-key', `${scenario}\n__proto__: { nodes: 9 }\n`),
    yaml('constructor-key', `${scenario}\nconstructor: 1\n`),
    yaml('billion-laughs', `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n${scenario}`),
    yaml('deep-flow', `${scenario}\nx: ${deep('[', ']', 100_000)}\n`),
    yaml('deep-block', `${scenario}\nx:\n${Array.from({ length: 400 }, (_, i) => `${' '.repeat(i + 1)}- `).join('\n')}1\n`),
    yaml('many-keys', `${scenario}\n${Array.from({ length: 30_000 }, (_, i) => `k${i}: ${i}`).join('\n')}\n`),
    yaml('long-line', `${scenario}\nname: ${'x'.repeat(2_000_000)}\n`),
    yaml('many-faults', `${scenario.replace(/^faults:[\s\S]*?(?=^\S|$(?![\s\S]))/m, '')}\nfaults:\n${Array.from({ length: 20_000 }, (_, i) => `  - { at: ${i}us, kind: heal }`).join('\n')}\n`),
    yaml('invalid-utf8', Buffer.concat([Buffer.from(scenario), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a])])),
    yaml('utf16', Buffer.from(`\ufeff${scenario}`, 'utf16le')),
    yaml('nul-only', Buffer.alloc(4096)),
    yaml('big-file', `${scenario}\n# ${'y'.repeat(17 * 1024 * 1024)}\n`),
    ['failure-empty', 'failure', 'json', '', replay],
    ['failure-null', 'failure', 'json', 'null', replay],
    ['failure-array', 'failure', 'json', '[]', shrink],
    ['failure-object', 'failure', 'json', '{}', replay],
    ['failure-deep', 'failure', 'json', deep('[', ']', 200_000), replay],
    ['failure-scenario-deep', 'failure', 'json', failureWith((x) => (x.scenario.text = `x: ${deep('[', ']', 100_000)}`)), replay],
    ['failure-scenario-empty', 'failure', 'json', failureWith((x) => (x.scenario.text = '')), replay],
    ['failure-scenario-laughs', 'failure', 'json', failureWith((x) => (x.scenario.text = `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n${x.scenario.text}`)), replay],
    ['failure-protocol-path', 'failure', 'json', failureWith((x) => (x.scenario.text = String(x.scenario.text).replace(/^protocol:.*$/m, 'protocol: /dev/zero'))), replay],
    ['failure-seed-newline', 'failure', 'json', failureWith((x) => (x.seed = '1\n; rm -rf /')), replay],
    ['failure-seed-empty', 'failure', 'json', failureWith((x) => (x.seed = '')), replay],
    ['failure-no-violations', 'failure', 'json', failureWith((x) => (x.violations = [])), shrink],
    ['failure-violation-null', 'failure', 'json', failureWith((x) => (x.violations = [null])), shrink],
    ['failure-knobs-nan', 'failure', 'json', failure.replace(/"lossPpm": \d+/, '"lossPpm": NaN'), replay],
    ['failure-interval-zero', 'failure', 'json', failureWith((x) => x.knobs?.nemesis && (x.knobs.nemesis.intervalUs = [0, 0])), replay],
    ['failure-bugs-unknown', 'failure', 'json', failureWith((x) => (x.extraBugs = ['no-such-bug'])), replay],
    ['failure-bugs-proto', 'failure', 'json', failureWith((x) => (x.extraBugs = ['__proto__'])), replay],
    ['failure-faults-huge', 'failure', 'json', failureWith((x) => (x.knobs = { ...x.knobs, faults: Array.from({ length: 50_000 }, (_, i) => ({ atUs: i, action: { kind: 'heal' } })) })), replay],
    ['failure-faults-bad', 'failure', 'json', failureWith((x) => (x.knobs = { ...x.knobs, faults: [{ atUs: 5, action: { kind: 'crash', node: 42 } }] })), shrink],
    ['failure-streams', 'failure', 'json', failureWith((x) => (x.knobs = { ...x.knobs, streams: { base: '', reseed: { 'node:n99': 'x', __proto__: 'y' } } })), replay],
    ['failure-nodes-one', 'failure', 'json', failureWith((x) => (x.knobs = { ...x.knobs, nodes: 1 })), replay],
    ['failure-options', 'failure', 'json', failureWith((x) => (x.knobs = { ...x.knobs, options: { heartbeatUs: -1, electionTimeoutUs: 'soon' } })), replay],
    ['failure-utf16', 'failure', 'json', Buffer.from(failure, 'utf16le'), replay],
    ['results-empty', 'results', 'jsonl', '', merge],
    ['results-garbage', 'results', 'jsonl', 'garbage\n\u0000\u0000\n{\n', merge],
    ['results-violation-null', 'results', 'jsonl', '{"seed":"1","hash":"a","verdict":"fail","violations":[null],"scenario":"s","bugs":[],"faultline":"0"}\n', merge],
    ['results-violation-number', 'results', 'jsonl', '{"seed":"1","hash":"a","verdict":"fail","violations":[1,2],"scenario":"s","bugs":null,"faultline":"0"}\n', merge],
    ['results-bugs-string', 'results', 'jsonl', '{"seed":"1","hash":"a","verdict":"fail","violations":[],"scenario":"s","bugs":"x","faultline":"0"}\n', merge],
    ['results-weird-verdict', 'results', 'jsonl', '{"seed":"1","hash":"a","verdict":"maybe","violations":[],"scenario":{"a":1},"bugs":[],"faultline":7}\n', merge],
    ['results-proto', 'results', 'jsonl', '{"seed":"__proto__","hash":"a","verdict":"pass","violations":[],"scenario":"__proto__","bugs":["constructor"],"faultline":"0"}\n{"seed":"constructor","hash":"b","verdict":"fail","violations":[{"checker":"__proto__","kind":"x","message":"m","atUs":0,"event":0}],"scenario":"s","bugs":[],"faultline":"0"}\n', merge],
    ['results-many', 'results', 'jsonl', Array.from({ length: 100_000 }, (_, i) => `{"seed":"${i}","hash":"h${i % 7}","verdict":"${i % 3 === 0 ? 'fail' : 'pass'}","violations":[],"scenario":"s","bugs":[],"faultline":"0"}`).join('\n'), merge],
    ['results-deep', 'results', 'jsonl', deep('[', ']', 200_000), merge],
    ['history-empty', 'history', 'edn', '', check('--model', 'register')],
    ['history-open-bracket', 'history', 'edn', '[', check('--model', 'register')],
    ['history-deep-edn', 'history', 'edn', deep('[', ']', 200_000), check('--model', 'register')],
    ['history-deep-json', 'history', 'json', deep('[', ']', 200_000), check('--model', 'register')],
    ['history-nul', 'history', 'edn', Buffer.alloc(10_000), check('--model', 'register')],
    ['history-unterminated-string', 'history', 'edn', '{:process 0 :type :invoke :f :read :value "abc\n', check('--model', 'register')],
    ['history-only-invokes', 'history', 'edn', Array.from({ length: 20_000 }, (_, i) => `{:process ${i} :type :invoke :f :write :value ${i}}`).join('\n'), check('--model', 'register')],
    ['history-many-concurrent', 'history', 'edn', [...Array.from({ length: 300 }, (_, i) => `{:process ${i} :type :invoke :f :write :value ${i}}`), ...Array.from({ length: 300 }, (_, i) => `{:process ${i} :type :ok :f :write :value ${i}}`), '{:process 999 :type :invoke :f :read :value nil}', '{:process 999 :type :ok :f :read :value -1}'].join('\n'), check('--model', 'register')],
    ['history-process-huge', 'history', 'edn', '{:process 99999999999999999999 :type :invoke :f :read}\n{:process 99999999999999999999 :type :ok :f :read :value 1}\n', check('--model', 'register')],
    ['history-json-types', 'history', 'json', '[{"index":"0","process":null,"type":7,"f":[],"timeUs":-1}]', check('--model', 'register')],
    ['history-json-proto', 'history', 'json', '[{"index":0,"process":0,"type":"invoke","f":"write","value":1,"timeUs":0,"__proto__":{"type":"ok"}}]', check('--model', 'register')],
    ['history-jepsen-log-garbage', 'history', 'log', 'INFO  jepsen.util - \t\t\t\nINFO jepsen.util - 0 :invoke\nINFO  jepsen.util - x\t:ok\t:read\t[[[[\n', check('--format', 'jepsen-log')],
    ['history-bank-negative', 'history', 'edn', '{:process 0, :type :invoke, :f :transfer, :value {:from 0, :to 0, :amount -99999999999999999999}}\n{:process 0, :type :ok, :f :transfer, :value {:from 0, :to 0, :amount -99999999999999999999}}\n{:process 1, :type :invoke, :f :read, :value nil}\n{:process 1, :type :ok, :f :read, :value {0 ##NaN}}\n', check('--model', 'bank')],
    ['history-list-append-huge-key', 'history', 'edn', '{:type :invoke, :f :txn, :value [[:append 99999999999999999999 1] [:r ##Inf nil]], :process 0}\n{:type :ok, :f :txn, :value [[:append 99999999999999999999 1] [:r ##Inf [1 1 1]]], :process 0}\n', check('--model', 'list-append')],
    ['history-atomicity-cycle', 'history', 'jsonl', '{"kind":"begin","txn":"t1","participants":["t1"]}\n{"kind":"decide","txn":"t1","decision":"commit"}\n{"kind":"decide","txn":"t1","decision":"abort"}\n{"kind":"outcome","txn":"t9","participant":"p1","outcome":"maybe"}\n', check('--model', 'atomicity')],
    ['history-dir-format', 'history', 'edn', '{:process 0 :type :invoke :f :read}\n', check('--format', 'porcupine-kv', '--model', 'kv')],
  ];
  return list.map(([name, kind, ext, bytes, argv], i) => ({
    id: `hand${i}:${name}`,
    kind,
    ext,
    bytes: typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes,
    argv,
    structured: kind !== 'failure',
  }));
}
