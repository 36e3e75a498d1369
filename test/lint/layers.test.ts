// The layer rule (faultline/layers in eslint.config.js): a library folder imports only the
// layers below it. Linted as virtual files through ESLint's Node API, so the folders need
// not exist yet. Also checks that the determinism bans still hold next to it.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: repoRoot });
const RULE = 'faultline/layers';

async function lint(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath });
  expect(result.messages.filter((m) => m.fatal)).toEqual([]);
  return result.messages;
}

async function layerMessages(filePath: string, code: string) {
  return (await lint(filePath, code)).filter((m) => m.ruleId === RULE);
}

// [importing file, code, what the message must name]
const forbidden: Array<[string, string, string]> = [
  ['sim/bad.ts', "export { node } from '../protocols/raft/node.js';", "sim/ may not import protocols/ ('../protocols/raft/node.js')"],
  ['sim/bad.ts', "import type { Verdict } from '../checkers/index.js';\nexport type V = Verdict;", 'sim/ may not import checkers/'],
  ['sim/deep/nested/bad.ts', "export * from '../../../workloads/kv.js';", "sim/ may not import workloads/ ('../../../workloads/kv.js')"],
  ['sim/x/bad.ts', "export { load } from '../../scenario/load.js';", 'sim/ may not import scenario/'],
  ['sim/bad.ts', "export { run } from '../index.js';", 'sim/ may not import index.ts'],
  ['sim/bad.ts', "export { run } from 'faultline';", 'sim/ may not import index.ts'],
  ['workloads/bad.ts', "export { raft } from '../protocols/raft/index.js';", 'workloads/ may not import protocols/'],
  ['protocols/raft/bad.ts', "export { checkHistory } from '../../checkers/index.js';", 'protocols/ may not import checkers/'],
  ['protocols/raft/bad.ts', "export type { Loaded } from '../../scenario/load.js';", 'protocols/ may not import scenario/'],
  ['checkers/bad.ts', "export { RaftNode } from '../protocols/raft/node.js';", "checkers/ may not import protocols/ ('../protocols/raft/node.js')"],
  ['checkers/linearizability/bad.ts', "import type { RaftState } from '../../protocols/raft/types.js';\nexport type S = RaftState;", 'checkers/ may not import protocols/'],
  ['checkers/a/b/bad.ts', "export type T = typeof import('../../../protocols/raft/node.js');", 'checkers/ may not import protocols/'],
  ['scenario/bad.ts', "export { campaign } from '../explore/campaign.js';", "scenario/ may not import explore/ ('../explore/campaign.js')"],
  ['scenario/x/bad.ts', "export { campaign } from '../../explore/campaign.js';", 'scenario/ may not import explore/'],
  ['scenario/bad.ts', "export { html } from '../reports/html.js';", 'scenario/ may not import reports/'],
  ['explore/bad.ts', "export { html } from '../reports/html.js';", 'explore/ may not import reports/'],
  ['explore/bad.ts', "export const main = () => import('../cli/main.js');", "explore/ may not import cli/ ('../cli/main.js')"],
  ['reports/bad.ts', "export { main } from '../cli/main.js';", 'reports/ may not import cli/'],
  ['reports/bad.ts', "export { hashes } from '../test/support/hashes.js';", 'reports/ may not import test/'],
  ['index.ts', "export { main } from './cli/main.js';", "index.ts and testing.ts may not import cli/ ('./cli/main.js')"],
  ['testing.ts', "import type { YamlMeta } from './cli/fuzz/to-yaml.js';\nexport type M = YamlMeta;", 'index.ts and testing.ts may not import cli/'],
];

describe('faultline/layers: an import from a higher layer fails', () => {
  it.each(forbidden)('%s: %s', async (filePath, code, names) => {
    const messages = await layerMessages(filePath, code);
    expect(messages).toHaveLength(1);
    expect(messages[0].messageId).toBe('upLayer');
    expect(messages[0].severity).toBe(2);
    expect(messages[0].message).toContain(names);
  });

  it('says what the layer may import', async () => {
    const [m] = await layerMessages('checkers/bad.ts', "export { RaftNode } from '../protocols/raft/node.js';");
    expect(m.message).toBe("checkers/ may not import protocols/ ('../protocols/raft/node.js'): checkers/ may import only checkers/, sim/, workloads/.");
  });

  it('flags every offending import of a file, type-only ones included', async () => {
    const code = [
      "import type { Protocol } from '../sim/types.js';",
      "import type { RaftNode } from '../protocols/raft/node.js';",
      "import { main } from '../cli/main.js';",
      'export type P = Protocol | RaftNode;',
      'export const m = main;',
    ].join('\n');
    const messages = await layerMessages('checkers/bad.ts', code);
    expect(messages.map((m) => m.line)).toEqual([2, 3]);
  });

  it('flags a path that leaves the repo (a fresh clone has no ../shared)', async () => {
    const messages = await layerMessages('checkers/bad.ts', "export { data } from '../../shared/data/histories/x.js';");
    expect(messages).toHaveLength(1);
    expect(messages[0].messageId).toBe('outside');
  });
});

