// The CLI bundle's startup patches (scripts/build-cli-patches.ts): string-width patched
// to build its segmenter and emoji expression on first use (and cliui's 7.x copy given the
// printable-ASCII fast path) must measure every string as the original does, and a patch
// that no longer matches its source must fail the build. yargs as one CommonJS file with its
// V8 code cache (scripts/build-cli-cache.ts): V8 takes the cache, and yargs prints the same.
// The linearizability checker as one CommonJS file with its cache (scripts/build-cli-checker.ts):
// V8 takes the cache, it checks as the sources do, and the bundle cannot get a second copy.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { checkHistory, parseHistory } from '../../checkers/index.js';
import { buildYargs, YARGS_FILE } from '../../scripts/build-cli-cache.js';
import { buildChecker, cachedChecker, CHECKER_FILE } from '../../scripts/build-cli-checker.js';
import { patchModuleSource, startupPatches } from '../../scripts/build-cli-patches.js';
import { runCli } from './helpers/capture.js';
import { ROOT } from './helpers/spawn.js';

type Width = (text: string, options?: { ambiguousIsNarrow?: boolean; countAnsiEscapeCodes?: boolean }) => number;

/** The string-width copies the bundle holds: yargs' own (8.x) and cliui's, wrap-ansi's (7.x). */
const copies = {
  yargs: join(ROOT, 'node_modules', 'string-width', 'index.js'),
  cliui: join(ROOT, 'node_modules', 'cliui', 'node_modules', 'string-width', 'index.js'),
  'wrap-ansi': join(ROOT, 'node_modules', 'wrap-ansi', 'node_modules', 'string-width', 'index.js'),
};

