// The shipped lock scenarios: each loads; the correct service passes every file but the two
// that show a service unsafe by design (no fencing token under a client pause); each bug
// variant's file fails at the checker BUGS.md names; Kleppmann's example both ways.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../../checkers/linearizability/index.js';
import { loadScenario } from '../../../scenario/load.js';
import { runSimulation } from '../../../sim/world.js';
import { itFailsWithItsChecker, type BugScenarios } from '../bug-scenarios.js';

const dir = 'scenarios/lock';
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

const expected: BugScenarios = {
  'no-fencing.yaml': { bug: 'no-fencing', caughtBy: 'resource-exclusion' },
  'redlock-clock-jump.yaml': { bug: 'redlock-clock-jump', caughtBy: 'one-holder' },
  'redlock-volatile.yaml': { bug: 'redlock-volatile', caughtBy: 'one-holder' },
  'unconditional-release.yaml': { bug: 'unconditional-release', caughtBy: 'one-holder' },
};

/** Correct services that fail by design: no fencing token, a client paused past its hold. */
const unsafeByDesign: Record<string, string> = { 'redlock-pause.yaml': 'resource-exclusion', 'redis-pause.yaml': 'resource-exclusion' };

const mutex = (history: Parameters<typeof checkHistory>[0]) => checkHistory(history, 'mutex', { budgetSteps: 20_000_000 }).verdict;

async function run(file: string, bugs: string[] = [], checkers?: string[]) {
  const loaded = await loadScenario(`${dir}/${file}`);
  return runSimulation({ ...loaded.config, bugs, ...(checkers ? { checks: checkers } : {}) });
}

describe('scenarios/lock', () => {
  it('ships a nemesis per service, one file per bug variant, and Kleppmann\'s example', () => {
    for (const f of ['nemesis.yaml', 'zk-nemesis.yaml', 'redis-nemesis.yaml', 'redlock-nemesis.yaml', 'kleppmann.yaml', 'server-faults.yaml', ...Object.keys(expected), ...Object.keys(unsafeByDesign)]) {
      expect(files).toContain(f);
    }
  });

  it.each(files.filter((f) => unsafeByDesign[f] === undefined))('%s: the correct service passes', async (file) => {
    const r = await run(file);
    expect(r.violations).toEqual([]);
    expect(r.history.some((e) => e.type === 'ok' && e.f === 'acquire')).toBe(true);
  });

  it.each(Object.keys(unsafeByDesign))('%s: the correct service fails by design, at the resource', async (file) => {
    const r = await run(file);
    expect(r.violations.map((v) => v.checker)).toEqual([unsafeByDesign[file]]);
    expect(r.violations[0].message).toMatch(/^resource corrupted: c1's critical section .* wrote again after c2's .*: the two interleave$/);
  });

  itFailsWithItsChecker(dir, expected);
});

describe("Kleppmann's example (a GC-like pause longer than the lease)", () => {
  it('with fencing: the stale write reaches the resource and is refused', async () => {
    const loaded = await loadScenario(`${dir}/kleppmann.yaml`);
    const r = runSimulation({ ...loaded.config, record: 'full' });
    expect(r.violations).toEqual([]);
    const writes = r.trace!.filter((e) => e.k === 'note' && e.kind === 'resource-write').map((e) => (e as { data: Record<string, unknown> }).data);
    const refused = writes.filter((w) => w.accepted === false);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({ client: 'c1', token: 1 });
    // Someone else wrote with a higher token before the refusal.
    const before = writes.slice(0, writes.indexOf(refused[0]));
    expect(before.some((w) => w.client === 'c2' && (w.token as number) > 1 && w.accepted === true)).toBe(true);
  });

  it('without fencing: the resource is corrupted, and the verdict says so in one line', async () => {
    const r = await run('kleppmann.yaml', ['no-fencing']);
    expect(r.violations.map((v) => v.checker)).toEqual(['resource-exclusion']);
    const message = r.violations[0].message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(/^resource corrupted: it accepted c1's write \(token 1, step \d\) after a write with token \d+: a stale holder wrote/);
  });

  it('the same pause on lock-zk: its node sequence number fences the stale write', async () => {
    const loaded = await loadScenario(`${dir}/kleppmann.yaml`);
    const { lockZk } = await import('../../../protocols/lock/index.js');
    const config = { ...loaded.config, protocol: lockZk };
    expect(runSimulation(config).violations).toEqual([]);
    expect(runSimulation({ ...config, bugs: ['no-fencing'] }).violations.map((v) => v.checker)).toEqual(['resource-exclusion']);
  });
});

describe('linearizability against the mutex model', () => {
  it('server-faults.yaml: without client pauses the correct lease lock gives a mutex history', async () => {
    const r = await run('server-faults.yaml');
    expect(r.violations).toEqual([]);
    expect(r.history.filter((e) => e.type === 'ok' && e.f === 'acquire').length).toBeGreaterThan(20);
    expect(mutex(r.history)).toBe('linearizable');
  });

  it('redlock-clock-jump.yaml: two grants with no release between are not a mutex history; the correct Redlock\'s is', async () => {
    const bad = await run('redlock-clock-jump.yaml', ['redlock-clock-jump'], ['lock-liveness']);
    expect(mutex(bad.history)).toBe('not-linearizable');
    const good = await run('redlock-clock-jump.yaml', [], ['lock-liveness']);
    expect(mutex(good.history)).toBe('linearizable');
  });

  it("kleppmann.yaml: a client paused past its lease cannot release in time, so even the fenced service's history is not a mutex history", async () => {
    const r = await run('kleppmann.yaml');
    expect(r.violations).toEqual([]);
    const late = r.history.find((e) => e.f === 'release' && e.type === 'fail');
    expect(late?.error).toBe('expired before the release');
    expect(mutex(r.history)).toBe('not-linearizable');
  });
});
