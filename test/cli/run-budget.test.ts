// A run cut short by its event budget (maxEvents) or by `run --timeout` is undecided (exit 3),
// never a liveness bug; sim/ reads no clock, the runner asks it to stop.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenario/load.js';
import { decideVerdict, runScenario } from '../../scenario/runner.js';
import { runSimulation } from '../../sim/world.js';
import { runCli } from './helpers/capture.js';
import { ROOT, stripAnsi } from './helpers/spawn.js';

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'faultline-budget-'));
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function echoScenario(extra: string[] = [], duration = '2s'): string {
  const path = join(scratch, 'echo.yaml');
  const protocol = join(ROOT, 'test', 'cli', 'echo-protocol.ts');
  writeFileSync(path, [`protocol: ${JSON.stringify(protocol)}`, 'nodes: 3', `duration: ${duration}`, 'clients: { count: 3 }', ...extra].join('\n'));
  return path;
}

describe('an exhausted budget is undecided, not a bug', () => {
  it('maxEvents reached: exit 3, no violation, the message says the run could not be judged', async () => {
    const path = echoScenario(['maxEvents: 50']);
    const { code, stdout } = await runCli(['run', path, '--json']);
    expect(code).toBe(3);
    const json = JSON.parse(stdout) as { verdict: string; violations: unknown[]; undecided: string; events: number };
    expect(json.verdict).toBe('undecided');
    expect(json.violations).toEqual([]);
    expect(json.events).toBe(50);
    expect(json.undecided).toMatch(/could not be judged within its budget: maxEvents=50/);
    const human = await runCli(['run', path]);
    expect(human.code).toBe(3);
    expect(stripAnsi(human.stdout)).toMatch(/^UNDECIDED/m);
    expect(stripAnsi(human.stdout)).toMatch(/undecided: the run could not be judged within its budget/);
  });

  it('a violation found before the budget runs out is still a failure', async () => {
    const path = echoScenario(['maxEvents: 100000', 'bugs: [violate]']);
    const { code } = await runCli(['run', path]);
    expect(code).toBe(1);
  });

  it('--timeout expiring is undecided (exit 3); a generous one changes nothing', async () => {
    const path = echoScenario([], '10m');
    const cut = await runCli(['run', path, '--json', '--timeout', '1us']);
    expect(cut.code).toBe(3);
    const json = JSON.parse(cut.stdout) as { verdict: string; undecided: string; violations: unknown[] };
    expect(json.verdict).toBe('undecided');
    expect(json.violations).toEqual([]);
    expect(json.undecided).toMatch(/--timeout of 0\.001ms expired/);

    const short = echoScenario();
    const plain = JSON.parse((await runCli(['run', short, '--json'])).stdout) as { hash: string };
    const timed = await runCli(['run', short, '--json', '--timeout', '10m']);
    expect(timed.code).toBe(0);
    expect((JSON.parse(timed.stdout) as { hash: string }).hash).toBe(plain.hash);
  });

  it.each(['0', 'soon', '-1s'])('--timeout %s is bad input (exit 2)', async (value) => {
    const { code, stderr } = await runCli(['run', echoScenario(), '--timeout', value]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--timeout: expected/);
  });

  it('decideVerdict: a run cut short without violations is undecided', () => {
    expect(decideVerdict([], undefined, 'budget')).toBe('undecided');
    expect(decideVerdict([], 'linearizable', 'budget')).toBe('undecided');
    expect(decideVerdict([{ kind: 'safety', checker: 'x', message: 'm', atUs: 1, event: 1 }], undefined, 'budget')).toBe('fail');
  });

  it('shouldStop is only asked, never changes a run it does not stop', async () => {
    const loaded = await loadScenario(echoScenario());
    const plain = runSimulation(loaded.config);
    let asked = 0;
    const watched = runSimulation(loaded.config, { shouldStop: () => (asked++, false) });
    expect(watched.hash).toBe(plain.hash);
    expect(watched.undecided).toBeUndefined();
    expect(runScenario(loaded, {}, { timeoutMs: 600_000 }).verdict).toBe(plain.violations.length > 0 ? 'fail' : 'pass');
    expect(asked).toBeGreaterThanOrEqual(0);
  });
});
