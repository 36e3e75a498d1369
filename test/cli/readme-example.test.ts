// The README's "Writing a protocol" example must work as written: the fixture holds the
// same code, and this test checks that it is still the README's code and that it runs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenario/load.js';
import { runScenario } from '../../scenario/runner.js';

describe("README's protocol example", () => {
  it('is the fixture, verbatim', () => {
    const readme = readFileSync('README.md', 'utf8');
    const code = /## Writing a protocol[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1];
    const fixture = readFileSync('test/fixtures/protocols/pinger.ts', 'utf8');
    expect(fixture).toContain(code.replace("from 'faultline'", "from '../../../index.js'"));
  });

  it('runs from a scenario that names it by path, under faults, with durable state surviving crashes', async () => {
    const loaded = await loadScenario('test/fixtures/protocols/pinger.yaml', { record: 'full' });
    const run = runScenario(loaded);
    expect(run.verdict).toBe('pass');
    const heard = run.result.trace!.filter((e) => e.k === 'note' && e.kind === 'heard');
    expect(heard.length).toBeGreaterThan(50);
    expect(run.result.trace!.some((e) => e.k === 'crash')).toBe(true);
    // The counter is durable: after a restart a node goes on from where it was.
    const byNode = new Map<number, number[]>();
    for (const e of run.result.trace!) {
      if (e.k === 'send' && e.from < 3 && (e.msg as { type?: string }).type === 'ping') {
        const list = byNode.get(e.from) ?? [];
        list.push((e.msg as { n: number }).n);
        byNode.set(e.from, list);
      }
    }
    for (const ns of byNode.values()) for (let i = 1; i < ns.length; i++) expect(ns[i]).toBeGreaterThanOrEqual(ns[i - 1]);
  });
});

describe("README's scenario example", () => {
  it('is a valid scenario that runs', async () => {
    const { parseScenario } = await import('../../scenario/load.js');
    const readme = readFileSync('README.md', 'utf8');
    const yaml = /## Scenario files[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1];
    const loaded = await parseScenario(yaml, 'README.md');
    expect(loaded.config.faults.length).toBe(7);
    expect(loaded.config.nemesis).toBeDefined();
    const run = runScenario(loaded);
    expect(run.result.events).toBeGreaterThan(1000);
    expect(run.result.faultLog.length).toBeGreaterThan(7);
  });

  it('the roles example is the fixture\'s scenario, and runs with client actors', async () => {
    const { parseScenario } = await import('../../scenario/load.js');
    const readme = readFileSync('README.md', 'utf8');
    const yaml = /\*\*Roles\.\*\*[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1];
    const loaded = await parseScenario(`${yaml}duration: 3s\n`, 'test/fixtures/protocols/readme-roles.yaml');
    expect(loaded.config.roles).toEqual([['primary'], ['backup'], ['backup']]);
    expect(loaded.config.faults.map((f) => f.action.kind)).toEqual(['pause', 'crash', 'restart']);
    const run = runScenario(loaded);
    expect(run.verdict).toBe('pass');
    expect(run.result.history.length).toBeGreaterThan(100);
  });
});
