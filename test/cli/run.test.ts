// `faultline run`: the composition of kernel + protocol + checkers, end to end. The echo
// test double (./echo-protocol.ts) exercises every path without Raft; a few runs use Raft.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Violation } from '../../sim/result.js';
import { runCli } from './helpers/capture.js';
import { ROOT, spawnCli, stripAnsi } from './helpers/spawn.js';

const HAVE_KERNEL = existsSync(join(ROOT, 'sim', 'world.ts')) && existsSync(join(ROOT, 'checkers', 'index.ts'));
const HAVE_RAFT = HAVE_KERNEL && existsSync(join(ROOT, 'protocols', 'index.ts'));

const ECHO = join('test', 'fixtures', 'scenarios', 'minimal.yaml');

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'faultline-run-'));
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A scenario file for the echo double, in the scratch folder. */
function echoScenario(extra: string[] = []): string {
  const path = join(scratch, 'echo.yaml');
  const protocol = join(ROOT, 'test', 'cli', 'echo-protocol.ts');
  writeFileSync(path, [`protocol: ${JSON.stringify(protocol)}`, 'nodes: 3', 'duration: 2s', 'clients: { count: 3 }', ...extra].join('\n'));
  return path;
}

interface RunJsonShape {
  verdict: string;
  seed: string;
  hash: string;
  events: number;
  simulatedUs: number;
  violations: Array<{ kind: string; checker: string; message: string; atUs: number; event: number; node?: string; stack?: string }>;
  replay: string;
}

describe.skipIf(!HAVE_KERNEL)('decideVerdict', () => {
  const violation: Violation = { kind: 'safety', checker: 'x', message: 'm', atUs: 1, event: 1 };
  it.each([
    { violations: [], lin: undefined, want: 'pass' },
    { violations: [], lin: 'linearizable', want: 'pass' },
    { violations: [], lin: 'unknown', want: 'undecided' },
    { violations: [violation], lin: 'unknown', want: 'fail' },
    { violations: [violation], lin: 'linearizable', want: 'fail' },
  ] as const)('$lin with $violations.length violations -> $want', async ({ violations, lin, want }) => {
    // Imported here: the runner loads the kernel and the checkers.
    const { decideVerdict } = await import('../../scenario/runner.js');
    expect(decideVerdict(violations, lin)).toBe(want);
  });
});

