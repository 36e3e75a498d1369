// A user's protocol module, from the user's side: faultline loads it from a scenario's
// `protocol:` path (.ts, .mts, .js, .mjs, .cjs), names what its exports lack, says what to
// change for a CommonJS/ESM mismatch, reports its errors as its own failures with node,
// event and seed, and its determinism guard names the handler and the call.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../scenario/errors.js';
import { parseScenario } from '../../scenario/load.js';
import { commonJsExportsHint, loadProtocolModule, moduleFormatHint } from '../../scenario/registry.js';
import { runScenario } from '../../scenario/runner.js';
import { guarded, withDeterminismGuard, DeterminismError } from '../../scenario/guard.js';
import { builtinProtocols } from '../../protocols/index.js';

const fixtures = join(import.meta.dirname, 'fixtures');

async function scenarioFor(module: string, seed = '7') {
  const text = [`protocol: ${module}`, 'nodes: 3', 'duration: 500ms', `seed: ${seed}`, 'clients: { count: 0 }', 'checkers: []'].join('\n');
  return parseScenario(text, join(fixtures, 'scenario.yaml'));
}

async function loadError(module: string): Promise<string> {
  try {
    await scenarioFor(module);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error(`${module} loaded`);
}

describe('protocol modules in every extension', () => {
  it.each(['./plain.mjs', './default-export.mts', './cjs-package/commonjs.cjs', './dates-with-args.ts'])('%s loads and runs', async (module) => {
    const run = runScenario(await scenarioFor(module));
    expect(run.verdict).toBe('pass');
    expect(run.result.events).toBeGreaterThan(50);
  });

  it('a loaded module comes back guarded; guard: false gives the bare protocol', async () => {
    const path = join(fixtures, 'plain.mjs');
    const guardedOne = await loadProtocolModule(path);
    const bare = await loadProtocolModule(path, { guard: false });
    expect(guardedOne.ok && bare.ok).toBe(true);
    if (!guardedOne.ok || !bare.ok) return;
    expect(guardedOne.value).not.toBe(bare.value);
    expect(guardedOne.value.name).toBe('plain-js');
  });
});

describe('a module with the wrong shape', () => {
  it('names the missing members and the one of the wrong type', async () => {
    const message = await loadError('./wrong-shape.ts');
    expect(message).toContain('wrong-shape.ts');
    expect(message).toContain('missing createActor (a function (ctx, options) => Actor), liveness (a function (options) => LivenessCheck[])');
    expect(message).toContain('model is not a string');
  });

  it('with no protocol export, lists what it does export', async () => {
    const message = await loadError('./no-export.ts');
    expect(message).toContain('no `protocol` export and no default export object (the module exports helper, prtocol)');
  });

  it('a file that does not exist, or an extension faultline does not load', async () => {
    expect(await loadError('./nowhere.ts')).toContain('does not exist');
    expect(await loadError('./esm-package/package.json')).toContain('ending in .ts, .mts, .cts, .js, .mjs, .cjs');
  });
});

describe('CommonJS and ES module mismatches say what to change', () => {
  it('require() in an ES module package', () => {
    const path = join(fixtures, 'esm-package', 'uses-require.js');
    const hint = moduleFormatHint(path, new ReferenceError('require is not defined in ES module scope, you can use import instead'));
    expect(hint).toContain('uses CommonJS `require`');
    expect(hint).toContain(`${join(fixtures, 'esm-package', 'package.json')} has "type": "module"`);
    expect(hint).toContain("use `import ... from '...'` instead of require()");
    expect(hint).toContain('uses-require.cjs');
  });

  it('module.exports in an ES module package', () => {
    const hint = moduleFormatHint(join(fixtures, 'esm-package', 'uses-module-exports.js'), new ReferenceError('module is not defined in ES module scope'));
    expect(hint).toContain('write `export const protocol = { ... }` instead of module.exports');
  });

  it('import/export in a file Node loads as CommonJS', () => {
    const hint = moduleFormatHint(join(fixtures, 'cjs-package', 'esm-in-cjs.cjs'), new SyntaxError("Unexpected token 'export'"));
    expect(hint).toContain('Node loads it as CommonJS because its extension makes it CommonJS');
    expect(hint).toContain('esm-in-cjs.mjs');
    const noType = moduleFormatHint(join(fixtures, 'cjs-package', 'x.js'), new SyntaxError('Cannot use import statement outside a module'));
    expect(noType).toContain(`${join(fixtures, 'cjs-package', 'package.json')} has no "type": "module"`);
    expect(noType).toContain('add "type": "module" to');
  });

  // The hints match what plain Node (as under the packed CLI) throws for each mismatch.
  it.each([
    ['esm-package/uses-require.js', 'uses CommonJS `require`'],
    ['cjs-package/esm-in-cjs.cjs', 'uses ES module syntax'],
  ])("plain Node's error for %s gets the hint", (file, expected) => {
    const path = join(fixtures, file);
    const code = `import(${JSON.stringify(pathToFileURL(path).href)}).then(() => console.log('{}'), (e) => console.log(JSON.stringify({ message: e.message, code: e.code, name: e.name })))`;
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    const thrown = JSON.parse(out.stdout.trim().split('\n').pop()!) as { message: string; code?: string; name: string };
    const error = Object.assign(new Error(thrown.message), { code: thrown.code });
    expect(moduleFormatHint(path, error)).toContain(expected);
  });

  it('module.exports in an ES module package: plain Node runs it and finds no export; the message says why', () => {
    const path = join(fixtures, 'esm-package', 'uses-module-exports.js');
    const code = `import(${JSON.stringify(pathToFileURL(path).href)}).then((m) => console.log(JSON.stringify(Object.keys(m))))`;
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(out.stdout.trim()).toBe('[]');
    const hint = commonJsExportsHint(path);
    expect(hint).toContain(`it assigns CommonJS module.exports, but ${join(fixtures, 'esm-package', 'package.json')} has "type": "module"`);
    expect(hint).toContain('write `export const protocol = { ... }`, or rename it to');
    expect(commonJsExportsHint(join(fixtures, 'cjs-package', 'commonjs.cjs'))).toBe('');
  });

  it('a missing faultline install', () => {
    const error = Object.assign(new Error("Cannot find package 'faultline' imported from /x/p.ts"), { code: 'ERR_MODULE_NOT_FOUND' });
    expect(moduleFormatHint('/x/p.ts', error)).toContain('npm install --save-dev faultline');
  });
});

describe("errors in the user's code are the protocol's failures, with node, event and seed", () => {
  it.each([
    ['./throws.ts', 'n1 threw in onMessage: Error: boom: ballot went backwards'],
    ['./sends-unknown.ts', 'n1 threw in onMessage: AssertionError: send to unknown endpoint 99'],
    ['./negative-timer.ts', 'n1 threw in onMessage: AssertionError: timer later: afterUs must be a non-negative integer, got -5'],
  ])('%s', async (module, message) => {
    const run = runScenario(await scenarioFor(module, '7'));
    expect(run.verdict).toBe('fail');
    expect(run.violations).toHaveLength(1);
    const [v] = run.violations;
    expect(v.checker).toBe('protocol-exception');
    expect(v.message).toBe(message);
    expect(v.node).toBe(0);
    expect(v.event).toBeGreaterThan(0);
    expect(run.replay).toContain('--seed 7');
    // The stack is the user's (the module's frames, not the guard's).
    if (module === './throws.ts') {
      expect(v.stack).toContain('throws.ts');
      expect(v.stack).not.toContain('guard.ts');
    }
  });
});

describe('the determinism guard', () => {
  it.each([
    ['./calls-random.ts', 'Math.random() called in node n1 onMessage', 'ctx.random'],
    ['./catches-random.ts', 'Math.random() called in node n1 onMessage', 'ctx.random'],
    ['./calls-date-now.mts', 'Date.now() called in node n1 onMessage', 'ctx.now()'],
    ['./calls-new-date.ts', 'new Date() called in node n1 onMessage', 'ctx.now()'],
    ['./calls-performance-now.ts', 'performance.now() called in node n1 onMessage', 'ctx.now()'],
    ['./calls-set-timeout.ts', 'setTimeout() called in node n1 onMessage', 'ctx.setTimer'],
    ['./calls-queue-microtask.ts', 'queueMicrotask() called in node n1 onMessage', 'ctx.setTimer'],
    ['./calls-hrtime.ts', 'process.hrtime() called in node n1 onMessage', 'ctx.now()'],
    ['./calls-random-uuid.ts', 'crypto.randomUUID() called in node n1 onMessage', 'ctx.random'],
  ])('%s fails, naming the handler and the call', async (module, call, instead) => {
    const run = runScenario(await scenarioFor(module));
    expect(run.verdict).toBe('fail');
    const [v] = run.violations;
    expect(v.checker).toBe('protocol-exception');
    expect(v.message).toContain(`n1 threw in onMessage: DeterminismError: ${call}`);
    expect(v.message).toContain(instead);
    expect(v.stack ?? '').not.toContain('guard.ts');
  });

  it('names the timer of an onTimer handler', async () => {
    const loaded = await scenarioFor('./plain.mjs');
    const bare = loaded.config.protocol;
    const timerRandom = withDeterminismGuard({
      ...bare,
      name: 'timer-random',
      createActor: (ctx: { setTimer(name: string, us: number): void }) => ({ onStart() { ctx.setTimer('election', 1000); }, onTimer() { void Math.random(); }, onMessage() {}, onRequest() {}, summary: () => ({}) }),
    });
    const run = runScenario({ ...loaded, protocol: timerRandom, config: { ...loaded.config, protocol: timerRandom } });
    expect(run.violations[0].message).toContain('n1 threw in onTimer("election"): DeterminismError: Math.random() called in node n1 onTimer("election")');
  });

  it('restores every global after a handler, also after a throw', () => {
    const globals = () => [Math.random, Date, Date.now, performance.now, setTimeout, setInterval, setImmediate, queueMicrotask, process.hrtime, crypto.randomUUID, crypto.getRandomValues];
    const before = globals();
    expect(() => guarded('test', () => Math.random())).toThrow(DeterminismError);
    expect(() => guarded('test', () => { throw new RangeError('x'); })).toThrow(RangeError);
    expect(guarded('test', () => new Date(5).getTime())).toBe(5);
    expect(guarded('test', () => new Date(0) instanceof Date)).toBe(true);
    expect(globals()).toEqual(before);
    expect(typeof crypto.randomUUID()).toBe('string');
    expect(typeof Math.random()).toBe('number');
  });

  it('does not change a run: the guarded protocol hashes the same as the bare one', async () => {
    const raft = builtinProtocols.raft;
    const text = ['protocol: raft', 'nodes: 3', 'duration: 2s', 'seed: 11'].join('\n');
    const bare = await parseScenario(text, 's.yaml');
    const guardedRaft = withDeterminismGuard(raft);
    const withGuard = { ...bare, protocol: guardedRaft, config: { ...bare.config, protocol: guardedRaft } };
    const a = runScenario(bare);
    const b = runScenario(withGuard);
    expect(b.result.hash).toBe(a.result.hash);
    expect(b.result.events).toBe(a.result.events);
    expect(withDeterminismGuard(guardedRaft)).toBe(guardedRaft);
  });
});
