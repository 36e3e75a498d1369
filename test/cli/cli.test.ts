// The CLI shell: exit codes, error reports, usage errors, list. Runs that need the kernel
// and the checkers are in run.test.ts.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers/capture.js';
import { ROOT, spawnCli, stripAnsi } from './helpers/spawn.js';

const HAVE_PROTOCOLS = existsSync(join(ROOT, 'protocols', 'index.ts'));

const fixture = (name: string) => join('test', 'fixtures', 'scenarios', name);

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'faultline-cli-'));
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('bad scenario files: exit 2, file:line and field, no stack trace, nothing written', () => {
  it.each([
    { file: 'unknown-key.yaml', where: ':7: clients.thnk: unknown key' },
    { file: 'bad-unit.yaml', where: ':9: network.latency.uniform[1]: expected a duration with a unit' },
    { file: 'syntax-error.yaml', where: ':5: expected valid YAML' },
    { file: 'unknown-bug.yaml', where: ':7: bugs[1]: expected a bug variant of echo' },
    { file: 'faults-stop.yaml', where: ':5: faultsStop: expected at most the duration' },
  ])('$file', async ({ file, where }) => {
    const traceOut = join(scratch, 'trace.jsonl');
    const { code, stdout, stderr } = await runCli(['run', fixture(file), '--trace-out', traceOut]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stripAnsi(stderr).startsWith(`error: ${fixture(file)}${where}`)).toBe(true);
    expect(stderr).not.toContain('    at ');
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('--json does not change where errors go: stdout stays empty', async () => {
    const { code, stdout, stderr } = await runCli(['run', fixture('bad-unit.yaml'), '--json']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stripAnsi(stderr)).toMatch(/^error: .*bad-unit\.yaml:9: network\.latency\.uniform\[1\]/);
  });

  it('a missing scenario file', async () => {
    const { code, stderr } = await runCli(['run', fixture('nope.yaml')]);
    expect(code).toBe(2);
    expect(stripAnsi(stderr)).toContain('nope.yaml: expected a readable scenario file (no such file)');
  });

  it('an unknown --bug names the flag and the valid variants', async () => {
    const { code, stderr } = await runCli(['run', fixture('minimal.yaml'), '--bug', 'figure-9']);
    expect(code).toBe(2);
    expect(stripAnsi(stderr)).toContain('error: --bug: expected a bug variant of echo: violate, crash, stale (got "figure-9")');
  });

  it('--trace-out with --record fuzz is a contradiction', async () => {
    const { code, stderr } = await runCli(['run', fixture('minimal.yaml'), '--record', 'fuzz', '--trace-out', join(scratch, 't.jsonl')]);
    expect(code).toBe(2);
    expect(stripAnsi(stderr)).toContain('--trace-out: expected --record full');
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('--trace-out into a missing directory is refused before running', async () => {
    const { code, stderr } = await runCli(['run', fixture('minimal.yaml'), '--trace-out', join(scratch, 'no', 'such', 't.jsonl')]);
    expect(code).toBe(2);
    expect(stripAnsi(stderr)).toContain('--trace-out: expected a file in an existing directory');
  });
});

describe('usage errors: exit 2', () => {
  it.each([
    { argv: ['frobnicate'], message: /Unknown argument: frobnicate/ },
    { argv: ['runn', 'x.yaml'], message: /unknown command "runn"\. Did you mean run\?/ },
    { argv: [], message: /a command is required/ },
    { argv: ['run'], message: /Not enough non-option arguments/ },
    { argv: ['run', 'x.yaml', '--frob'], message: /Unknown argument: frob/ },
    { argv: ['run', 'x.yaml', '--record', 'some'], message: /Invalid values/ },
    { argv: ['run', 'x.yaml', '--seed'], message: /Not enough arguments following: seed/ },
  ])('$argv', async ({ argv, message }) => {
    const { code, stdout, stderr } = await runCli(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stripAnsi(stderr)).toMatch(message);
    expect(stderr).toContain('faultline --help');
    expect(stderr).not.toContain('    at ');
  });

  it('--help prints the commands and exits 0', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('faultline run <scenario>');
    expect(stdout).toContain('faultline list');
  });

  it('--version prints the package version', async () => {
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe.skipIf(!HAVE_PROTOCOLS)('list', () => {
  it('--json is one object: protocols with bugs, checkers and shipped scenarios', async () => {
    const { code, stdout, stderr } = await runCli(['list', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { protocols: Array<{ name: string; bugs: Array<{ name: string; description: string }>; checkers: string[]; scenarios: string[] }> };
    expect(parsed.protocols.length).toBeGreaterThan(0);
    const raft = parsed.protocols.find((p) => p.name === 'raft');
    expect(raft).toBeDefined();
    expect(raft!.bugs.map((b) => b.name)).toContain('figure-8');
    for (const bug of raft!.bugs) expect(bug.description.length).toBeGreaterThan(0);
    expect(raft!.checkers).toContain('election-safety');
    expect(raft!.checkers[raft!.checkers.length - 1]).toBe('linearizability');
    for (const scenario of raft!.scenarios) expect(scenario).toMatch(/scenarios[/\\]raft[/\\][^/\\]+\.ya?ml$/);
  });

  it('--json shows each protocol\'s roles, client kind and workload, and the shared workloads', async () => {
    const { stdout } = await runCli(['list', '--json']);
    const parsed = JSON.parse(stdout) as {
      protocols: Array<{ name: string; roles: Array<{ name: string; count: number }>; clients: string; workload: string }>;
      workloads: Array<{ name: string; operations: string[]; model?: string }>;
    };
    const raft = parsed.protocols.find((p) => p.name === 'raft')!;
    expect(raft.roles).toEqual([{ name: 'server', count: 3, description: expect.any(String) }]);
    expect(raft.clients).toBe('built-in');
    expect(raft.workload).toBe('kv');
    expect(parsed.workloads.map((w) => w.name)).toEqual(['kv', 'register', 'mutex', 'queue', 'bank', 'list-append']);
    expect(parsed.workloads.find((w) => w.name === 'kv')).toMatchObject({ operations: ['get', 'put', 'append', 'cas'], model: 'kv' });
  });

  it('text lists each protocol with its bugs and checkers', async () => {
    const { code, stdout } = await runCli(['list']);
    expect(code).toBe(0);
    const text = stripAnsi(stdout);
    expect(text).toMatch(/^raft /m);
    expect(text).toMatch(/checkers: .*election-safety.*linearizability/);
    expect(text).toMatch(/figure-8\s+commits an earlier term/);
    expect(text).toMatch(/roles: server \(3\); clients: built-in; workload: kv/);
    expect(text).toMatch(/^  list-append\s+/m);
  });
});

describe('as a real process', () => {
  it('a bad scenario exits 2 with file:line on stderr, no stack, no colour under NO_COLOR', () => {
    const { code, stdout, stderr } = spawnCli(['run', fixture('node-out-of-range.yaml')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`error: ${fixture('node-out-of-range.yaml')}:7: faults[1].node: expected a node n1..n5 (nodes: 5; got n7)\n`);
  });

  it('colour when forced: the error is red', () => {
    const { code, stderr } = spawnCli(['run', fixture('node-out-of-range.yaml')], { color: true });
    expect(code).toBe(2);
    expect(stderr).toContain('\u001b[31merror:');
  });

  it('an unknown command exits 2', () => {
    const { code, stderr } = spawnCli(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown argument: frobnicate');
  });
});
