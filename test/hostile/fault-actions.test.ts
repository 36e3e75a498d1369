// Guided mutants' extra faults in a hand-edited failure file (knobs.faults): every fault
// action kind and field is held to the scenario schema's rigour, and to the stored
// scenario's cluster. Each bad one is bad input (exit 2) naming the field; the faults a
// guided campaign writes load as they are.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureScenario, readFailureFile } from '../../explore/failure-file.js';
import { InputError } from '../../scenario/errors.js';
import { runCli } from '../cli/helpers/capture.js';

const ballot = 'test/fuzz/fixtures/ballot-nemesis.yaml'; // 3 nodes, 2 built-in clients, 3s
const dir = mkdtempSync(join(tmpdir(), 'faultline-fault-actions-'));
type Json = Record<string, any>;
let original: Json;
beforeAll(async () => {
  const r = await runCli(['fuzz', ballot, '--bug', 'volatile-vote', '--seeds', '200', '--workers', '1', '--max-failures', '1', '--out', dir]);
  expect(r.code).toBe(1);
  original = JSON.parse(readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith('.json'))!), 'utf8'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withFaults(name: string, faults: unknown): string {
  const copy = structuredClone(original);
  copy.knobs = { ...copy.knobs, faults };
  const path = join(dir, `${name}.edited.json`);
  writeFileSync(path, JSON.stringify(copy));
  return path;
}

async function problem(path: string): Promise<InputError | undefined> {
  try {
    await failureScenario(readFailureFile(path));
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
}

const at = (action: unknown, atUs = 100_000) => [{ atUs, action }];
const cases: Array<{ name: string; faults: unknown; field: string; expected: RegExp }> = [
  { name: 'unknown-kind', faults: at({ kind: 'explode', node: 0 }), field: 'knobs.faults.0.action.kind', expected: /kind is one of partition, .*loss-burst/ },
  { name: 'no-kind', faults: at({ node: 0 }), field: 'knobs.faults.0.action.kind', expected: /kind is one of/ },
  { name: 'node-beyond', faults: at({ kind: 'crash', node: 7 }), field: 'knobs.faults.0.action.node', expected: /below 5 \(3 nodes, 2 clients\) \(got 7\)/ },
  { name: 'node-negative', faults: at({ kind: 'crash', node: -1 }), field: 'knobs.faults.0.action.node', expected: /node or client index, 0\.\.1999 \(got -1\)/ },
  { name: 'node-text', faults: at({ kind: 'isolate', node: 'n1' }), field: 'knobs.faults.0.action.node', expected: /node target/ },
  { name: 'node-float', faults: at({ kind: 'pause', node: 0.5, durationUs: 10 }), field: 'knobs.faults.0.action.node', expected: /node target/ },
  { name: 'pause-negative', faults: at({ kind: 'pause', node: 'leader', durationUs: -5 }), field: 'knobs.faults.0.action.durationUs', expected: /above 0.*\(got -5\)/ },
  { name: 'pause-zero', faults: at({ kind: 'pause', node: 'leader', durationUs: 0 }), field: 'knobs.faults.0.action.durationUs', expected: /\(got 0\)/ },
  { name: 'pause-huge', faults: at({ kind: 'pause', node: 'leader', durationUs: 2 ** 53 }), field: 'knobs.faults.0.action.durationUs', expected: /got 9007199254740992/ },
  { name: 'pause-missing', faults: at({ kind: 'pause', node: 'leader' }), field: 'knobs.faults.0.action.durationUs', expected: /duration/ },
  { name: 'loss-high', faults: at({ kind: 'loss-burst', lossPpm: 2e6, durationUs: 1000 }), field: 'knobs.faults.0.action.lossPpm', expected: /0\.\.1000000 \(got 2000000\)/ },
  { name: 'drift', faults: at({ kind: 'clock-drift', node: 0, driftPpm: 1e9 }), field: 'knobs.faults.0.action.driftPpm', expected: /clock drift/ },
  { name: 'jump-nan', faults: at({ kind: 'clock-jump', node: 0, byUs: 'NaN' }), field: 'knobs.faults.0.action.byUs', expected: /signed duration/ },
  { name: 'extra-field', faults: at({ kind: 'crash', node: 0, boom: true }), field: 'knobs.faults.0.action', expected: /crash fault action with only its own fields/ },
  { name: 'role', faults: at({ kind: 'crash', node: { role: 'acceptor' } }), field: 'knobs.faults.0.action.node.role', expected: /a role that some node plays: server/ },
  { name: 'group-k', faults: at({ kind: 'crash', node: { group: 'leader-plus', k: 5 } }), field: 'knobs.faults.0.action.node.k', expected: /at most 2/ },
  { name: 'random-k', faults: at({ kind: 'crash', node: { group: 'random', k: 4 } }), field: 'knobs.faults.0.action.node.k', expected: /at most the node count \(3\)/ },
  { name: 'ref', faults: at({ kind: 'restart', node: { ref: 'victim' } }), field: 'knobs.faults.0.action.node.ref', expected: /no fault before this one names "victim"/ },
  { name: 'ref-later', faults: [{ atUs: 10, action: { kind: 'restart', node: { ref: 'v' } } }, { atUs: 20, action: { kind: 'crash', node: 'leader', as: 'v' } }], field: 'knobs.faults.0.action.node.ref', expected: /names "v"/ },
  { name: 'partition', faults: at({ kind: 'partition', groups: [[0], [1, 9]] }), field: 'knobs.faults.0.action.groups.1.1', expected: /got 9/ },
  { name: 'links', faults: at({ kind: 'delay-burst', links: { from: [0], to: [42] }, delayUs: 10, durationUs: 10 }), field: 'knobs.faults.0.action.links.to.0', expected: /got 42/ },
  { name: 'one-way-empty', faults: at({ kind: 'one-way', from: [], to: [1] }), field: 'knobs.faults.0.action.from', expected: /at least one/ },
  { name: 'heal-both', faults: at({ kind: 'heal', node: 0, links: { from: [0], to: [1] } }), field: 'knobs.faults.0.action.links', expected: /not both/ },
  { name: 'after-end', faults: at({ kind: 'crash', node: 0 }, 10_000_000), field: 'knobs.faults.0.atUs', expected: /within the run \(3000000us\)/ },
  { name: 'at-negative', faults: at({ kind: 'crash', node: 0 }, -1), field: 'knobs.faults.0.atUs', expected: /got -1/ },
  { name: 'not-a-list', faults: { kind: 'crash' }, field: 'knobs.faults', expected: /a list of scripted faults/ },
  { name: 'entry-extra', faults: [{ atUs: 1, action: { kind: 'bridge' }, why: 1 }], field: 'knobs.faults.0', expected: /scripted fault/ },
];

describe('guided faults in failure files, validated like a scenario', () => {
  for (const c of cases) {
    it(`${c.name}: exit 2 naming ${c.field}`, async () => {
      const error = await problem(withFaults(c.name, c.faults));
      expect(error?.field).toBe(c.field);
      expect(error?.message).toMatch(c.expected);
    });
  }

  it('the faults guided search writes (every kind, with names and refs) load', async () => {
    const good = [
      { atUs: 1000, action: { kind: 'isolate', node: 'leader' } },
      { atUs: 2000, action: { kind: 'heal' } },
      { atUs: 3000, action: { kind: 'crash', node: 'leader', as: 'v' } },
      { atUs: 4000, action: { kind: 'restart', node: { ref: 'v' } } },
      { atUs: 4500, action: { kind: 'restart', node: 'all' } },
      { atUs: 5000, action: { kind: 'pause', node: 'leader', durationUs: 40_000 } },
      { atUs: 6000, action: { kind: 'partition-majority' } },
      { atUs: 6500, action: { kind: 'partition', groups: [[0], [1, 2]] } },
      { atUs: 7000, action: { kind: 'crash-restart', node: { group: 'random', k: 1 }, downUs: 5000 } },
      { atUs: 8000, action: { kind: 'clock-jump', node: 1, byUs: -20_000 } },
      { atUs: 8000, action: { kind: 'clock-offset', node: { group: 'leader-plus', k: 1 }, offsetUs: 5 } },
      { atUs: 9000, action: { kind: 'clock-drift', node: { role: 'server', all: true }, driftPpm: -100 } },
      { atUs: 9500, action: { kind: 'one-way', from: [0], to: [1, 3] } },
      { atUs: 9600, action: { kind: 'heal', links: { from: [0], to: [1], both: true } } },
      { atUs: 9700, action: { kind: 'delay-burst', delayUs: 10, durationUs: 10 } },
      { atUs: 9800, action: { kind: 'reorder-burst', links: { from: [0], to: [1] }, jitterUs: 10, durationUs: 10 } },
      { atUs: 9900, action: { kind: 'loss-burst', lossPpm: 500_000, durationUs: 10 } },
      { atUs: 9950, action: { kind: 'bridge' } },
      { atUs: 9960, action: { kind: 'partition-halves' } },
    ];
    expect(await problem(withFaults('good', good))).toBeUndefined();
  });

  it('through the CLI: exit 2, the file and the field named, no stack trace (replay and shrink)', async () => {
    const path = withFaults('cli', at({ kind: 'crash', node: 99 }));
    for (const command of ['replay', 'shrink']) {
      const r = await runCli([command, path, ...(command === 'replay' ? ['--no-report'] : [])]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${path}: knobs.faults.0.action.node: expected a node or client index below 5`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
