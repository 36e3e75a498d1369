// faultline check: exit codes, --json lines, bad input reports, and the yargs wiring.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import yargs from 'yargs';
import { checkCommand, runCheck, type CheckArgs } from '../../cli/commands/check.js';
import { io } from '../../cli/output.js';
import { porcupineKvDir } from './linearizability/data.js';

const kv = (name: string) => resolve(porcupineKvDir, name);
const files: Record<string, string> = {
  'register.edn': '[{:process 0 :type :invoke :f :write :value 1}\n {:process 0 :type :ok :f :write :value 1}\n {:process 1 :type :invoke :f :read :value nil}\n {:process 1 :type :ok :f :read :value 2}]\n',
  'knossos-nil.edn': '[{:process 0 :type :invoke :f :read :value nil}\n {:process 0 :type :ok :f :read :value nil}\n {:process 1 :type :invoke :f :read :value nil}\n {:process 1 :type :ok :f :read :value 0}]\n',
  'bad-type.edn': '[{:process 0 :type :invoke :f :read}\n {:process 0 :type :done :f :read}]\n',
  'double-invoke.json': '[\n{"index":0,"process":0,"type":"invoke","f":"read","timeUs":0},\n{"index":1,"process":0,"type":"invoke","f":"read","timeUs":1}\n]',
  'wrong-f.edn': '{:process 0 :type :invoke :f :frobnicate}\n{:process 0 :type :ok :f :frobnicate}\n',
  'deep.edn': `[{:process 0 :type :invoke :f :write :value 1}\n {:process 0 :type :ok :f :write :value ${'['.repeat(50_000)}${']'.repeat(50_000)}}]\n`,
  'empty.edn': '\n',
  'porcupine.log': '{:process 0, :type :invoke, :f :put, :key "1", :value "x"}\n{:process 0, :type :ok, :f :put, :key "1", :value "x"}\n',
  'jepsen.log': 'INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:write\t1\nINFO  jepsen.util - 1\t:invoke\t:read\tnil\nINFO  jepsen.util - 1\t:ok\t:read\t1\n',
};
const env = {
  readFile: (path: string) => {
    const text = files[path];
    if (text !== undefined) return text;
    if (path.startsWith(porcupineKvDir)) return readFileSync(path, 'utf8');
    throw Object.assign(new Error(`no such file ${path}`), { code: 'ENOENT' });
  },
};
const check = (args: Partial<CheckArgs> & { historyFile: string[] }) => runCheck({ format: 'auto', json: false, ...args }, env);

