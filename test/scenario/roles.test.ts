// Roles, client actors and workloads in scenario files: counts per role, fault targets by
// role and by client, nemesis caps per role, workloads by name with their knobs; every
// error names the file, line and field; a shrunk scenario written back reads the same.
import { describe, expect, it } from 'vitest';
import { toYaml } from '../../explore/to-yaml.js';
import { loadScenario, parseScenario } from '../../scenario/load.js';
import type { ProtocolResolver } from '../../scenario/registry.js';
import { runScenario } from '../../scenario/runner.js';
import type { Protocol } from '../../sim/types.js';
import { echoProtocol } from '../cli/echo-protocol.js';
import { inputError } from './input-error.js';
import { protocol as primaryBackup } from '../fixtures/protocols/primary-backup.js';

/** Echo with Paxos-like roles, to parse role mappings (it never runs). */
const paxosLike: Protocol<any, any> = {
  ...echoProtocol,
  name: 'paxos-like',
  roles: [
    { name: 'proposer', count: 2 },
    { name: 'acceptor', count: 3 },
    { name: 'learner', count: 1 },
  ],
};
const protocols: Record<string, Protocol<any, any>> = { echo: echoProtocol, pb: primaryBackup, 'paxos-like': paxosLike };
const resolveProtocol: ProtocolResolver = async (ref) => (protocols[ref] ? { ok: true, value: protocols[ref] } : { ok: false, error: `one of ${Object.keys(protocols).join(', ')}` });
const parse = (lines: string[]) => parseScenario(lines.join('\n'), 's.yaml', { resolveProtocol });


