// The richer fault model in scenario files: each YAML form as the kernel takes it, and bad
// values as file:line:field errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toYaml } from '../../explore/to-yaml.js';
import { loadScenario, parseScenario } from '../../scenario/load.js';
import { runScenario } from '../../scenario/runner.js';
import type { ProtocolResolver } from '../../scenario/registry.js';
import type { Protocol } from '../../sim/types.js';
import { echoProtocol } from '../cli/echo-protocol.js';
import { protocol as primaryBackup } from '../fixtures/protocols/primary-backup.js';
import { inputError } from './input-error.js';

const protocols: Record<string, Protocol<any, any>> = { echo: echoProtocol, pb: primaryBackup };
const resolveProtocol: ProtocolResolver = async (ref) => (protocols[ref] ? { ok: true, value: protocols[ref] } : { ok: false, error: `one of ${Object.keys(protocols).join(', ')}` });
/** An echo scenario of 5 nodes and 2 clients, with the given lines from line 4 on. */
const echo = (...lines: string[]) => parseScenario(['protocol: echo', 'nodes: 5', 'duration: 5s', ...lines].join('\n'), 's.yaml', { resolveProtocol });

/** The error for a scenario whose 4th line is bad: its line, field and message. */
async function badLine(line: string, extra: string[] = []) {
  const error = await inputError(echo(line, ...extra));
  return { line: error.line, field: error.field, expected: error.expected };
}

