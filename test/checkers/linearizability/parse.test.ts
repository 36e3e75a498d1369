// History formats: each parser, autodetection, and malformed input errors with the line.
import { describe, expect, it } from 'vitest';
import { checkHistory, detectFormat, HistoryParseError, parseHistory, readEdn } from '../../../checkers/index.js';

function parseError(text: string, format: Parameters<typeof parseHistory>[1] = 'auto'): HistoryParseError {
  try {
    parseHistory(text, format);
  } catch (e) {
    if (e instanceof HistoryParseError) return e;
    throw e;
  }
  throw new Error('expected a HistoryParseError');
}

describe('EDN reader', () => {
  it('reads the EDN that histories use', () => {
    expect(readEdn('{:a 1, :b [nil true false "s\\"q" :kw -3 2.5 1/2 12N], :c #{1} :d (1 2) #_ :skipped :e \\x}')).toEqual({
      a: 1,
      b: [null, true, false, 's"q', 'kw', -3, 2.5, 0.5, 12],
      c: [1],
      d: [1, 2],
      e: 'x',
    });
  });

  it('drops tags and keeps the tagged value', () => {
    expect(readEdn('#jepsen.history.Op{:type :ok, :f :read} ; trailing comment')).toEqual({ type: 'ok', f: 'read' });
    expect(readEdn('#inst "2020-01-01"')).toBe('2020-01-01');
  });

  it('reports the line of an unterminated string', () => {
    expect(() => readEdn('[1\n2\n"abc')).toThrow(/line 3: a closing '"' for the string opened on line 3/);
  });
});

describe('Jepsen/Knossos EDN (Format B)', () => {
  const knossos = `; A cas register
[{:process 0, :type :invoke, :f :write, :value 1}
 {:process 0, :type :ok, :f :write, :value 1}
 {:type :info, :f :start, :process :nemesis, :time 5326396898, :index 2}
 {:process 1 :type :invoke :f :cas :value [1 2] :time 1}
 {:process 1, :type :info, :f :cas, :value [1 2], :error :timed-out}
 {:process 2, :type :invoke, :f :read, :value nil}
 {:process 2, :type :ok, :f :read, :value 2}]
`;

  it('reads a vector of maps; nemesis ops ignored; file order is time', () => {
    const parsed = parseHistory(knossos);
    expect(parsed.format).toBe('edn');
    expect(parsed.ignored).toBe(1);
    expect(parsed.lines).toEqual([2, 3, 5, 6, 7, 8]);
    expect(parsed.events[2]).toEqual({ index: 2, process: 1, type: 'invoke', f: 'cas', value: [1, 2], timeUs: 2 });
    expect(parsed.events[3]).toMatchObject({ type: 'info', error: 'timed-out' });
    expect(checkHistory(parsed.events, 'cas-register').verdict).toBe('linearizable');
  });

  it('reads one map per line, in a list too', () => {
    const lines = '{:process 0, :type :invoke, :f :acquire}\n{:process 0, :type :ok, :f :acquire}\n';
    expect(parseHistory(lines).events).toHaveLength(2);
    expect(parseHistory(`(${lines})`).events.map((e) => e.type)).toEqual(['invoke', 'ok']);
  });

  it('reads keys of kv histories as strings', () => {
    const parsed = parseHistory('{:process 0 :type :invoke :f :read :key 3}\n{:process 0 :type :ok :f :read :key 3 :value 1}');
    expect(parsed.events[0].key).toBe('3');
    expect(parsed.format).toBe('edn');
  });

  it('errors name the line and the field', () => {
    const e = parseError('[{:process 0, :type :invoke, :f :read}\n {:process 0, :f :read}]');
    expect([e.line, e.field]).toEqual([2, 'type']);
    expect(e.expected).toBe('one of :invoke, :ok, :fail, :info');
    const p = parseError('{:process "p1", :type :invoke, :f :read}');
    expect([p.line, p.field, p.expected]).toEqual([1, 'process', 'an integer or :nemesis']);
    const unclosed = parseError('[{:process 0, :type :invoke, :f :read}\n\n');
    expect(unclosed.expected).toMatch(/closing '\]' for the collection opened on line 1/);
    const odd = parseError('\n{:process 0 :type}');
    expect([odd.line, odd.expected]).toEqual([2, 'an even number of forms in the map opened on line 2 (a key without a value)']);
  });
});

describe('Porcupine key-value (EDN one map per line)', () => {
  const text = '{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}\n{:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}\n';
  it('is detected and read', () => {
    const parsed = parseHistory(text);
    expect(parsed.format).toBe('porcupine-kv');
    expect(parsed.events[1]).toEqual({ index: 1, process: 0, type: 'ok', f: 'append', key: '0', value: 'x 0 0 y', timeUs: 1 });
  });

  it('--format porcupine-kv insists on :key and get/put/append', () => {
    const e = parseError(`${text}{:process 1, :type :invoke, :f :cas, :key "0", :value [1 2]}\n`, 'porcupine-kv');
    expect([e.line, e.field]).toEqual([3, 'f']);
  });
});

