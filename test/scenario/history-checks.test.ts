// The history checker follows the history's model: conservation for bank, serializability
// for list-append, linearizability otherwise. Standard note checkers (Protocol.checks) join
// the invariants, and observers' findings come with the run but never fail it.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenario/load.js';
import { historyCheckerFor, historyModelOf } from '../../scenario/registry.js';
import { runScenario } from '../../scenario/runner.js';
import { withStandardChecks } from '../../scenario/standard-checks.js';
import { runSimulation } from '../../sim/world.js';
import { protocol as txnStore } from '../fixtures/protocols/txn-store.js';
import { scenarioOf, simulate } from '../../testing.js';

const bank = 'test/fixtures/protocols/txn-store.yaml';
const listAppend = 'test/fixtures/protocols/txn-store-list-append.yaml';

describe('history checkers by model', () => {
  it('names the checker of each model, and a workload’s transactional model wins', () => {
    expect(historyCheckerFor('bank')).toBe('conservation');
    expect(historyCheckerFor('list-append')).toBe('serializability');
    expect(historyCheckerFor('kv')).toBe('linearizability');
    expect(historyModelOf({ model: 'bank' }, { model: 'list-append' })).toBe('list-append');
    expect(historyModelOf({ model: 'kv' }, { model: 'register' })).toBe('kv');
  });

  it('bank: the scenario selects conservation; a store that loses money fails it, at the read', async () => {
    const loaded = await loadScenario(bank);
    expect(loaded.historyModel).toBe('bank');
    expect(loaded.checkers).toEqual(['atomicity', 'conservation']);
    const ok = runScenario(loaded);
    expect(ok.verdict).toBe('pass');
    expect(ok.transactional).toMatchObject({ checker: 'conservation', result: { verdict: 'valid', total: 30 } });
    const bad = runScenario(loaded, { bugs: ['leak'], record: 'full' });
    expect(bad.verdict).toBe('fail');
    expect(bad.violations).toHaveLength(1);
    const v = bad.violations[0];
    expect(v).toMatchObject({ kind: 'history', checker: 'conservation' });
    expect(v.message).toMatch(/^money is not conserved: read \{a1: \d+, a2: \d+, a3: \d+\} by process \d+: the balances sum to \d+, not the bank's total 30 \(money lost/);
    // Placed at the read's completion in the trace.
    const traced = bad.result.trace!.find((e) => e.i === v.event && e.k === 'history');
    expect(traced).toMatchObject({ k: 'history', event: { type: 'ok', f: 'read' } });
  });

  it('list-append: serializability runs; stale reads fail it', async () => {
    const loaded = await loadScenario(listAppend);
    expect(loaded.checkers).toEqual(['atomicity', 'serializability']);
    expect(runScenario(loaded).verdict).toBe('pass');
    const bad = runScenario(loaded, { bugs: ['stale-read'] });
    expect(bad.violations.map((v) => [v.kind, v.checker])).toEqual([['history', 'serializability']]);
    expect(bad.violations[0].message).toContain('not strict serializable');
  });

  it('a scenario may leave the history checker out, and may not name one that does not fit its model', async () => {
    const yaml = (checkers: string) => `name: x\nprotocol: ${process.cwd()}/test/fixtures/protocols/txn-store.ts\nnodes: 3\nduration: 1s\nclients: { count: 2, keys: 3 }\ncheckers: ${checkers}\n`;
    const { parseScenario } = await import('../../scenario/load.js');
    const only = await parseScenario(yaml('[atomicity]'), 'x.yaml');
    expect(only.historyChecker).toBeUndefined();
    expect(runScenario(only, { bugs: ['leak'] }).verdict).toBe('pass');
    await expect(parseScenario(yaml('[linearizability]'), 'x.yaml')).rejects.toThrow(/checkers\[0\]: expected a checker of txn-store: atomicity, conservation \(got "linearizability"\)/);
  });
});

describe('standard note checkers and observers', () => {
  it('atomicity joins the invariants of a protocol that declares it, once', () => {
    const wrapped = withStandardChecks(txnStore);
    expect(wrapped.invariants({}).map((i) => i.name)).toEqual(['atomicity']);
    expect(withStandardChecks(wrapped)).toBe(wrapped);
    expect(txnStore.invariants({})).toEqual([]);
  });

  it('a commit without every vote fails atomicity, as a safety violation', async () => {
    const run = runScenario(await loadScenario(bank), { bugs: ['phantom-participant'] });
    expect(run.violations.map((v) => [v.kind, v.checker])).toEqual([['safety', 'atomicity']]);
    expect(run.violations[0].message).toMatch(/^t\d+-\d+ committed at the coordinator though n3 had not voted yes$/);
  });

  it('observers report findings beside the verdict, after a failure too, and never fail a run', async () => {
    const loaded = await loadScenario(bank);
    const ok = runScenario(loaded);
    expect(ok.verdict).toBe('pass');
    expect(ok.result.observations).toEqual([{ checker: 'ops-served', message: expect.stringMatching(/^the store served \d+ requests$/) }]);
    const bad = runScenario(loaded, { bugs: ['phantom-participant'] });
    expect(bad.result.observations[0].message).toBe('the store served 3 requests');
  });

  it('a bare config run through testing.ts gets the standard checks and the model’s history checker', async () => {
    const loaded = await loadScenario(bank);
    const bare = { ...loaded.config, protocol: txnStore };
    expect(scenarioOf(bare).checkers).toEqual(['atomicity', 'conservation']);
    expect(simulate(bare, 1, {}).verdict).toBe('pass');
    expect(simulate({ ...bare, bugs: ['leak'] }, 1).violations.map((v) => v.checker)).toEqual(['conservation']);
    // The kernel alone runs only the protocol's own invariants.
    expect(runSimulation({ ...bare, bugs: ['phantom-participant'] }).violations).toEqual([]);
  });
});

describe('reports carry the history checker and the observations', () => {
  it('the report meta names the transactional verdict and lists the findings', async () => {
    const { buildReportRun } = await import('../../reports/build-data.js');
    const run = runScenario(await loadScenario(bank), { bugs: ['leak'], record: 'full' });
    const meta = buildReportRun(run, { version: 'test' }).meta;
    expect(meta.history).toEqual({ checker: 'conservation', verdict: 'invalid', anomalyTypes: ['wrong-total'] });
    expect(meta.observations).toEqual([{ checker: 'ops-served', message: expect.stringMatching(/^the store served/) }]);
    expect(meta.violations[0]).toMatchObject({ checker: 'conservation', kind: 'history' });
    expect(meta.violations[0].row).toBeGreaterThanOrEqual(0);
  });
});

describe('shrunk scenario files keep their history checker', () => {
  it('toYaml writes conservation back when the file selected it with an invariant left out', async () => {
    const { toYaml } = await import('../../explore/to-yaml.js');
    const { parseScenario } = await import('../../scenario/load.js');
    const text = `name: x\nprotocol: ${process.cwd()}/test/fixtures/protocols/txn-store.ts\nnodes: 3\nduration: 1s\nclients: { count: 2, keys: 3 }\ncheckers: [conservation]\n`;
    const loaded = await parseScenario(text, 'x.yaml');
    expect(loaded.historyChecker).toBe('conservation');
    const yaml = toYaml(loaded.config, { name: 'x', protocolRef: loaded.protocolRef, checkers: loaded.checkers, historyChecker: loaded.historyChecker ?? null });
    expect(yaml).toContain('checkers: [conservation]');
    const again = await parseScenario(yaml, 'x.yaml');
    expect(again.checkers).toEqual(['conservation']);
  });
});

describe('contexts carry the workload options', () => {
  it('nodes see the scenario workload (frozen); client actors also see opTimeout and think', async () => {
    const loaded = await loadScenario('scenarios/twopc/bank.yaml');
    const seen: Array<Record<string, unknown>> = [];
    const base = loaded.config.protocol;
    const protocol = {
      ...base,
      createActor: (ctx: Parameters<typeof base.createActor>[0], options: Record<string, unknown>) => {
        seen.push({ node: ctx.id, workload: ctx.workload, frozen: Object.isFrozen(ctx.workload) });
        return base.createActor(ctx, options);
      },
      createClient: (ctx: Parameters<NonNullable<typeof base.createClient>>[0], options: Record<string, unknown>) => {
        seen.push({ client: ctx.index, workload: ctx.workload, opTimeoutUs: ctx.opTimeoutUs, thinkUs: ctx.thinkUs });
        return base.createClient!(ctx, options);
      },
    };
    runSimulation({ ...loaded.config, protocol, durationUs: 1000, faultsStopUs: 1000 });
    const workload = { keyCount: 6, mix: { transfer: 3, read: 1 }, params: { initialBalance: 100, maxTransfer: 40 } };
    expect(seen[0]).toEqual({ node: 0, workload, frozen: true });
    expect(seen.find((s) => s.client === 0)).toEqual({ client: 0, workload, opTimeoutUs: loaded.config.clients.opTimeoutUs, thinkUs: loaded.config.clients.thinkUs });
  });
});