describe('nodes per role', () => {
  it('node ids follow the protocol\'s role order, whatever order the file gives', async () => {
    const a = await parse(['protocol: pb', 'nodes: { backup: 2, primary: 1 }', 'duration: 1s']);
    const b = await parse(['protocol: pb', 'nodes: { primary: 1, backup: 2 }', 'duration: 1s']);
    expect(a.config.nodes).toBe(3);
    expect(a.config.roles).toEqual([['primary'], ['backup'], ['backup']]);
    expect(b.config.roles).toEqual(a.config.roles);
  });

  it('roles the file leaves out get the protocol\'s default count; no nodes at all means every default', async () => {
    const some = await parse(['protocol: paxos-like', 'nodes: { acceptor: 5 }', 'duration: 1s']);
    expect(some.config.roles).toEqual([['proposer'], ['proposer'], ['acceptor'], ['acceptor'], ['acceptor'], ['acceptor'], ['acceptor'], ['learner']]);
    const none = await parse(['protocol: pb', 'duration: 1s']);
    expect(none.config.roles).toEqual([['primary'], ['backup'], ['backup']]);
  });

  it('roles joined by + share nodes', async () => {
    const loaded = await parse(['protocol: paxos-like', 'nodes: { acceptor+proposer+learner: 3 }', 'duration: 1s']);
    expect(loaded.config.roles).toEqual([
      ['proposer', 'acceptor', 'learner'],
      ['proposer', 'acceptor', 'learner'],
      ['proposer', 'acceptor', 'learner'],
    ]);
  });

  it('a bare count still means the single role of a one-role protocol (and leaves roles implicit)', async () => {
    const loaded = await parse(['protocol: echo', 'nodes: 4', 'duration: 1s']);
    expect(loaded.config.nodes).toBe(4);
    expect(loaded.config.roles).toBeUndefined();
  });

  it.each([
    { lines: ['protocol: pb', 'nodes: 3', 'duration: 1s'], line: 2, field: 'nodes', expected: /a mapping of counts per role, like \{ primary: 1, backup: 2 \}: primary-backup has roles primary, backup/ },
    { lines: ['protocol: pb', 'duration: 1s', 'nodes: { primary: 1, witness: 2 }'], line: 3, field: 'nodes.witness', expected: /a role of primary-backup: primary, backup \(got "witness"\)/ },
    { lines: ['protocol: paxos-like', 'duration: 1s', 'nodes: { acceptor: 1, acceptor+learner: 2 }'], line: 3, field: 'nodes["acceptor+learner"]', expected: /each role named once \(acceptor appears twice\)/ },
    { lines: ['protocol: pb', 'duration: 1s', 'nodes: { primary: 0, backup: 0 }'], line: 3, field: 'nodes', expected: /at least one node/ },
    { lines: ['protocol: pb', 'duration: 1s', 'faults: [{ at: 1ms, kind: crash, node: random:witness }]'], line: 3, field: 'faults[0].node', expected: /a role that some node plays: primary, backup, client \(got "witness"\)/ },
    { lines: ['protocol: echo', 'nodes: 3', 'duration: 1s', 'faults: [{ at: 1ms, kind: pause, node: c1, duration: 1ms }]'], line: 4, field: 'faults[0].node', expected: /faults aim at clients only when the protocol has client actors \(got c1\)/ },
    { lines: ['protocol: echo', 'nodes: 3', 'duration: 1s', 'faults: [{ at: 1ms, kind: pause, node: random:client, duration: 1ms }]'], line: 4, field: 'faults[0].node', expected: /a role that some node plays: server \(got "client"\)/ },
    { lines: ['protocol: pb', 'duration: 1s', 'clients: { count: 2 }', 'faults: [{ at: 1ms, kind: crash, node: c3 }]'], line: 4, field: 'faults[0].node', expected: /client c1\.\.c2 .*got c3/ },
    { lines: ['protocol: pb', 'duration: 1s', 'nemesis: { faults: { crash: 1 }, maxCrashed: { witness: 1 } }'], line: 3, field: 'nemesis.maxCrashed.witness', expected: /a role that some node plays/ },
    { lines: ['protocol: pb', 'duration: 1s', 'nemesis: { faults: { crash: 1 }, targets: [backup, witness] }'], line: 3, field: 'nemesis.targets[1]', expected: /a role that some node plays: primary, backup, client \(got "witness"\)/ },
  ])('$field: $expected', async ({ lines, line, field, expected }) => {
    const error = await inputError(parse(lines));
    expect(error.line).toBe(line);
    expect(error.field).toBe(field);
    expect(error.expected).toMatch(expected);
  });
});

describe('fault targets', () => {
  it('random:<role>, all:<role> and client actors, as the kernel takes them', async () => {
    const loaded = await parse([
      'protocol: pb',
      'duration: 1s',
      'faults:',
      '  - { at: 1ms, kind: crash, node: random:backup }',
      '  - { at: 2ms, kind: pause, node: all:client, duration: 5ms }',
      '  - { at: 3ms, kind: clock-jump, node: c2, by: 10ms }',
      '  - { at: 4ms, kind: restart, node: all:backup }',
    ]);
    expect(loaded.config.faults.map((f) => f.action)).toEqual([
      { kind: 'crash', node: { role: 'backup' } },
      { kind: 'pause', node: { role: 'client', all: true }, durationUs: 5_000 },
      { kind: 'clock-jump', node: 4, byUs: 10_000 },
      { kind: 'restart', node: { role: 'backup', all: true } },
    ]);
  });

  it('the nemesis takes caps per role and target roles', async () => {
    const loaded = await parse(['protocol: pb', 'nodes: { primary: 1, backup: 4 }', 'duration: 1s', 'nemesis: { faults: { crash: 1 }, maxCrashed: { backup: 2 }, targets: [backup, client] }']);
    expect(loaded.config.nemesis).toMatchObject({ maxCrashed: 2, maxCrashedByRole: { backup: 2 }, targetRoles: ['backup', 'client'] });
  });
});