/** A string-width file bundled through the startup patches (or not), loaded as a module. */
async function load(file: string, patched: boolean): Promise<Width> {
  const result = await build({
    stdin: { contents: `export { default } from ${JSON.stringify(file)};`, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    plugins: patched ? [startupPatches] : [],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  if (patched) expect(code).toContain('segmenterOnce');
  const module = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as { default: Width };
  return module.default;
}

const corpus = [
  '',
  'faultline <command> [options]',
  '  --seeds  How many seeds  [number] [default: 100]',
  'Exit codes: 0 pass · 1 a check failed · 2 bad input',
  '\u001B[31mred\u001B[39m and \u001B[1mbold\u001B[22m',
  'tab\there, bell\u0007, del\u007F',
  '日本語のテキスト',
  'ｶﾞｷﾞ half-width kana',
  'e\u0301 combining, a\u200Db zero width joiner, \uFEFF bom',
  '👍 🏳️‍🌈 👨‍👩‍👧 1️⃣ #⃣ ❤',
  '한국어 \u1100\u1161\u11A8 jamo',
  'ambiguous ±×÷ §',
  '\uD800 lone surrogate',
  'x'.repeat(300),
];

describe('string-width under the startup patches', () => {
  for (const [name, file] of Object.entries(copies)) {
    it(`${name}'s copy measures every string as the original`, async () => {
      const [original, patched] = await Promise.all([load(file, false), load(file, true)]);
      for (const text of corpus) {
        for (const options of [{}, { ambiguousIsNarrow: false }, { countAnsiEscapeCodes: true }]) {
          expect({ text, options, width: patched(text, options) }).toEqual({ text, options, width: original(text, options) });
        }
      }
      // Every printable ASCII character alone (the fast path) and after a non-ASCII one (the slow path).
      for (let c = 0x20; c <= 0x7e; c++) {
        const ch = String.fromCharCode(c);
        expect(patched(ch)).toBe(original(ch));
        expect(patched(`é${ch}`)).toBe(original(`é${ch}`));
      }
    });
  }

  it('a patch that no longer matches its source fails the build', () => {
    const path = '/x/node_modules/string-width/index.js';
    expect(() => patchModuleSource(path, 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/u;')).toThrow(/no longer applies/);
    expect(() => patchModuleSource(path, 'export default function stringWidth() {}')).toThrow(/do not know/);
    expect(() => patchModuleSource('/x/node_modules/yargs/lib/platform-shims/esm.mjs', "resolve(__dirname, '../../locales')")).toThrow(/no longer applies/);
    expect(patchModuleSource('/x/node_modules/other/index.js', 'anything')).toBeUndefined();
  });
});

describe('faultline --help', () => {
  it('is plain ASCII: one other character makes cliui build an Intl.Segmenter (ICU data) before printing', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Exit codes:');
    expect(stdout.replace(/[\x20-\x7e\n]/g, '')).toBe('');
  });
});

describe('yargs from its code cache (scripts/build-cli-cache.ts)', () => {
  it('builds yargs.cjs and a cache that V8 accepts, and that yargs prints the help of node_modules yargs', async () => {
    const out = mkdtempSync(join(tmpdir(), 'faultline-build-cli-'));
    try {
      await buildYargs(ROOT, out);
      const file = join(out, YARGS_FILE);
      const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData: readFileSync(`${file}.cache`) });
      expect(script.cachedDataRejected).toBe(false);
      const module = { exports: {} as { default?: typeof yargs } };
      (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
      const cached = module.exports.default!;
      const help = async (make: typeof yargs) => {
        let text = '';
        await make(['--help'])
          .scriptName('faultline')
          .locale('en')
          .command('run <scenario>', 'Run one scenario file', (y) => y.option('seed', { type: 'string', describe: 'the seed' }))
          .exitProcess(false)
          .wrap(null)
          .epilog('Exit codes: 0 pass, 1 fail')
          .parseAsync(['--help'], {}, (_error, _argv, output) => {
            text = output;
          });
        return text;
      };
      const expected = await help(yargs);
      expect(expected).toContain('Run one scenario file');
      expect(await help(cached)).toBe(expected);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('the linearizability checker from its code cache (scripts/build-cli-checker.ts)', () => {
  it('builds linearizability.cjs and a cache that V8 accepts, exporting what the CLI imports, checking as the sources do', async () => {
    const out = mkdtempSync(join(tmpdir(), 'faultline-build-checker-'));
    try {
      const names = await buildChecker(ROOT, out);
      for (const name of ['parseHistory', 'checkHistory', 'HistoryParseError', 'IncrementalLinearizability', 'readJsonItems', 'canonicalKey', 'compareStrings', 'modelNames']) expect(names).toContain(name);
      const file = join(out, CHECKER_FILE);
      const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData: readFileSync(`${file}.cache`) });
      expect(script.cachedDataRejected).toBe(false);
      const module = { exports: {} as { parseHistory?: typeof parseHistory; checkHistory?: typeof checkHistory } };
      (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
      const cached = module.exports as { parseHistory: typeof parseHistory; checkHistory: typeof checkHistory };
      for (const name of ['c01-ok', 'c01-bad', 'c10-ok', 'c10-bad']) {
        const text = readFileSync(join(ROOT, 'test', 'fixtures', 'histories', 'porcupine-kv', `${name}.txt`), 'utf8');
        const want = checkHistory(parseHistory(text).events, 'kv');
        const got = cached.checkHistory(cached.parseHistory(text).events, 'kv');
        expect(got.verdict).toBe(want.verdict);
        expect(JSON.stringify(got)).toBe(JSON.stringify(want));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('refuses a bundle importing a checker module it does not list (which would be a second copy of the checker)', async () => {
    const bundle = (contents: string) =>
      build({ stdin: { contents, resolveDir: join(ROOT, 'cli'), sourcefile: 'probe.ts', loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', write: false, plugins: [cachedChecker(ROOT, ['parseHistory'])], logLevel: 'silent' });
    const listed = await bundle("export { parseHistory } from '../checkers/linearizability/index.js';");
    expect(listed.outputFiles[0].text).toContain('linearizability.cjs');
    expect(listed.outputFiles[0].text).not.toContain('function readPorcupineKv');
    await expect(bundle("export { searchPartition } from '../checkers/linearizability/search.js';")).rejects.toThrow(/add it to CHECKER_MODULES/);
  });
});
