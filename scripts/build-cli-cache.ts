// yargs with a V8 code cache, for the CLI bundle (scripts/build-cli.ts). Node 20 has no
// compile cache for modules (module.enableCompileCache is Node 22), but vm.Script takes
// `cachedData`. So the bundle holds yargs (and its dependencies) as one CommonJS file,
// dist/bundle/yargs.cjs, which the bundle's `yargs` module compiles with vm.Script from
// the code cache written beside it at build time (yargs.cjs.cache: bytecode of the
// functions a few parses and a help screen use). Parsing and compiling yargs on every
// start costs 15-30 ms; with the cache it is mostly a read. A cache that does not fit the
// Node that runs it (another V8 version or flags) is rejected by V8, and yargs is then
// compiled as usual: slower, never different.
import { build, type Plugin } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { startupPatches } from './build-cli-patches.js';

export const YARGS_FILE = 'yargs.cjs';

/**
 * The source of a module that loads `./<file>` (CommonJS, beside the bundle's chunks)
 * through the V8 code cache written beside it (`<file>.cache`), then runs `exportsCode`
 * with the file's `module.exports` as `loaded`. A cache V8 rejects only costs the compile.
 */
export function cachedScriptLoader(file: string, exportsCode: string): string {
  return `
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
const file = fileURLToPath(new URL(${JSON.stringify(`./${file}`)}, import.meta.url));
let cachedData;
try {
  cachedData = readFileSync(file + '.cache');
} catch {
  cachedData = undefined;
}
const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
const loaded = module.exports;
${exportsCode}
`;
}

/** What `import yargs from 'yargs'` becomes in the bundle: load yargs.cjs through its code cache. */
const LOADER = cachedScriptLoader(YARGS_FILE, 'export default loaded.default;');

/** The esbuild plugin that sends the bundle's `yargs` imports to LOADER. */
export const cachedYargs: Plugin = {
  name: 'faultline-cached-yargs',
  setup(b) {
    b.onResolve({ filter: /^yargs$/ }, (args) => (args.importer.includes('node_modules') ? undefined : { path: 'yargs', namespace: 'faultline-cached-yargs' }));
    b.onLoad({ filter: /.*/, namespace: 'faultline-cached-yargs' }, () => ({ contents: LOADER, loader: 'js' }));
  },
};

/** Write dist/bundle/yargs.cjs: yargs as one CommonJS file (the startup patches applied), and its code cache. */
export async function buildYargs(root: string, out: string): Promise<void> {
  const file = join(out, YARGS_FILE);
  await build({
    stdin: { contents: "export { default } from 'yargs';", resolveDir: root, loader: 'js' },
    outfile: file,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // yargs' ESM shim reads import.meta.url (its own path: the locales beside it, createRequire).
    define: { 'import.meta.url': '__faultlineModuleUrl' },
    banner: { js: "const __faultlineModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: [startupPatches],
    logLevel: 'warning',
  });
  writeFileSync(`${file}.cache`, compileCommonJs(file, (exports) => warmYargs(file, exports)));
}

/**
 * The code cache of a CommonJS file (yargs.cjs, linearizability.cjs): compile it as the
 * loader (cachedScriptLoader) does, run it, let `warm` call into its exports, and only then
 * write the cache. V8 compiles most functions lazily, on their first call, and
 * createCachedData holds the bytecode only of the functions compiled by then: so `warm`
 * must run what a first command runs, or V8 compiles it again in every process.
 * (Measured on Node 20: the functions the warm-up runs hot, up to Sparkplug's baseline code,
 * still cost 50-150 µs on their first call in a new process. A warm-up under --no-sparkplug,
 * switched back on before writing, is accepted and removes that, but the whole first check
 * runs slower: c01-ok 1.01 → 1.23 ms CPU, 9 rounds. So the warm-up keeps V8's defaults.)
 */
export function compileCommonJs(file: string, warm: (exports: Record<string, unknown>) => void): Buffer {
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file });
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  warm(module.exports);
  return script.createCachedData();
}

/** Run the parses the CLI runs (a command, --help, --version, a usage error) on yargs.cjs's exports, so that their functions are in the cache. */
function warmYargs(file: string, exports: Record<string, unknown>): void {
  const yargs = exports.default as ((argv: string[]) => YargsLike) | undefined;
  if (typeof yargs !== 'function') throw new Error(`build-cli: ${file} does not export yargs`);
  for (const argv of [['--help'], ['--version'], ['run', 'x.yaml', '--seed', '7'], ['run'], ['nope'], ['run', '--help']]) {
    yargs(argv)
      .scriptName('faultline')
      .usage('$0 <command> [options]')
      .command('run <scenario>', 'Run a scenario', (y) => y.option('seed', { type: 'string', describe: 'the seed' }), () => undefined)
      .command('list', 'List', {}, () => undefined)
      .demandCommand(1, 'a command is required')
      .strict()
      .recommendCommands()
      .exitProcess(false)
      .version('0.0.0')
      .help()
      .alias('h', 'help')
      .wrap(null)
      .epilog('Exit codes')
      .fail(() => undefined)
      .parse(argv, {}, () => undefined);
  }
}

/** The part of yargs' builder the cache run uses (yargs.cjs is loaded untyped). */
interface YargsLike {
  scriptName(name: string): YargsLike;
  usage(text: string): YargsLike;
  command(command: string, describe: string, builder: object | ((y: YargsLike) => YargsLike), handler: () => void): YargsLike;
  option(name: string, options: object): YargsLike;
  demandCommand(min: number, message: string): YargsLike;
  strict(): YargsLike;
  recommendCommands(): YargsLike;
  exitProcess(exit: boolean): YargsLike;
  version(version: string): YargsLike;
  help(): YargsLike;
  alias(short: string, long: string): YargsLike;
  wrap(columns: number | null): YargsLike;
  epilog(text: string): YargsLike;
  fail(handler: () => void): YargsLike;
  parse(argv: string[], context: object, callback: () => void): unknown;
}