describe('latency models', () => {
  it('a mixture of models, and a Pareto tail', async () => {
    const mixed = await echo('network: { latency: { mixture: [{ weight: 9, uniform: [1ms, 10ms] }, { weight: 1, uniform: [200ms, 2s] }] } }');
    expect(mixed.config.network.latency).toEqual({
      kind: 'mixture',
      components: [
        { weight: 9, model: { kind: 'uniform', minUs: 1_000, maxUs: 10_000 } },
        { weight: 1, model: { kind: 'uniform', minUs: 200_000, maxUs: 2_000_000 } },
      ],
    });
    const tail = await echo('network: { latency: { pareto: { min: 1ms, alpha: 1.5, max: 2s } } }');
    expect(tail.config.network.latency).toEqual({ kind: 'pareto', minUs: 1_000, alphaMilli: 1_500, maxUs: 2_000_000 });
    const mixedTail = await echo('network: { latency: { mixture: [{ weight: 95, fixed: 2ms }, { weight: 5, pareto: { min: 10ms, alpha: 2, max: 5s } }] } }');
    expect(mixedTail.config.network.latency).toEqual({
      kind: 'mixture',
      components: [
        { weight: 95, model: { kind: 'fixed', us: 2_000 } },
        { weight: 5, model: { kind: 'pareto', minUs: 10_000, alphaMilli: 2_000, maxUs: 5_000_000 } },
      ],
    });
  });

  it.each([
    { yaml: 'network: { latency: { pareto: { min: 1ms, alpha: 0, max: 2s } } }', field: 'network.latency.pareto.alpha', expected: /a Pareto shape alpha: a number above 0.*\(got 0\)/ },
    { yaml: 'network: { latency: { pareto: { min: 1ms, alpha: 1.2345, max: 2s } } }', field: 'network.latency.pareto.alpha', expected: /at most three decimals.*\(got 1\.2345\)/ },
    { yaml: 'network: { latency: { pareto: { min: 1ms, alpha: fast, max: 2s } } }', field: 'network.latency.pareto.alpha', expected: /a Pareto shape alpha/ },
    { yaml: 'network: { latency: { pareto: { min: 0, alpha: 1.5, max: 2s } } }', field: 'network.latency.pareto.min', expected: /a duration above zero/ },
    { yaml: 'network: { latency: { pareto: { min: 3s, alpha: 1.5, max: 2s } } }', field: 'network.latency.pareto', expected: /min <= max/ },
    { yaml: 'network: { latency: { pareto: { min: 1ms, alpha: 1.5 } } }', field: 'network.latency.pareto.max', expected: /required/ },
    { yaml: 'network: { latency: { mixture: [] } }', field: 'network.latency.mixture', expected: /a non-empty list of weighted components/ },
    { yaml: 'network: { latency: { mixture: [{ weight: 0, fixed: 1ms }] } }', field: 'network.latency.mixture', expected: /at least one component with a weight above 0/ },
    { yaml: 'network: { latency: { mixture: [{ weight: 1, fixed: 1ms }, { fixed: 2ms }] } }', field: 'network.latency.mixture[1].weight', expected: /a weight.*required/ },
    { yaml: 'network: { latency: { mixture: [{ weight: 1, fixed: 1ms, uniform: [1ms, 2ms] }] } }', field: 'network.latency.mixture[0]', expected: /exactly one of fixed, uniform, exponential, pareto \(got fixed and uniform\)/ },
    { yaml: 'network: { latency: { mixture: [{ weight: 1, mixture: [] }] } }', field: 'network.latency.mixture[0].mixture', expected: /unknown key; expected one of: weight, fixed, uniform, exponential, pareto/ },
    { yaml: 'network: { latency: { mixture: [{ weight: -1, fixed: 1ms }] } }', field: 'network.latency.mixture[0].weight', expected: /a weight \(an integer from 0/ },
    { yaml: 'network: { latency: { mixture: [{ weight: 1, uniform: [5ms, 1ms] }] } }', field: 'network.latency.mixture[0].uniform', expected: /min <= max/ },
  ])('$field: $expected', async ({ yaml, field, expected }) => {
    const error = await badLine(yaml);
    expect(error.line).toBe(4);
    expect(error.field).toBe(field);
    expect(error.expected).toMatch(expected);
  });
});

describe('delay and reorder bursts', () => {
  it('on links between endpoint groups, or on every link', async () => {
    const loaded = await echo(
      'faults:',
      '  - { at: 1s, kind: delay-burst, links: { from: [n1], to: [n2, c1] }, delay: 100ms, duration: 2s }',
      '  - { at: 1s, kind: delay-burst, delay: 5ms, duration: 1s }',
      '  - { at: 2s, kind: reorder-burst, links: { from: [n1, n2], to: [n3], both: true }, jitter: 50ms, duration: 500ms }',
      '  - { at: 2s, kind: reorder-burst, links: { from: [n1], to: [n2], both: false }, jitter: 1ms, duration: 1ms }',
      'nemesis: { faults: { delay: 2, reorder: 1 }, delayMax: 300ms, jitterMax: 20ms }',
    );
    expect(loaded.config.faults.map((f) => f.action)).toEqual([
      { kind: 'delay-burst', links: { from: [0], to: [1, 5] }, delayUs: 100_000, durationUs: 2_000_000 },
      { kind: 'delay-burst', delayUs: 5_000, durationUs: 1_000_000 },
      { kind: 'reorder-burst', links: { from: [0, 1], to: [2], both: true }, jitterUs: 50_000, durationUs: 500_000 },
      { kind: 'reorder-burst', links: { from: [0], to: [1] }, jitterUs: 1_000, durationUs: 1_000 },
    ]);
    expect(loaded.config.nemesis).toMatchObject({ weights: { delay: 2, reorder: 1 }, delayMaxUs: 300_000, jitterMaxUs: 20_000 });
  });

  it.each([
    { yaml: 'faults: [{ at: 1s, kind: delay-burst, duration: 1s }]', field: 'faults[0].delay', expected: /a duration.*required/ },
    { yaml: 'faults: [{ at: 1s, kind: delay-burst, delay: 0, duration: 1s }]', field: 'faults[0].delay', expected: /a duration above zero/ },
    { yaml: 'faults: [{ at: 1s, kind: reorder-burst, jitter: 5, duration: 1s }]', field: 'faults[0].jitter', expected: /bare number has no unit/ },
    { yaml: 'faults: [{ at: 1s, kind: reorder-burst, jitter: 5ms }]', field: 'faults[0].duration', expected: /required/ },
    { yaml: 'faults: [{ at: 1s, kind: delay-burst, links: { from: [n1], to: [n9] }, delay: 1ms, duration: 1s }]', field: 'faults[0].links.to[0]', expected: /a node n1\.\.n5 .*got n9|client c1\.\.c3.*got n9/ },
    { yaml: 'faults: [{ at: 1s, kind: delay-burst, links: { from: [n1], to: [n1] }, delay: 1ms, duration: 1s }]', field: 'faults[0].links', expected: /at least one link between two different endpoints/ },
    { yaml: 'faults: [{ at: 1s, kind: delay-burst, links: { from: [n1] }, delay: 1ms, duration: 1s }]', field: 'faults[0].links.to', expected: /required/ },
    { yaml: 'faults: [{ at: 1s, kind: delay-burst, links: [n1, n2], delay: 1ms, duration: 1s }]', field: 'faults[0].links', expected: /links \{ from, to \}/ },
    { yaml: 'faults: [{ at: 1s, kind: reorder-burst, links: { from: [n1], to: [n2], two: true }, jitter: 1ms, duration: 1s }]', field: 'faults[0].links.two', expected: /unknown key; expected one of: from, to, both/ },
    { yaml: 'nemesis: { faults: { delay: 1 }, delayMax: 0 }', field: 'nemesis.delayMax', expected: /a duration above zero/ },
    { yaml: 'nemesis: { faults: { reorder: 1 }, jitterMax: -1ms }', field: 'nemesis.jitterMax', expected: /a non-negative duration/ },
    { yaml: 'nemesis: { faults: { delays: 1 } }', field: 'nemesis.faults.delays', expected: /did you mean delay\?/ },
  ])('$field: $expected', async ({ yaml, field, expected }) => {
    const error = await badLine(yaml);
    expect(error.line).toBe(4);
    expect(error.field).toBe(field);
    expect(error.expected).toMatch(expected);
  });
});

describe('network.afterFaults', () => {
  it('what replaces the network when faults stop; what it leaves out stays', async () => {
    const loaded = await echo('network: { loss: 1%, cut: [[n1, n2]], afterFaults: { latency: { mixture: [{ weight: 1, fixed: 1ms }, { weight: 1, fixed: 1s }] }, loss: 5%, cut: [[n3, c1]] } }');
    expect(loaded.config.network).toEqual({
      latency: { kind: 'uniform', minUs: 1_000, maxUs: 10_000 },
      lossPpm: 10_000,
      duplicatePpm: 0,
      cut: [[0, 1]],
      afterFaults: {
        latency: { kind: 'mixture', components: [{ weight: 1, model: { kind: 'fixed', us: 1_000 } }, { weight: 1, model: { kind: 'fixed', us: 1_000_000 } }] },
        lossPpm: 50_000,
        cut: [[2, 5]],
      },
    });
    const plain = await echo('network: { afterFaults: { duplicate: 0.5% } }');
    expect(plain.config.network.afterFaults).toEqual({ duplicatePpm: 5_000 });
  });

  it.each([
    { yaml: 'network: { afterFaults: { loss: 200% } }', field: 'network.afterFaults.loss', expected: /at most 100%/ },
    { yaml: 'network: { afterFaults: { cut: [[n1, n1]] } }', field: 'network.afterFaults.cut[0]', expected: /two different endpoints/ },
    { yaml: 'network: { afterFaults: { cut: [[n1, n6]] } }', field: 'network.afterFaults.cut[0][1]', expected: /n1\.\.n5/ },
    { yaml: 'network: { afterFaults: { latency: { fixed: 1 } } }', field: 'network.afterFaults.latency.fixed', expected: /bare number has no unit/ },
    { yaml: 'network: { afterFaults: { los: 1% } }', field: 'network.afterFaults.los', expected: /unknown key; expected one of: latency, loss, duplicate, cut \(did you mean loss\?\)/ },
    { yaml: 'network: { afterFaults: 5% }', field: 'network.afterFaults', expected: /the network once faults stop/ },
  ])('$field: $expected', async ({ yaml, field, expected }) => {
    const error = await badLine(yaml);
    expect(error.line).toBe(4);
    expect(error.field).toBe(field);
    expect(error.expected).toMatch(expected);
  });
});

describe('group targets', () => {
  it('leader+K, leader-minority, random-K and random-K:<role>, on the faults where several nodes make sense', async () => {
    const loaded = await echo(
      'faults:',
      '  - { at: 1s, kind: crash, node: leader+2 }',
      '  - { at: 1s, kind: isolate, node: leader-minority }',
      '  - { at: 1s, kind: pause, node: random-3, duration: 1s }',
      '  - { at: 1s, kind: crash-restart, node: random-2:server, down: 1s }',
      '  - { at: 1s, kind: clock-jump, node: leader+1, by: 1s }',
      '  - { at: 1s, kind: clock-offset, node: random-5, offset: 1s }',
      '  - { at: 1s, kind: clock-drift, node: leader-minority, drift: 100 }',
    );
    expect(loaded.config.faults.map((f) => (f.action as { node: unknown }).node)).toEqual([
      { group: 'leader-plus', k: 2 },
      { group: 'leader-minority' },
      { group: 'random', k: 3 },
      { group: 'random', k: 2, role: 'server' },
      { group: 'leader-plus', k: 1 },
      { group: 'random', k: 5 },
      { group: 'leader-minority' },
    ]);
  });

  it('random-K:<role> runs on that role\'s nodes only, one logged fault per node', async () => {
    const loaded = await parseScenario(
      ['protocol: pb', 'nodes: { primary: 1, backup: 3 }', 'duration: 1s', 'faults: [{ at: 100ms, kind: crash, node: random-2:backup }]'].join('\n'),
      'pb.yaml',
      { resolveProtocol },
    );
    for (const seed of ['1', '2', '3', '4']) {
      const run = runScenario(loaded, { seed });
      const crashed = run.result.faultLog.filter((f) => f.action.kind === 'crash').map((f) => (f.action as { node: number }).node);
      expect(crashed).toHaveLength(2);
      for (const n of crashed) expect([1, 2, 3]).toContain(n);
    }
  });

  it.each([
    { yaml: 'faults: [{ at: 1s, kind: crash, node: leader+5 }]', field: 'faults[0].node', expected: /leader\+K with K at most 4, the other nodes \(nodes: 5; got leader\+5\)/ },
    { yaml: 'faults: [{ at: 1s, kind: crash, node: leader+0 }]', field: 'faults[0].node', expected: /or a group: leader\+K \(the leader and K others\), leader-minority, random-K or random-K:<role>, or \$name .*\(got "leader\+0"\)/ },
    { yaml: 'faults: [{ at: 1s, kind: pause, node: random-6, duration: 1s }]', field: 'faults[0].node', expected: /random-K with K at most 5 \(nodes: 5; got random-6\)/ },
    { yaml: 'faults: [{ at: 1s, kind: pause, node: random-2:witness, duration: 1s }]', field: 'faults[0].node', expected: /a role that some node plays: server \(got "witness"\)/ },
    { yaml: 'faults: [{ at: 1s, kind: restart, node: leader+1 }]', field: 'faults[0].node', expected: /leader, random, random:<role>, all:<role> or all, or \$name .* \(got "leader\+1"\)/ },
    { yaml: 'faults: [{ at: 1s, kind: crash, node: leader-majority }]', field: 'faults[0].node', expected: /leader-minority/ },
  ])('$field: $expected', async ({ yaml, field, expected }) => {
    const error = await badLine(yaml);
    expect(error.line).toBe(4);
    expect(error.field).toBe(field);
    expect(error.expected).toMatch(expected);
  });

  it('random-K:<role> is bounded by the role\'s size', async () => {
    const error = await inputError(parseScenario(['protocol: pb', 'nodes: { primary: 1, backup: 2 }', 'duration: 1s', 'faults: [{ at: 1ms, kind: crash, node: random-3:backup }]'].join('\n'), 'pb.yaml', { resolveProtocol }));
    expect([error.line, error.field]).toEqual([4, 'faults[0].node']);
    expect(error.expected).toMatch(/random-K with K at most 2 \(backup: 2; got random-3:backup\)/);
  });
});

describe('names: as and $name', () => {
  it('a fault names what it picked; later faults aim at $name', async () => {
    const loaded = await echo(
      'faults:',
      '  - { at: 1s, kind: crash, node: random, as: a }',
      '  - { at: 1s, kind: isolate, node: leader, as: x }',
      '  - { at: 2s, kind: restart, node: $a }',
      '  - { at: 2s, kind: pause, node: leader+1, duration: 1s, as: pair }',
      '  - { at: 3s, kind: clock-jump, node: $pair, by: 1s }',
      '  - { at: 3s, kind: crash-restart, node: $x, down: 1s, as: x }',
      '  - { at: 4s, kind: restart, node: all, as: everyone }',
      '  - { at: 4s, kind: clock-offset, node: $everyone, offset: 1ms }',
      '  - { at: 4s, kind: clock-drift, node: $a, drift: 5 }',
    );
    expect(loaded.config.faults.map((f) => f.action)).toEqual([
      { kind: 'crash', node: 'random', as: 'a' },
      { kind: 'isolate', node: 'leader', as: 'x' },
      { kind: 'restart', node: { ref: 'a' } },
      { kind: 'pause', node: { group: 'leader-plus', k: 1 }, durationUs: 1_000_000, as: 'pair' },
      { kind: 'clock-jump', node: { ref: 'pair' }, byUs: 1_000_000 },
      { kind: 'crash-restart', node: { ref: 'x' }, downUs: 1_000_000, as: 'x' },
      { kind: 'restart', node: 'all', as: 'everyone' },
      { kind: 'clock-offset', node: { ref: 'everyone' }, offsetUs: 1_000 },
      { kind: 'clock-drift', node: { ref: 'a' }, driftPpm: 5 },
    ]);
  });

  it('a name used before it is given is an error at that fault\'s line (in time order, file order for equal times)', async () => {
    const lines = [
      'faults:',
      '  - { at: 3s, kind: crash, node: random, as: a }',
      '  - { at: 1s, kind: crash, node: n1, as: b }',
      '  - { at: 2s, kind: restart, node: $a }',
    ];
    const error = await inputError(echo(...lines));
    expect([error.line, error.field]).toEqual([7, 'faults[2].node']);
    expect(error.expected).toBe('expected a name that an earlier fault gives with as: (no fault before this one says as: a; names given so far: b)');
    const same = await inputError(echo('faults:', '  - { at: 1s, kind: restart, node: $a }', '  - { at: 1s, kind: crash, node: random, as: a }'));
    expect([same.line, same.field]).toEqual([5, 'faults[0].node']);
    expect(same.expected).toMatch(/no fault before it gives a name/);
    await expect(echo('faults:', '  - { at: 1s, kind: crash, node: random, as: a }', '  - { at: 1s, kind: restart, node: $a }')).resolves.toBeDefined();
  });

  it.each([
    { yaml: 'faults: [{ at: 1s, kind: crash, node: random, as: 1a }]', field: 'faults[0].as', expected: /a name like a or leader_1/ },
    { yaml: 'faults: [{ at: 1s, kind: crash, node: random, as: [a] }]', field: 'faults[0].as', expected: /a name like a/ },
    { yaml: 'faults: [{ at: 1s, kind: crash, node: $ }]', field: 'faults[0].node', expected: /\$name \(the node or nodes an earlier fault named with as: name\)/ },
    { yaml: 'faults: [{ at: 1s, kind: restart, node: $a-b! }]', field: 'faults[0].node', expected: /or all, or \$name/ },
    { yaml: 'faults: [{ at: 1s, kind: partition-halves, as: a }]', field: 'faults[0].as', expected: /unknown key; expected one of: at, kind/ },
    { yaml: 'faults: [{ at: 1s, kind: loss-burst, loss: 1%, duration: 1s, as: a }]', field: 'faults[0].as', expected: /unknown key/ },
  ])('$field: $expected', async ({ yaml, field, expected }) => {
    const error = await badLine(yaml);
    expect(error.line).toBe(4);
    expect(error.field).toBe(field);
    expect(error.expected).toMatch(expected);
  });
});

describe('healing one node or some links', () => {
  it('heal takes a node (any target, a name too) or links', async () => {
    const loaded = await echo(
      'faults:',
      '  - { at: 1s, kind: isolate, node: leader, as: x }',
      '  - { at: 2s, kind: heal, node: $x }',
      '  - { at: 2s, kind: heal, node: n3 }',
      '  - { at: 2s, kind: heal, links: { from: [n1], to: [n2, c2], both: true } }',
      '  - { at: 3s, kind: heal }',
    );
    expect(loaded.config.faults.slice(1).map((f) => f.action)).toEqual([
      { kind: 'heal', node: { ref: 'x' } },
      { kind: 'heal', node: 2 },
      { kind: 'heal', links: { from: [0], to: [1, 6], both: true } },
      { kind: 'heal' },
    ]);
  });

  it.each([
    { yaml: 'faults: [{ at: 1s, kind: heal, node: n1, links: { from: [n1], to: [n2] } }]', field: 'faults[0].links', expected: /either node \(every link of a node\) or links, not both/ },
    { yaml: 'faults: [{ at: 1s, kind: heal, node: n7 }]', field: 'faults[0].node', expected: /a node n1\.\.n5/ },
    { yaml: 'faults: [{ at: 1s, kind: heal, node: $x }]', field: 'faults[0].node', expected: /no fault before this one says as: x/ },
    { yaml: 'faults: [{ at: 1s, kind: heal, links: { from: [n2], to: [n2] } }]', field: 'faults[0].links', expected: /at least one link between two different endpoints/ },
    { yaml: 'faults: [{ at: 1s, kind: heal, node: everyone }]', field: 'faults[0].node', expected: /a node like n1/ },
  ])('$field: $expected', async ({ yaml, field, expected }) => {
    const error = await badLine(yaml);
    expect(error.line).toBe(4);
    expect(error.field).toBe(field);
    expect(error.expected).toMatch(expected);
  });
});

describe('clients: pin, start, ops', () => {
  it('one node for every client or one per client; a start time; operations per client', async () => {
    const all = await echo('clients: { count: 3, pin: n2, start: 1s, ops: 12 }');
    expect(all.config.clients).toMatchObject({ clients: 3, pin: [1, 1, 1], startUs: 1_000_000, opsPerClient: 12 });
    const each = await echo('clients: { count: 2, pin: [n1, n5] }');
    expect(each.config.clients.pin).toEqual([0, 4]);
    const actors = await parseScenario(['protocol: pb', 'duration: 1s', 'clients: { ops: 3 }'].join('\n'), 'pb.yaml', { resolveProtocol });
    expect(actors.config.clients.opsPerClient).toBe(3);
  });

  it.each([
    { yaml: 'clients: { count: 3, pin: [n1, n2] }', field: 'clients.pin', expected: /one node per client \(clients.count: 3; got 2\)/ },
    { yaml: 'clients: { count: 2, pin: [n1, n9] }', field: 'clients.pin[1]', expected: /a node n1\.\.n5 \(nodes: 5; got n9\)/ },
    { yaml: 'clients: { count: 2, pin: c1 }', field: 'clients.pin', expected: /a node like n1 \(got "c1"\)/ },
    { yaml: 'clients: { count: 2, pin: { n1: 1 } }', field: 'clients.pin', expected: /a node like n1 for every client, or a list of nodes/ },
    { yaml: 'clients: { count: 2, pin: [n1, c1] }', field: 'clients.pin[1]', expected: /a node like n1/ },
    { yaml: 'clients: { start: 6s }', field: 'clients.start', expected: /at most the duration \(5s\); start is 6s/ },
    { yaml: 'clients: { start: 2s, stop: 1s }', field: 'clients.start', expected: /at most clients.stop \(1s\); start is 2s/ },
    { yaml: 'clients: { start: 5 }', field: 'clients.start', expected: /bare number has no unit/ },
    { yaml: 'clients: { ops: -1 }', field: 'clients.ops', expected: /an operation count \(an integer from 0/ },
    { yaml: 'clients: { ops: 2.5 }', field: 'clients.ops', expected: /an operation count/ },
  ])('$field: $expected', async ({ yaml, field, expected }) => {
    const error = await badLine(yaml);
    expect(error.line).toBe(4);
    expect(error.field).toBe(field);
    expect(error.expected).toMatch(expected);
  });

  it.each(['pin: n1', 'start: 100ms'])('%s is refused for a protocol with client actors', async (field) => {
    const error = await inputError(parseScenario(['protocol: pb', 'duration: 1s', 'clients:', '  count: 2', `  ${field}`].join('\n'), 'pb.yaml', { resolveProtocol }));
    expect(error.line).toBe(5);
    expect(error.field).toBe(`clients.${field.split(':')[0]}`);
    expect(error.expected).toMatch(/applies to the kernel's built-in clients, and primary-backup runs client actors of its own/);
  });
});

describe('nemesis knobs: leaderAim and partitions', () => {
  it('a probability, and weights of the partition shapes', async () => {
    const loaded = await echo('nemesis: { faults: { partition: 1, crash: 1 }, leaderAim: 80%, partitions: { minority: 2, isolate: 1, halves: 0 } }');
    expect(loaded.config.nemesis).toMatchObject({ leaderAimPpm: 800_000, partitionShapes: { minority: 2, isolate: 1, halves: 0 } });
    const plain = await echo('nemesis: { faults: { partition: 1 } }');
    expect(plain.config.nemesis).not.toHaveProperty('leaderAimPpm');
    expect(plain.config.nemesis).not.toHaveProperty('partitionShapes');
  });

  it.each([
    { yaml: 'nemesis: { faults: { crash: 1 }, leaderAim: 1.5 }', field: 'nemesis.leaderAim', expected: /a probability/ },
    { yaml: 'nemesis: { faults: { crash: 1 }, leaderAim: often }', field: 'nemesis.leaderAim', expected: /a probability/ },
    { yaml: 'nemesis: { faults: { partition: 1 }, partitions: { halves: 0 } }', field: 'nemesis.partitions', expected: /at least one partition shape with a weight above 0/ },
    { yaml: 'nemesis: { faults: { partition: 1 }, partitions: { halve: 1 } }', field: 'nemesis.partitions.halve', expected: /unknown key; expected one of: halves, majority, isolate, minority \(did you mean halves\?\)/ },
    { yaml: 'nemesis: { faults: { partition: 1 }, partitions: { isolate: -2 } }', field: 'nemesis.partitions.isolate', expected: /a weight/ },
    { yaml: 'nemesis: { faults: { partition: 1 }, partitions: [isolate] }', field: 'nemesis.partitions', expected: /a mapping of partition shape weights/ },
  ])('$field: $expected', async ({ yaml, field, expected }) => {
    const error = await badLine(yaml);
    expect(error.line).toBe(4);
    expect(error.field).toBe(field);
    expect(error.expected).toMatch(expected);
  });
});

describe('a scenario with every part of the fault model', () => {
  const file = 'test/fixtures/scenarios/fault-model.yaml';

  it('runs the same twice for a seed (hash, history, fault log), differently for another; every new fault shows in the log', async () => {
    const loaded = await loadScenario(file);
    const hashes = new Set<string>();
    const kinds = new Set<string>();
    for (const seed of ['1', '2', '3', '4', '5']) {
      const a = runScenario(loaded, { seed });
      const b = runScenario(loaded, { seed, record: 'full' });
      expect(b.result.hash).toBe(a.result.hash);
      expect(b.result.history).toEqual(a.result.history);
      expect(b.result.faultLog).toEqual(a.result.faultLog);
      expect(a.verdict).toBe('pass');
      hashes.add(a.result.hash);
      for (const f of a.result.faultLog) kinds.add(f.action.kind);
    }
    expect(hashes.size).toBe(5);
    for (const kind of ['delay-burst', 'reorder-burst', 'crash', 'restart', 'heal', 'partition', 'pause', 'clock-jump']) expect(kinds).toContain(kind);
  });

  it('written back by toYaml, it reads as the same config', async () => {
    const loaded = await loadScenario(file);
    const text = toYaml(loaded.config, { name: loaded.name, protocolRef: loaded.protocolRef, checkers: loaded.checkers, historyChecker: loaded.historyChecker ?? null });
    expect(text).toContain('node: $a');
    expect(text).toContain('as: m');
    expect(text).toContain('afterFaults: {');
    const back = await parseScenario(text, file);
    expect(back.config).toEqual(loaded.config);
  });

  it("the README's fault-model examples are valid scenario fragments", async () => {
    const readme = readFileSync('README.md', 'utf8');
    const latency = /\*\*Latency\.\*\*[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1];
    const names = /\*\*Names\.\*\*[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1];
    const head = ['protocol: echo', 'nodes: 5', 'duration: 10s'];
    const withLatency = await parseScenario([...head, latency].join('\n'), 'README.md', { resolveProtocol });
    expect(withLatency.config.network.latency.kind).toBe('pareto');
    // The commented-out mixture line works too.
    const mixture = latency.replace(/^ {2}latency: .*$/m, '').replace(/^ {2}# latency:/m, '  latency:');
    expect((await parseScenario([...head, mixture].join('\n'), 'README.md', { resolveProtocol })).config.network.latency.kind).toBe('mixture');
    const withNames = await parseScenario([...head, names].join('\n'), 'README.md', { resolveProtocol });
    expect(withNames.config.faults.map((f) => f.action.kind)).toEqual(['crash', 'restart', 'isolate', 'heal', 'pause', 'clock-jump']);
  });
});