describe('Jepsen console log (Format A)', () => {
  const log = [
    'INFO  jepsen.core - Running test',
    'INFO  jepsen.util - 4\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 4\t:ok\t:read\tnil',
    'INFO  jepsen.util - :nemesis\t:info\t:start\tnil',
    'INFO  jepsen.util - 1   :invoke   :cas   [1 4]',
    'INFO  jepsen.util - 1\t:fail\t:cas\t[1 4]',
    'INFO  jepsen.util - 2\t:invoke\t:write\t3',
    'INFO  jepsen.util - 2\t:info\t:write\t:timed-out',
  ].join('\n');

  it('reads op lines, splits on any whitespace, ignores the rest', () => {
    const parsed = parseHistory(log);
    expect(parsed.format).toBe('jepsen-log');
    expect(parsed.ignored).toBe(1);
    expect(parsed.lines).toEqual([2, 3, 5, 6, 7, 8]);
    expect(parsed.events.map((e) => [e.process, e.type, e.f, e.value])).toEqual([
      [4, 'invoke', 'read', null],
      [4, 'ok', 'read', null],
      [1, 'invoke', 'cas', [1, 4]],
      [1, 'fail', 'cas', [1, 4]],
      [2, 'invoke', 'write', 3],
      [2, 'info', 'write', undefined],
    ]);
    expect(parsed.events[5].error).toBe('timed-out');
    expect(checkHistory(parsed.events, 'cas-register').verdict).toBe('linearizable');
  });

  it('errors name the line', () => {
    const e = parseError(`${log}\nINFO  jepsen.util - 3\t:invoke\t:cas\t[1 4`);
    expect([e.line, e.field]).toEqual([9, 'value']);
    const t = parseError('INFO  jepsen.util - 3\t:invok\t:read\tnil');
    expect([t.line, t.field]).toEqual([1, 'type']);
  });
});

describe("faultline's own JSON", () => {
  const events = [
    { index: 0, process: 0, type: 'invoke', f: 'put', key: 'a', value: 'x', timeUs: 10 },
    { index: 1, process: 0, type: 'ok', f: 'put', key: 'a', timeUs: 20 },
  ];

  it('reads a JSON array, JSON lines, and an object with a history field', () => {
    expect(parseHistory(JSON.stringify(events, null, 2)).events).toEqual(events);
    expect(parseHistory(events.map((e) => JSON.stringify(e)).join('\n')).events).toEqual(events);
    const wrapped = parseHistory(JSON.stringify({ seed: 'x', violations: [{ a: [1] }], history: events }, null, 2));
    expect(wrapped.format).toBe('faultline');
    expect(wrapped.events).toEqual(events);
  });

  it('gives the line of each event', () => {
    const text = `[\n${JSON.stringify(events[0])},\n\n${JSON.stringify(events[1])}\n]`;
    expect(parseHistory(text).lines).toEqual([2, 4]);
    const wrapped = `{"seed": "s", "history": [\n  {"index":0,"process":0,"type":"invoke","f":"get","timeUs":1},\n  {"index":1,"process":0,"type":"ok","f":"get","timeUs":2}\n]}`;
    expect(parseHistory(wrapped).lines).toEqual([2, 3]);
  });

  it('errors name the line and field', () => {
    const bad = `[\n${JSON.stringify(events[0])},\n${JSON.stringify({ ...events[1], type: 'done' })}\n]`;
    const e = parseError(bad);
    expect([e.line, e.field]).toEqual([3, 'type']);
    const syntax = parseError('[\n{"index": 0,\n "process" 0}]');
    expect(syntax.line).toBe(3);
    const jsonl = parseError(`${JSON.stringify(events[0])}\n{"index": 1,`);
    expect(jsonl.line).toBe(2);
  });
});

describe('autodetection', () => {
  it.each([
    ['[{"index":0,"process":0,"type":"invoke","f":"read","timeUs":0}]', 'faultline'],
    ['[]', 'faultline'],
    ['{"history": []}', 'faultline'],
    ['[{:process 0 :type :invoke :f :read}]', 'edn'],
    ['; comment\n{:process 0 :type :invoke :f :read}', 'edn'],
    ['INFO  jepsen.util - 0\t:invoke\t:read\tnil', 'jepsen-log'],
  ])('%s → %s', (text, format) => {
    expect(detectFormat(text)).toBe(format);
  });
});

describe('Jepsen log lines with long runs of spaces', () => {
  it('parse in linear time (the value is trimmed, not matched lazily before trailing spaces)', () => {
    const n = 200_000;
    const text = `INFO jepsen.util - 0 :invoke :read nil${' '.repeat(n)}\nINFO jepsen.util - 0 :ok :read 3${' '.repeat(n)}\n`;
    const parsed = parseHistory(text, 'jepsen-log');
    expect(parsed.events.map((e) => e.value)).toEqual([null, 3]);
  });
});
