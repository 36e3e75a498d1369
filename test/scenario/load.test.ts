import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../scenario/errors.js';
import { applyOverrides, extraBugs, loadScenario, parseScenario } from '../../scenario/load.js';
import type { ProtocolResolver } from '../../scenario/registry.js';
import type { SimConfig } from '../../sim/config.js';
import type { Workload } from '../../sim/types.js';
import { echoProtocol } from '../cli/echo-protocol.js';
import { inputError } from './input-error.js';

const FIXTURES = join('test', 'fixtures', 'scenarios');
const fixture = (name: string) => join(FIXTURES, name);

/** Resolves any `protocol:` to the echo test double (no module loading). */
const echoOnly: ProtocolResolver = async (ref) =>
  ref === 'echo' ? { ok: true, value: echoProtocol } : { ok: false, error: `a built-in protocol (echo) (got ${JSON.stringify(ref)})` };


describe('malformed scenario files: the error names the file, the line and the field', () => {
  it.each([
    { file: 'syntax-error.yaml', line: 5, field: undefined, expected: /valid YAML: this \{ is never closed/ },
    { file: 'unknown-key.yaml', line: 7, field: 'clients.thnk', expected: /unknown key; expected one of: count, keys, mix, think.*did you mean think\?/ },
    { file: 'bad-unit.yaml', line: 9, field: 'network.latency.uniform[1]', expected: /a duration with a unit, like 200ms/ },
    { file: 'node-out-of-range.yaml', line: 7, field: 'faults[1].node', expected: /a node n1\.\.n5 \(nodes: 5; got n7\)/ },
    { file: 'unknown-bug.yaml', line: 7, field: 'bugs[1]', expected: /a bug variant of echo: violate, crash, stale \(got "figure-9"\)/ },
    { file: 'unknown-fault-kind.yaml', line: 10, field: 'faults[1].kind', expected: /partition, partition-halves.*loss-burst \(got "explode"\)/ },
    { file: 'faults-stop.yaml', line: 5, field: 'faultsStop', expected: /at most the duration \(20s\); faultsStop is 30s/ },
    { file: 'bad-checker.yaml', line: 6, field: 'checkers[1]', expected: /a checker of echo: echo-safety, echo-progress, linearizability \(got "linearisability"\)/ },
    { file: 'client-out-of-range.yaml', line: 7, field: 'faults[0].groups[1][2]', expected: /client c1\.\.c2 .*got c3/ },
    { file: 'bare-number.yaml', line: 4, field: 'duration', expected: /a duration with a unit, like 200ms.*bare number/ },
    { file: 'duplicate-key.yaml', line: 5, field: 'nodes', expected: /only once/ },
    { file: 'missing-field.yaml', line: 1, field: 'duration', expected: /a duration.*required/ },
    { file: 'interval-order.yaml', line: 7, field: 'nemesis.interval', expected: /min <= max/ },
    { file: 'fault-after-end.yaml', line: 6, field: 'faults[0].at', expected: /within the duration \(2s\); at is 3s/ },
    { file: 'unknown-protocol.yaml', line: 2, field: 'protocol', expected: /no-such-protocol\.ts does not exist/ },
    { file: 'bad-option-duration.yaml', line: 4, field: 'options.timeouts[1]', expected: /whole number of microseconds \(got "0\.5us"\)/ },
    { file: 'not-a-mapping.yaml', line: 1, field: undefined, expected: /a mapping of scenario fields/ },
    { file: 'bad-mix.yaml', line: 6, field: 'clients.mix.gte', expected: /an operation of the echo-kv workload: get, put/ },
  ])('$file -> line $line, $field', async ({ file, line, field, expected }) => {
    const error = await inputError(loadScenario(fixture(file)));
    expect(error.file).toBe(fixture(file));
    expect(error.line).toBe(line);
    expect(error.field).toBe(field);
    expect(error.expected).toMatch(expected);
    expect(error.message.startsWith(`${fixture(file)}:${line}: ${field ? `${field}: ` : ''}`)).toBe(true);
  });

  it('a missing file is bad input, not a crash', async () => {
    const error = await inputError(loadScenario(fixture('does-not-exist.yaml')));
    expect(error.message).toMatch(/does-not-exist\.yaml: expected a readable scenario file \(no such file\)/);
  });

  it('an empty file says so', async () => {
    const error = await inputError(parseScenario('\n\n', 'empty.yaml', { resolveProtocol: echoOnly }));
    expect(error.message).toBe('empty.yaml:1: expected a scenario (name, protocol, nodes, duration, ...): the file is empty');
  });

  it('reports the first problem in file order when there are several', async () => {
    const text = ['protocol: echo', 'nodes: 0', 'duration: 5', 'netwrk: {}'].join('\n');
    const error = await inputError(parseScenario(text, 's.yaml', { resolveProtocol: echoOnly }));
    expect(error.line).toBe(2);
    expect(error.field).toBe('nodes');
  });

  it.each([
    { yaml: 'faults: [{ at: 1s, kind: restart, node: everyone }]', field: 'faults[0].node', expected: /leader, random, random:<role>, all:<role> or all/ },
    { yaml: 'faults: [{ at: 1s, kind: crash, node: all }]', field: 'faults[0].node', expected: /a node like n1, a client actor like c1, leader, random, random:<role> or all:<role>/ },
    { yaml: 'faults: [{ kind: heal }]', field: 'faults[0].at', expected: /a duration.*required/ },
    { yaml: 'faults: [{ at: 1s, kind: partition, groups: [[n1, n2], [n2, n3]] }]', field: 'faults[0].groups[1][0]', expected: /at most one group \(n2 appears twice\)/ },
    { yaml: 'faults: [{ at: 1s, kind: partition, groups: [[n1, n2, n3]] }]', field: 'faults[0].groups', expected: /at least two groups/ },
    { yaml: 'faults: [{ at: 1s, kind: clock-jump, node: n1, by: -1.5s }]', field: undefined, expected: undefined },
    { yaml: 'faults: [{ at: 1s, kind: clock-drift, node: n1, drift: 2000000 }]', field: 'faults[0].drift', expected: /clock drift in ppm/ },
    { yaml: 'faults: [{ at: 1s, kind: bridge, node: n1 }]', field: 'faults[0].node', expected: /unknown key; expected one of: at, kind/ },
    { yaml: 'network: { latency: { fixed: 1ms, uniform: [1ms, 2ms] } }', field: 'network.latency', expected: /exactly one of fixed, uniform, exponential, pareto, mixture \(got fixed and uniform\)/ },
    { yaml: 'network: { latency: { exponential: { min: 5ms, mean: 1ms, max: 10ms } } }', field: 'network.latency.exponential', expected: /min <= mean <= max/ },
    { yaml: 'network: { loss: 2 }', field: 'network.loss', expected: /between 0 and 1/ },
    { yaml: 'network: { cut: [[n1, n1]] }', field: 'network.cut[0]', expected: /two different endpoints/ },
    { yaml: 'network: { cut: [[n1, n9]] }', field: 'network.cut[0][1]', expected: /n1\.\.n3/ },
    { yaml: 'clients: { count: 2, stop: 9s }', field: 'clients.stop', expected: /at most the duration/ },
    { yaml: 'clients: { mix: { get: 0, put: 0 } }', field: 'clients.mix', expected: /weight above 0/ },
    { yaml: 'nemesis: { faults: { crash: 0 } }', field: 'nemesis.faults', expected: /weight above 0/ },
    { yaml: 'nemesis: { faults: { crsh: 1 } }', field: 'nemesis.faults.crsh', expected: /did you mean crash\?/ },
    { yaml: 'nemesis: { faults: { crash: 1 }, maxCrashed: 4 }', field: 'nemesis.maxCrashed', expected: /at most the node count \(3\)/ },
    { yaml: 'record: everything', field: 'record', expected: /fuzz or full/ },
    { yaml: 'seed: [1]', field: 'seed', expected: /a string or an integer/ },
    { yaml: 'checkEvery: 0', field: 'checkEvery', expected: /an integer from 1/ },
  ])('$yaml', async ({ yaml, field, expected }) => {
    const text = ['protocol: echo', 'nodes: 3', 'duration: 5s', yaml].join('\n');
    const parse = parseScenario(text, 'inline.yaml', { resolveProtocol: echoOnly });
    if (expected === undefined) {
      await expect(parse).resolves.toBeDefined();
      return;
    }
    const error = await inputError(parse);
    expect(error.line).toBe(4);
    expect(error.field).toBe(field);
    expect(error.expected).toMatch(expected);
  });
});

describe('a good scenario maps to the expected SimConfig', () => {
  it('every field', async () => {
    const loaded = await loadScenario(fixture('good.yaml'));
    const { protocol, ...config } = loaded.config;
    expect(protocol.name).toBe('echo');
    expect(loaded.name).toBe('echo-good');
    expect(loaded.description).toBe('Every field set, to check the mapping to SimConfig.');
    expect(loaded.protocolRef).toBe('../../cli/echo-protocol.ts');
    expect(loaded.checkers).toEqual(['echo-safety', 'linearizability']);
    expect(loaded.linearizability).toBe(true);
    expect(loaded.scenarioBugs).toEqual(['violate']);
    const want: Omit<SimConfig, 'protocol'> = {
      protocolOptions: { electionTimeoutUs: [150_000, 300_000], heartbeatUs: 50_000, nested: { tick: 1_500_000, label: 'fast' }, count: 7 },
      nodes: 5,
      seed: '0x5eed', // the text as written, although YAML reads 0x5eed as a number
      durationUs: 20_000_000,
      faultsStopUs: 15_000_000,
      network: {
        latency: { kind: 'exponential', minUs: 1_000, meanUs: 5_000, maxUs: 100_000 },
        lossPpm: 10_000,
        duplicatePpm: 5_000,
        cut: [
          [3, 1],
          [1, 5],
        ],
      },
      storage: { loseUnsyncedOnCrash: true },
      clients: {
        clients: 2,
        generator: echoProtocol.workload as Workload,
        workload: { keyCount: 4, mix: { get: 2, put: 1 }, params: {} },
        thinkUs: [0, 10_000],
        requestTimeoutUs: 200_000,
        opTimeoutUs: 2_000_000,
        stopUs: 18_000_000,
      },
      // Sorted by time, file order kept for equal times (the partition at 9s comes first in the file).
      faults: [
        { atUs: 2_000_000, action: { kind: 'isolate', node: 'leader' } },
        { atUs: 6_000_000, action: { kind: 'heal' } },
        { atUs: 7_000_000, action: { kind: 'crash', node: 2 } },
        { atUs: 8_000_000, action: { kind: 'restart', node: 'all' } },
        { atUs: 9_000_000, action: { kind: 'partition', groups: [[0, 1, 5], [2, 3, 4]] } },
        { atUs: 9_000_000, action: { kind: 'pause', node: 1, durationUs: 2_000_000 } },
        { atUs: 9_000_000, action: { kind: 'clock-jump', node: 0, byUs: -500_000 } },
        { atUs: 10_000_000, action: { kind: 'one-way', from: [0], to: [1, 6] } },
        { atUs: 10_000_000, action: { kind: 'crash-restart', node: 'random', downUs: 1_500_000 } },
        { atUs: 11_000_000, action: { kind: 'clock-offset', node: 4, offsetUs: 250 } },
        { atUs: 11_000_000, action: { kind: 'clock-drift', node: 3, driftPpm: -200 } },
        { atUs: 12_000_000, action: { kind: 'loss-burst', lossPpm: 500_000, durationUs: 1_000_000 } },
        { atUs: 13_000_000, action: { kind: 'partition-halves' } },
        { atUs: 13_000_000, action: { kind: 'partition-majority' } },
        { atUs: 14_000_000, action: { kind: 'bridge' } },
      ],
      nemesis: {
        weights: { partition: 3, crash: 2, 'one-way': 1 },
        intervalUs: [200_000, 1_000_000],
        durationUs: [200_000, 2_000_000],
        maxCrashed: 2,
        clockJumpMaxUs: 500_000,
        clockDriftMaxPpm: 200,
      },
      bugs: ['violate'],
      checks: ['echo-safety'],
      record: 'full',
      checkEveryEvents: 10,
      maxEvents: 20_000_000,
      exploreTies: true,
    };
    expect(config).toEqual(want);
  });

  it('defaults fill what the file leaves out', async () => {
    const loaded = await loadScenario(fixture('minimal.yaml'));
    const { protocol, ...config } = loaded.config;
    expect(protocol.name).toBe('echo');
    expect(loaded.name).toBe('minimal');
    expect(loaded.checkers).toEqual(['echo-safety', 'echo-progress', 'linearizability']);
    expect(loaded.linearizability).toBe(true);
    expect(config).toEqual({
      protocolOptions: {},
      nodes: 3,
      seed: '1',
      durationUs: 2_000_000,
      faultsStopUs: 1_500_000,
      network: { latency: { kind: 'uniform', minUs: 1_000, maxUs: 10_000 }, lossPpm: 0, duplicatePpm: 0, cut: [] },
      storage: { loseUnsyncedOnCrash: false },
      clients: { clients: 3, generator: echoProtocol.workload as Workload, workload: { keyCount: 3, mix: { get: 1, put: 1 }, params: {} }, thinkUs: [0, 10_000], requestTimeoutUs: 100_000, opTimeoutUs: 1_000_000 },
      faults: [],
      bugs: [],
      record: 'fuzz',
      checkEveryEvents: 1,
      maxEvents: 50_000_000,
      exploreTies: false,
    } satisfies Omit<SimConfig, 'protocol'>);
    expect(config.checks).toBeUndefined();
  });

  it('nemesis defaults: maxCrashed stays below a quorum', async () => {
    const text = ['protocol: echo', 'nodes: 5', 'duration: 5s', 'nemesis: { faults: { crash: 1 } }'].join('\n');
    const loaded = await parseScenario(text, 'n.yaml', { resolveProtocol: echoOnly });
    expect(loaded.config.nemesis).toEqual({
      weights: { crash: 1 },
      intervalUs: [200_000, 1_000_000],
      durationUs: [200_000, 2_000_000],
      maxCrashed: 2,
      clockJumpMaxUs: 500_000,
      clockDriftMaxPpm: 200,
    });
  });

  it('checkers without linearizability turn it off; integer seeds keep their text', async () => {
    const text = ['protocol: echo', 'nodes: 3', 'duration: 5s', 'seed: 007', 'checkers: [echo-progress]'].join('\n');
    const loaded = await parseScenario(text, 'c.yaml', { resolveProtocol: echoOnly });
    expect(loaded.linearizability).toBe(false);
    expect(loaded.config.checks).toEqual(['echo-progress']);
    expect(loaded.config.seed).toBe('007');
  });
});

describe('overrides', () => {
  it('seed, extra bugs and record level; the replay needs only the extra bugs', async () => {
    const loaded = await loadScenario(fixture('good.yaml'), { seed: '42', bugs: ['stale', 'violate'], record: 'fuzz' });
    expect(loaded.config.seed).toBe('42');
    expect(loaded.config.bugs).toEqual(['violate', 'stale']);
    expect(loaded.config.record).toBe('fuzz');
    expect(extraBugs(loaded)).toEqual(['stale']);
  });

  it('an unknown --bug is bad input naming the flag and the valid variants', async () => {
    const loaded = await loadScenario(fixture('minimal.yaml'));
    expect(() => applyOverrides(loaded, { bugs: ['figure-8'] })).toThrow(InputError);
    expect(() => applyOverrides(loaded, { bugs: ['figure-8'] })).toThrow('--bug: expected a bug variant of echo: violate, crash, stale (got "figure-8")');
  });

  it('a --bug of another built-in protocol names that protocol and the nemesis file to fuzz it with', async () => {
    await expect(loadScenario('scenarios/lock/nemesis.yaml', { bugs: ['redlock-clock-jump'] })).rejects.toThrow(
      '--bug: expected a bug variant of lock-lease: no-fencing, unconditional-release (got "redlock-clock-jump", a bug variant of redlock (fuzz it with scenarios/lock/redlock-nemesis.yaml))',
    );
    await expect(loadScenario('scenarios/raft/happy.yaml', { bugs: ['figure-9'] })).rejects.toThrow(/\(got "figure-9"\)$/);
  });
});

describe('hostile YAML: bad input (exit 2) with a line, never a stack overflow or a hang', () => {
  const base = ['name: x', 'protocol: echo', 'nodes: 3', 'duration: 5s'];
  const parse = (lines: string[]) => inputError(parseScenario(lines.join('\n') + '\n', 'h.yaml', { resolveProtocol: echoOnly }));

  it.each([
    { what: 'flow lists 20,000 deep', yaml: [...base, 'options:', `  a: ${'['.repeat(20_000)}${']'.repeat(20_000)}`], line: 6 },
    { what: 'flow mappings 5,000 deep', yaml: [...base, 'options:', `  a: ${'{a: '.repeat(5_000)}1${'}'.repeat(5_000)}`], line: 6 },
    { what: 'block mappings 300 deep', yaml: [...base, 'options:', ...Array.from({ length: 300 }, (_, i) => `${' '.repeat(i + 2)}k:`), `${' '.repeat(302)}v: 1`], line: undefined },
    { what: 'block mappings 5,000 deep', yaml: [...base, 'options:', ...Array.from({ length: 5_000 }, (_, i) => `${' '.repeat(i + 2)}k:`), `${' '.repeat(5_002)}v: 1`], line: undefined },
  ])('$what: a depth limit, not "Maximum call stack size exceeded"', async ({ yaml, line }) => {
    const error = await parse(yaml);
    expect(error.expected).toMatch(/nested at most 200 levels deep/);
    expect(error.expected).not.toMatch(/call stack/);
    if (line !== undefined) expect(error.line).toBe(line);
    else expect(error.line).toBeGreaterThan(5);
  });

  it('a key given twice through an alias is a duplicate key', async () => {
    const error = await parse(['name: x', 'protocol: echo', '&k nodes: 5', '*k : 6', 'duration: 5s']);
    expect(error.line).toBe(4);
    expect(error.field).toBe('nodes');
    expect(error.expected).toMatch(/only once/);
  });

  it('a plain duplicate key in a large mapping is still found', async () => {
    const keys = Array.from({ length: 2_000 }, (_, i) => `  k${i}: 1`);
    const error = await parse([...base, 'options:', ...keys, '  k7: 2']);
    expect(error.line).toBe(2_006);
    expect(error.field).toBe('k7');
  });

  it.each([
    { what: 'a list holding itself', yaml: [...base, 'options:', '  a: &a [1, *a]'], line: 6 },
    { what: 'a mapping holding itself', yaml: [...base, 'options:', '  a: &a', '    b: *a'], line: 7 },
  ])('a self-referencing alias ($what) is bad input', async ({ yaml, line }) => {
    const error = await parse(yaml);
    expect(error.line).toBe(line);
    expect(error.expected).toMatch(/self-referencing alias \(\*a/);
  });

  it('an alias to an earlier node is still fine', async () => {
    const loaded = await parseScenario([...base, 'options:', '  a: &a [1, 2]', '  b: *a'].join('\n'), 'ok.yaml', { resolveProtocol: echoOnly });
    expect(loaded.config.protocolOptions).toEqual({ a: [1, 2], b: [1, 2] });
  });
});