describe('workloads', () => {
  it('the protocol\'s default, or a shared one by name, with its knobs', async () => {
    const byDefault = await parse(['protocol: pb', 'duration: 1s']);
    expect(byDefault.config.clients.generator!.name).toBe('register');
    expect(byDefault.config.clients.workload.mix).toEqual({ read: 2, write: 1, cas: 1 });
    const bank = await parse(['protocol: echo', 'nodes: 3', 'duration: 1s', 'clients: { workload: bank, keys: 4, params: { initialBalance: 50 } }']);
    expect(bank.config.clients.generator!.name).toBe('bank');
    expect(bank.config.clients.workload).toEqual({ keyCount: 4, mix: { transfer: 2, read: 1 }, params: { initialBalance: 50, maxTransfer: 5 } });
  });

  it.each([
    { clients: '{ workload: kvv }', field: 'clients.workload', expected: /a workload: kv, register, mutex, queue, bank, list-append, echo-kv \(got "kvv"\)/ },
    { clients: '{ workload: bank, mix: { transfer: 1, get: 1 } }', field: 'clients.mix.get', expected: /an operation of the bank workload: transfer, read \(got "get"\)/ },
    { clients: '{ workload: bank, params: { overdraft: 1 } }', field: 'clients.params.overdraft', expected: /a knob of the bank workload: initialBalance, maxTransfer \(got "overdraft"\)/ },
    { clients: '{ workload: list-append, params: { maxTxnOps: 0 } }', field: 'clients.params', expected: /workload options that list-append accepts: .*maxTxnOps/ },
    { clients: '{ workload: bank, keys: 1 }', field: 'clients', expected: /workload options that bank accepts/ },
  ])('$field: $expected', async ({ clients, field, expected }) => {
    const error = await inputError(parse(['protocol: echo', 'nodes: 3', 'duration: 1s', `clients: ${clients}`]));
    expect(error.line).toBe(4);
    expect(error.field).toBe(field);
    expect(error.expected).toMatch(expected);
  });
});

describe('a scenario with roles and client actors', () => {
  const file = 'test/fixtures/protocols/primary-backup.yaml';

  it('runs, with every fault landing on the roles it names, and its clients\' history is linearizable', async () => {
    const loaded = await loadScenario(file);
    for (const seed of ['1', '2', '3', '4', '5']) {
      const run = runScenario(loaded, { seed });
      expect(run.verdict).toBe('pass');
      expect(run.linearizability).toBe('linearizable');
      // The scripted crash names random:backup; the nemesis aims at backups and clients, never the primary.
      const crashes = run.result.faultLog.filter((f) => f.action.kind === 'crash');
      expect(crashes.find((f) => f.atUs === 800_000)?.action).toMatchObject({ node: expect.toBeOneOf([1, 2]) });
      for (const f of run.result.faultLog) {
        if ('node' in f.action && typeof f.action.node === 'number') expect([1, 2, 3, 4, 5]).toContain(f.action.node);
      }
      expect(run.result.faultLog.filter((f) => f.atUs > 0 && f.action.kind !== 'restart').length).toBeGreaterThan(5);
    }
  });

  it('the backup-read variant fails linearizability through the runner', async () => {
    const loaded = await loadScenario(file, { bugs: ['backup-read'] });
    const failed = ['1', '2', '3', '4', '5'].filter((seed) => runScenario(loaded, { seed }).verdict === 'fail');
    expect(failed.length).toBeGreaterThanOrEqual(3);
  });

  it('written back as YAML (as shrink does), it reads as the same config', async () => {
    const loaded = await loadScenario(file);
    const text = toYaml(loaded.config, { name: loaded.name, protocolRef: './primary-backup.ts' });
    expect(text).toContain('nodes: { primary: 1, backup: 2 }');
    expect(text).toContain('node: random:backup');
    expect(text).toContain('workload: register');
    expect(text).toMatch(/maxCrashed: \{ backup: 1 \}, targets: \[backup, client\]/);
    const again = await parseScenario(text, file);
    expect(again.config).toEqual(loaded.config);
  });
});