describe('faultline check', () => {
  it('--memory sets the memo budget: a tiny one on a hard file is undecided (exit 3) and names the memo budget', () => {
    const tiny = check({ historyFile: [kv('c10-ok.txt')], model: 'kv-unpartitioned', memory: '64KB' });
    expect(tiny.exitCode).toBe(3);
    expect(tiny.stdout.join('\n')).toMatch(/undecided[\s\S]*the memo budget \(--memory\) ran out/);
    const json = JSON.parse(check({ historyFile: [kv('c10-ok.txt')], model: 'kv-unpartitioned', memory: '64KB', json: true }).stdout[0]) as { verdict: string };
    expect(json.verdict).toBe('unknown');
    expect(check({ historyFile: [kv('c01-ok.txt')], model: 'kv', memory: '2GB' }).exitCode).toBe(0);
    expect(check({ historyFile: [kv('c01-ok.txt')], model: 'kv', memory: '512MiB' }).exitCode).toBe(0);
    for (const bad of ['0', '-1GB', '2XB', 'lots']) {
      const r = check({ historyFile: [kv('c01-ok.txt')], model: 'kv', memory: bad });
      expect(r.exitCode).toBe(2);
      expect(r.stderr.join('\n')).toContain('--memory');
    }
  });

  it('exit 0 for linearizable, 1 for not, with the worst across files', () => {
    expect(check({ historyFile: [kv('c01-ok.txt')], model: 'kv' }).exitCode).toBe(0);
    expect(check({ historyFile: [kv('c01-bad.txt')], model: 'kv' }).exitCode).toBe(1);
    const both = check({ historyFile: [kv('c01-ok.txt'), kv('c10-bad.txt')], model: 'kv' });
    expect(both.exitCode).toBe(1);
    expect(both.stdout[0]).toContain('c01-ok.txt: linearizable');
    expect(both.stdout.join('\n')).toContain('NOT linearizable');
  });

  it('--json prints one object per file per line', () => {
    const r = check({ historyFile: [kv('c01-ok.txt'), kv('c01-bad.txt')], model: 'kv', json: true });
    expect(r.stdout).toHaveLength(2);
    const [ok, bad] = r.stdout.map((line) => JSON.parse(line));
    expect(ok).toMatchObject({ file: kv('c01-ok.txt'), verdict: 'linearizable', model: 'kv', format: 'porcupine-kv', operations: 58, partitions: 10 });
    expect(typeof ok.elapsedMs).toBe('number');
    expect(ok.counterexample).toBeUndefined();
    expect(bad.verdict).toBe('not-linearizable');
    expect(bad.counterexample).toMatchObject({ partition: 'key "7"', op: { text: 'p0 get "7" → "x 0 0 y"', invokeLine: 59, completeLine: 60 } });
  });

  it('explains a violation in a few readable lines', () => {
    const r = check({ historyFile: ['register.edn'], model: 'register' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toEqual([
      'register.edn: NOT linearizable (2 operations, 1 partition, model register, edn, ' + r.stdout[0].split(', edn, ')[1],
      '  p1 read → 2 (lines 3–4) cannot be linearized',
      '    read 2 but the register holds 1',
      '  longest linearization found: 1 operation:',
      '    p0 write 1  → 1 (lines 1–2)',
    ]);
  });

  it('--initial parses JSON, and EDN nil reads follow Knossos (unknown value)', () => {
    expect(check({ historyFile: ['knossos-nil.edn'], model: 'cas-register', initial: '0' }).exitCode).toBe(0);
    expect(check({ historyFile: ['knossos-nil.edn'], model: 'cas-register' }).exitCode).toBe(1);
  });

  it('the model is inferred for Jepsen logs and Porcupine kv files', () => {
    const r = check({ historyFile: ['jepsen.log'], json: true });
    expect(JSON.parse(r.stdout[0])).toMatchObject({ model: 'cas-register', format: 'jepsen-log', verdict: 'linearizable' });
    const e = check({ historyFile: ['register.edn'] });
    expect(e.exitCode).toBe(2);
    expect(e.stderr[0]).toMatch(/^error: register\.edn: --model: one of register, /);
  });

  it('bad input: exit 2, "error: <file>:<line>: <field>: <expected>" on stderr, no stack', () => {
    const r = check({ historyFile: ['bad-type.edn'], model: 'register' });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toEqual([]);
    expect(r.stderr).toEqual(['error: bad-type.edn:2: type: one of :invoke, :ok, :fail, :info']);
  });

  it('deeply nested EDN is refused at a depth limit with its line, not a stack overflow', () => {
    const r = check({ historyFile: ['deep.edn'], model: 'register' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toEqual(['error: deep.edn:2: EDN nested at most 200 levels deep (this form nests deeper)']);
  });

  it('no operation to judge is bad input, not linearizable', () => {
    expect(check({ historyFile: ['empty.edn'], model: 'register' })).toMatchObject({ exitCode: 2, stderr: ['error: empty.edn: a history with at least one operation (no operation in empty.edn: the file is empty)'] });
    expect(check({ historyFile: ['porcupine.log'], format: 'jepsen-log', model: 'kv' })).toMatchObject({
      exitCode: 2,
      stderr: ['error: porcupine.log: a history with at least one operation (no operation in porcupine.log: no line parsed as jepsen-log)'],
    });
  });

  it('errors found while pairing or validating operations name the line too', () => {
    expect(check({ historyFile: ['double-invoke.json'], model: 'register' }).stderr[0]).toBe(
      "error: double-invoke.json:3: process: a completion of process 0's open :read (event 0) before it invokes again",
    );
    expect(check({ historyFile: ['wrong-f.edn'], model: 'mutex' }).stderr[0]).toBe('error: wrong-f.edn:1: f: one of :acquire, :lock, :release, :unlock (got :frobnicate)');
  });

  it('a missing file is bad input; the other files are still checked', () => {
    const r = check({ historyFile: ['missing.edn', kv('c01-bad.txt')], model: 'kv' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toEqual(['error: missing.edn: a readable history file (ENOENT)']);
    expect(r.stdout[0]).toContain('NOT linearizable');
  });

  it('bad options are bad input', () => {
    expect(check({ historyFile: ['register.edn'], model: 'register', budget: 'lots' }).stderr[0]).toMatch(/^error: --budget: a positive number/);
    expect(check({ historyFile: ['register.edn'], model: 'register', timeout: '10' }).stderr[0]).toMatch(/^error: --timeout: a duration with a unit/);
    expect(check({ historyFile: ['register.edn'], model: 'register', timeout: '10' }).exitCode).toBe(2);
  });

  it('a tiny budget is undecided: exit 3, naming the partitions', () => {
    const r = check({ historyFile: [kv('c10-ok.txt')], model: 'kv', budget: '20' });
    expect(r.exitCode).toBe(3);
    expect(r.stdout[1]).toMatch(/the step budget \(--budget\) ran out; undecided: key "/);
    const j = JSON.parse(check({ historyFile: [kv('c10-ok.txt')], model: 'kv', budget: '20', json: true }).stdout[0]);
    expect(j.verdict).toBe('unknown');
    expect(j.undecided.length).toBeGreaterThan(0);
  });

  it('colours the verdict only when asked (NO_COLOR turns it off)', () => {
    const coloured = runCheck({ historyFile: ['register.edn'], model: 'register' }, { ...env, color: true });
    expect(coloured.stdout[0]).toContain('\u001b[');
    const plain = runCheck({ historyFile: ['register.edn'], model: 'register' }, { ...env, color: false });
    expect(plain.stdout.join('\n')).not.toContain('\u001b[');
  });

  it('--timeout uses the injected clock', () => {
    let t = 0;
    const r = runCheck({ historyFile: [kv('c10-ok.txt')], model: 'kv-unpartitioned', timeout: '1ms', json: true }, { ...env, now: () => (t += 0.01) });
    expect(JSON.parse(r.stdout[0]).verdict).toBe('unknown');
    expect(r.exitCode).toBe(3);
  });
});

describe('check command wiring (yargs)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('parses flags and sets process.exitCode without exiting', async () => {
    const out: string[] = [];
    vi.spyOn(io, 'out').mockImplementation((text) => void out.push(text));
    vi.spyOn(io, 'err').mockImplementation(() => undefined);
    await yargs(['check', kv('c01-bad.txt'), '--model', 'kv', '--json']).command(checkCommand).strict().exitProcess(false).parseAsync();
    expect(process.exitCode).toBe(1);
    expect(JSON.parse(out[0])).toMatchObject({ verdict: 'not-linearizable', model: 'kv' });
  });

  it('rejects an unknown model', async () => {
    vi.spyOn(io, 'out').mockImplementation(() => undefined);
    let message = '';
    try {
      await yargs(['check', kv('c01-ok.txt'), '--model', 'btree'])
        .command(checkCommand)
        .strict()
        .exitProcess(false)
        .fail((msg) => {
          throw new Error(msg);
        })
        .parseAsync();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/Invalid values:[\s\S]*model/);
    expect(process.exitCode).toBeUndefined();
  });
});