describe.skipIf(!HAVE_KERNEL)('run with the echo test double', () => {
  it('a clean run passes: exit 0, verdict, events, hash, replay line', async () => {
    const { code, stdout, stderr } = await runCli(['run', ECHO]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const text = stripAnsi(stdout);
    expect(text).toMatch(/^PASS {2}minimal · echo · 3 nodes · seed 1$/m);
    expect(text).toMatch(/events · 2s simulated · hash [0-9a-f]{16}/);
    expect(text).toContain(`replay: faultline run ${ECHO} --seed 1\n`);
  });

  it('--json prints exactly one JSON object with the documented fields', async () => {
    const { code, stdout } = await runCli(['run', ECHO, '--json', '--seed', 'abc']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const json = JSON.parse(stdout) as RunJsonShape;
    expect(Object.keys(json).sort()).toEqual(['events', 'hash', 'replay', 'seed', 'simulatedUs', 'verdict', 'violations']);
    expect(json.verdict).toBe('pass');
    expect(json.seed).toBe('abc');
    expect(json.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(json.events).toBeGreaterThan(0);
    expect(json.simulatedUs).toBe(2_000_000);
    expect(json.violations).toEqual([]);
    expect(json.replay).toBe(`faultline run ${ECHO} --seed abc`);
  });

  it('the same seed gives the same hash; another seed another run', async () => {
    const run = async (seed: string) => JSON.parse((await runCli(['run', ECHO, '--json', '--seed', seed])).stdout) as RunJsonShape;
    const [a, b, c] = [await run('7'), await run('7'), await run('8')];
    expect(b.hash).toBe(a.hash);
    expect(b.events).toBe(a.events);
    expect(c.hash).not.toBe(a.hash);
  });

  it('a safety violation fails: exit 1, the checker, time and event, and the replay names the bug', async () => {
    const { code, stdout } = await runCli(['run', ECHO, '--bug', 'violate', '--json']);
    expect(code).toBe(1);
    const json = JSON.parse(stdout) as RunJsonShape;
    expect(json.verdict).toBe('fail');
    expect(json.violations).toHaveLength(1);
    expect(json.violations[0]).toMatchObject({ kind: 'safety', checker: 'echo-safety', message: 'n1 reported a violation' });
    expect(json.violations[0].event).toBeGreaterThanOrEqual(0);
    expect(json.replay).toBe(`faultline run ${ECHO} --seed 1 --bug violate`);

    const human = await runCli(['run', ECHO, '--bug', 'violate']);
    expect(human.code).toBe(1);
    expect(stripAnsi(human.stdout)).toMatch(/^FAIL /m);
    expect(stripAnsi(human.stdout)).toMatch(/✗ echo-safety \(safety\) at .+, event \d+: n1 reported a violation/);
  });

  it('a bug set in the file is not repeated in the replay', async () => {
    const path = echoScenario(['bugs: [violate]']);
    const { code, stdout } = await runCli(['run', path, '--json', '--seed', 'x y']);
    expect(code).toBe(1);
    expect((JSON.parse(stdout) as RunJsonShape).replay).toBe(`faultline run ${path} --seed 'x y'`);
  });

  it('a stale read is a linearizability violation', async () => {
    const { code, stdout } = await runCli(['run', ECHO, '--bug', 'stale', '--json']);
    expect(code).toBe(1);
    const json = JSON.parse(stdout) as RunJsonShape;
    expect(json.violations.map((v) => [v.kind, v.checker])).toEqual([['linearizability', 'linearizability']]);
    expect(json.violations[0].message).toMatch(/cannot be linearized/);
  });

  it('without the linearizability checker, the stale read goes unnoticed', async () => {
    const path = echoScenario(['checkers: [echo-safety]']);
    const { code } = await runCli(['run', path, '--bug', 'stale', '--json']);
    expect(code).toBe(0);
  });

  it('an assertion in protocol code is a protocol failure: exit 1, checker protocol-exception, with the node and the stack', async () => {
    const { code, stdout, stderr } = await runCli(['run', ECHO, '--bug', 'crash', '--seed', '99', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const json = JSON.parse(stdout) as RunJsonShape;
    expect(json.verdict).toBe('fail');
    expect(json.violations).toHaveLength(1);
    const v = json.violations[0];
    expect(v).toMatchObject({ kind: 'exception', checker: 'protocol-exception', node: 'n1', message: 'n1 threw in onRequest: AssertionError: echo: the crash bug variant fired' });
    expect(v.atUs).toBeGreaterThan(0);
    expect(v.event).toBe(json.events - 1);
    expect(v.stack).toMatch(/^at EchoActor\.onRequest \(.*echo-protocol\.ts:\d+:\d+\)$/m);
    expect(json.replay).toBe(`faultline run ${ECHO} --seed 99 --bug crash`);
  });

  it('as a real process: a protocol exception is exit 1, naming the node, the time, the message and the stack; no internal error', () => {
    const { code, stdout, stderr } = spawnCli(['run', ECHO, '--bug', 'crash', '--seed', '99']);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const text = stripAnsi(stdout);
    expect(text).toMatch(/^FAIL {2}minimal · echo · 3 nodes · seed 99 · bugs crash$/m);
    expect(text).toMatch(/^ {2}✗ protocol-exception \(exception\) at [\d.]+m?s, event \d+: n1 threw in onRequest: AssertionError: echo: the crash bug variant fired$/m);
    // The stack under it, paths relative to the working directory.
    expect(text).toMatch(/^ {6}at EchoActor\.onRequest \(test\/cli\/echo-protocol\.ts:\d+:\d+\)$/m);
    expect(text).toContain(`replay: faultline run ${ECHO} --seed 99 --bug crash`);
    expect(`${stdout}${stderr}`).not.toMatch(/internal error/);
  });

  it("as a real process: faultline's own assertion is still an internal error, exit 4, with the seed and the replay command", () => {
    const path = join(scratch, 'breaker.yaml');
    writeFileSync(path, [`protocol: ${JSON.stringify(join(ROOT, 'test', 'cli', 'kernel-breaker-protocol.ts'))}`, 'nodes: 3', 'duration: 1s', 'clients: { count: 0 }'].join('\n'));
    const { code, stdout, stderr } = spawnCli(['run', path, '--seed', '5']);
    expect(code).toBe(4);
    expect(stdout).toBe('');
    const text = stripAnsi(stderr);
    expect(text).toContain('internal error (a bug in faultline, please report it): assertion failed: node n1 is already up');
    expect(text).toContain('seed: 5');
    expect(text).toContain(`replay: faultline run ${path} --seed 5`);
    expect(text).not.toContain('protocol-exception');
    expect(text).not.toContain('    at ');
  });

  it('--trace-out writes the full trace as JSON lines, atomically', async () => {
    const traceOut = join(scratch, 'trace.jsonl');
    const { code } = await runCli(['run', ECHO, '--trace-out', traceOut, '--json']);
    expect(code).toBe(0);
    expect(readdirSync(scratch)).toEqual(['trace.jsonl']); // no temporary file left behind
    const lines = readFileSync(traceOut, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    const events = lines.map((line) => JSON.parse(line) as { i: number; t: number; k: string });
    // Trace entries are in run order: event index and time never go backwards.
    events.slice(1).forEach((event, index) => {
      expect(event.i).toBeGreaterThanOrEqual(events[index].i);
      expect(event.t).toBeGreaterThanOrEqual(events[index].t);
    });
    expect(new Set(events.map((e) => e.k))).toContain('history');
  });

  it('the human summary names the trace file', async () => {
    const traceOut = join(scratch, 'trace.jsonl');
    const { code, stdout } = await runCli(['run', ECHO, '--trace-out', traceOut]);
    expect(code).toBe(0);
    expect(stripAnsi(stdout)).toMatch(new RegExp(`trace: ${traceOut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\([\\d,]+ entries, JSON lines\\)\\nreplay: `));
  });

  it('the record level does not change the run: same hash with and without a trace', async () => {
    const fuzz = JSON.parse((await runCli(['run', ECHO, '--json'])).stdout) as RunJsonShape;
    const full = JSON.parse((await runCli(['run', ECHO, '--json', '--record', 'full'])).stdout) as RunJsonShape;
    expect(full.hash).toBe(fuzz.hash);
  });

  it('as a real process: exit codes 0 and 1', () => {
    expect(spawnCli(['run', ECHO]).code).toBe(0);
    const failed = spawnCli(['run', ECHO, '--bug', 'violate', '--json']);
    expect(failed.code).toBe(1);
    expect((JSON.parse(failed.stdout) as RunJsonShape).verdict).toBe('fail');
  });
});

describe.skipIf(!HAVE_RAFT)('run with raft', () => {
  function raftScenario(extra: string[]): string {
    const path = join(scratch, 'raft.yaml');
    writeFileSync(
      path,
      [
        'name: leader-partition',
        'protocol: raft',
        'options: { electionTimeoutUs: [150ms, 300ms], heartbeatUs: 50ms }',
        'nodes: 5',
        'duration: 6s',
        'network: { latency: { uniform: [1ms, 10ms] } }',
        'faults:',
        '  - { at: 1s, kind: isolate, node: leader }',
        '  - { at: 2500ms, kind: heal }',
        ...extra,
      ].join('\n'),
    );
    return path;
  }

  it('a leader partition heals and passes every checker', async () => {
    const path = raftScenario([]);
    const { code, stdout, stderr } = await runCli(['run', path, '--json', '--seed', '3']);
    expect(stderr).toBe('');
    const json = JSON.parse(stdout) as RunJsonShape;
    expect(json.violations).toEqual([]);
    expect(json.verdict).toBe('pass');
    expect(code).toBe(0);
  });

  it('--history bounded checks as the run goes: same hash, verdict and violations as the whole history, pass and fail', async () => {
    for (const [file, verdict] of [
      ['scenarios/raft/leader-partition.yaml', 'pass'],
      ['scenarios/raft/local-read.yaml', 'fail'],
    ] as const) {
      const whole = JSON.parse((await runCli(['run', join(ROOT, file), '--json'])).stdout) as RunJsonShape;
      const bounded = await runCli(['run', join(ROOT, file), '--json', '--history', 'bounded']);
      const json = JSON.parse(bounded.stdout) as RunJsonShape;
      expect(json.verdict).toBe(verdict);
      expect(bounded.code).toBe(verdict === 'pass' ? 0 : 1);
      expect([json.hash, json.violations]).toEqual([whole.hash, whole.violations]);
    }
  });

  it('raft options that raft refuses are bad input at the option line', async () => {
    const path = raftScenario(['checkers: [election-safety]']);
    writeFileSync(path, readFileSync(path, 'utf8').replace('heartbeatUs: 50ms', 'heartbeatUs: 50ms, maxAppendEntries: -1'));
    const { code, stderr } = await runCli(['run', path]);
    expect(code).toBe(2);
    expect(stripAnsi(stderr)).toContain(`error: ${path}:3: options.maxAppendEntries: expected options that raft accepts`);
  });

  it('shipped scenarios load', async () => {
    const dir = join(ROOT, 'scenarios', 'raft');
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')) : [];
    const { loadScenario } = await import('../../scenario/load.js');
    for (const file of files) await expect(loadScenario(join(dir, file))).resolves.toBeDefined();
  });
});