// [importing file, code]
const allowed: Array<[string, string]> = [
  ['sim/kernel.ts', "export { PPM } from './types.js';"],
  ['sim/x/y.ts', "export { z } from '../protocols/z.js';"], // that is sim/protocols/z.js
  ['sim/x/y.ts', "export { join } from 'node:path';"],
  ['workloads/kv.ts', "import type { Op } from '../sim/types.js';\nexport type O = Op;"],
  ['protocols/raft/node.ts', "export { assert } from '../../sim/types.js';"],
  ['protocols/raft/node.ts', "export { kv } from '../../workloads/kv.js';"],
  ['checkers/linearizability/check.ts', "import type { HistoryEvent } from '../../sim/types.js';\nexport type E = HistoryEvent;"],
  ['checkers/kv.ts', "export { kv } from '../workloads/kv.js';"],
  ['scenario/load.ts', "export { raft } from '../protocols/raft/index.js';\nexport { checkHistory } from '../checkers/index.js';"],
  ['explore/x.ts', "export { runScenario } from '../scenario/runner.js';"],
  ['explore/deep/x.ts', "export { runScenario } from '../../scenario/runner.js';\nexport { PPM } from '../../sim/types.js';"],
  ['reports/html.ts', "export { campaign } from '../explore/campaign.js';\nexport { load } from '../scenario/load.js';"],
  ['index.ts', "export { html } from './reports/html.js';\nexport { PPM } from './sim/types.js';\nexport { simulate } from './testing.js';"],
  ['testing.ts', "export { campaign } from './explore/campaign.js';"],
];

describe('faultline/layers: an import from the same or a lower layer passes', () => {
  it.each(allowed)('%s: %s', async (filePath, code) => {
    expect(await layerMessages(filePath, code)).toEqual([]);
    // Not vacuous: the rule is configured for this file.
    const config = await eslint.calculateConfigForFile(filePath);
    expect(config.rules[RULE]?.[0]).toBe(2);
  });

  const anything = [
    "export { main } from '../cli/main.js';",
    "export { html } from '../reports/html.js';",
    "export { campaign } from '../explore/campaign.js';",
    "export * from '../index.js';",
    "export { hashes } from '../test/support/hashes.js';",
  ].join('\n');
  it.each(['cli/main.ts', 'cli/fuzz/campaign.ts', 'test/x.test.ts', 'bench/x.ts', 'examples/x.ts', 'bin/x.ts'])('%s may import anything', async (filePath) => {
    const deeper = filePath.split('/').length > 2 ? anything.replaceAll("'../", "'../../") : anything;
    expect(await layerMessages(filePath, deeper)).toEqual([]);
  });
});

describe('the determinism bans still hold next to the layer rule', () => {
  it.each(['sim/x.ts', 'workloads/x.ts', 'protocols/raft/x.ts', 'checkers/x.ts'])('%s: node:crypto and Date.now are banned, and the layer rule still runs', async (filePath) => {
    const code = [
      "import { randomBytes } from 'node:crypto';",
      "import type { Timeout } from 'node:timers';",
      "import { main } from '../cli/main.js';",
      'export const r = [randomBytes, main, Date.now()];',
      'export type T = Timeout;',
    ].join('\n');
    const messages = await lint(filePath, code.replace("'../cli/", filePath.split('/').length > 2 ? "'../../cli/" : "'../cli/"));
    const byRule = (id: string) => messages.filter((m) => m.ruleId === id).map((m) => m.line);
    expect(byRule('no-restricted-imports')).toEqual([1, 2]);
    expect(byRule(RULE)).toEqual([3]);
    expect(byRule('no-restricted-syntax')).toEqual([4]);
  });
});
