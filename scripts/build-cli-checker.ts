// The linearizability checker with a V8 code cache, for the CLI bundle (scripts/build-cli.ts;
// issue #14: `faultline check` in a fresh process). As for yargs (build-cli-cache.ts), the
// checker (checkers/linearizability/, self-contained: it imports nothing else of ours at
// run time) becomes one CommonJS file, dist/bundle/linearizability.cjs, compiled by the
// bundle with vm.Script from the code cache written beside it: the bytecode of every
// function that reading and checking histories ran here (the Porcupine kv files, an EDN
// cas-register history, JSON, a kv history with a crashed op for the general search). Without it, V8 parses and compiles those functions on the
// first check: about 2 ms of the first check of c01-ok, more than the search itself.
// Every import of a checkers/linearizability module from outside that folder goes to one
// loader module (CHECKER_MODULES lists the ones allowed), so the bundle holds one copy of
// the checker and its classes (HistoryParseError is one class for every `instanceof`).
// A cache that does not fit the Node that runs it is rejected by V8: slower, never different.
import { build, type Plugin } from 'esbuild';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { cachedScriptLoader, compileCommonJs } from './build-cli-cache.js';

export const CHECKER_FILE = 'linearizability.cjs';

/** The checker's modules that code outside checkers/linearizability/ imports (relative to it, without extension). */
export const CHECKER_MODULES = ['index', 'types', 'values', 'parse/history-formats'];

/** What the checker exposes to the build process: the parts the cache run calls. */
interface CheckerExports {
  parseHistory(text: string): { events: unknown[] };
  checkHistory(events: unknown[], model: string): { verdict: string };
}

/** The checker's folder, as esbuild names the files in it (symbolic links resolved). */
const checkerDir = (root: string) => realpathSync(join(root, 'checkers', 'linearizability'));

/**
 * Write `out`/linearizability.cjs (the modules of CHECKER_MODULES as one CommonJS file) and
 * its code cache; return the names it exports, for the loader module (cachedChecker).
 */
export async function buildChecker(root: string, out: string): Promise<string[]> {
  const file = join(out, CHECKER_FILE);
  const dir = checkerDir(root);
  await build({
    stdin: { contents: CHECKER_MODULES.map((m) => `export * from ${JSON.stringify(`./${m}.js`)};`).join('\n'), resolveDir: dir, sourcefile: 'linearizability-entry.js', loader: 'js' },
    outfile: file,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    plugins: [insideOnly(dir)],
    logLevel: 'warning',
  });
  let names: string[] = [];
  const cache = compileCommonJs(file, (exports) => {
    exercise(root, exports as unknown as CheckerExports);
    names = Object.keys(exports).sort();
  });
  writeFileSync(`${file}.cache`, cache);
  return names;
}

/** The esbuild plugin of the main bundle: imports of the checker's modules from outside its folder load linearizability.cjs through its cache. */
export function cachedChecker(root: string, names: readonly string[]): Plugin {
  const dir = checkerDir(root);
  const allowed = new Set(CHECKER_MODULES.map((m) => join(dir, `${m}.ts`)));
  const loader = cachedScriptLoader(CHECKER_FILE, names.map((n) => `export const ${n} = loaded.${n};`).join('\n'));
  return {
    name: 'faultline-cached-checker',
    setup(b) {
      b.onResolve({ filter: /linearizability/ }, (args) => {
        if (args.importer === '' || isInside(dir, args.importer) || args.importer.includes(`${sep}node_modules${sep}`)) return undefined;
        const target = join(args.resolveDir, args.path).replace(/\.js$/, '.ts');
        if (!isInside(dir, target)) return undefined;
        if (!allowed.has(target)) {
          return { errors: [{ text: `build-cli: ${relative(root, args.importer)} imports ${relative(root, target)}: add it to CHECKER_MODULES (scripts/build-cli-checker.ts) so that the bundle keeps one copy of the checker` }] };
        }
        return { path: 'linearizability', namespace: 'faultline-cached-checker' };
      });
      b.onLoad({ filter: /.*/, namespace: 'faultline-cached-checker' }, () => ({ contents: loader, loader: 'js' }));
    },
  };
}

function isInside(dir: string, path: string): boolean {
  const r = relative(dir, path);
  return r !== '' && !r.startsWith('..') && !r.startsWith(sep);
}

/** The checker bundle may hold only the checker: a run-time import of anything else of ours would be a second copy of it in the CLI. */
function insideOnly(dir: string): Plugin {
  return {
    name: 'faultline-checker-inside-only',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = join(args.resolveDir, args.path);
        if (isInside(dir, target)) return undefined;
        return { errors: [{ text: `build-cli: the linearizability checker imports ${args.path} (outside checkers/linearizability/) at run time; its CLI bundle would hold a second copy of it` }] };
      });
    },
  };
}

/** Inline histories for the cache run, when the repository's Porcupine files are not there. */
const SAMPLE_KV = [
  '{:process 0, :type :invoke, :f :put, :key "1", :value "x"}',
  '{:process 1, :type :invoke, :f :append, :key "1", :value "y"}',
  '{:process 0, :type :ok, :f :put, :key "1", :value "x"}',
  '{:process 1, :type :ok, :f :append, :key "1", :value "y"}',
  '{:process 0, :type :invoke, :f :get, :key "1", :value nil}',
  '{:process 0, :type :ok, :f :get, :key "1", :value "xy"}',
].join('\n');
const SAMPLE_KV_BAD = `${SAMPLE_KV}\n{:process 2, :type :invoke, :f :get, :key "1", :value nil}\n{:process 2, :type :ok, :f :get, :key "1", :value "x"}\n`;
const SAMPLE_EDN = '[{:process 0, :type :invoke, :f :write, :value 1}\n {:process 0, :type :ok, :f :write, :value 1}\n {:process 1, :type :invoke, :f :cas, :value [1 2]}\n {:process 1, :type :ok, :f :cas, :value [1 2]}\n {:process 2, :type :invoke, :f :read, :value nil}\n {:process 2, :type :ok, :f :read, :value 2}]';
/** A crashed put (never completed): an indeterminate op, so the general search (search.ts), not the small path, checks it. */
const SAMPLE_KV_CRASH = `${SAMPLE_KV}\n{:process 3, :type :invoke, :f :put, :key "1", :value "z"}\n{:process 0, :type :invoke, :f :get, :key "1", :value nil}\n{:process 0, :type :ok, :f :get, :key "1", :value "z"}\n`;
const SAMPLE_JSON = JSON.stringify([
  { index: 0, process: 0, type: 'invoke', f: 'write', value: 1, timeUs: 0 },
  { index: 1, process: 0, type: 'ok', f: 'write', value: 1, timeUs: 1 },
  { index: 2, process: 1, type: 'invoke', f: 'read', timeUs: 2 },
  { index: 3, process: 1, type: 'ok', f: 'read', value: 2, timeUs: 3 },
]);

/** Read and check the histories a first `faultline check` is likely to meet, so that their functions are compiled into the cache. */
function exercise(root: string, checker: CheckerExports): void {
  const porcupine = join(root, 'test', 'fixtures', 'histories', 'porcupine-kv');
  const kv = ['c01-ok', 'c01-bad', 'c10-ok', 'c10-bad'].map((f) => join(porcupine, `${f}.txt`));
  const kvTexts = kv.every((f) => existsSync(f)) ? kv.map((f) => readFileSync(f, 'utf8')) : [SAMPLE_KV, SAMPLE_KV_BAD];
  // The Porcupine files take the small path (small.ts); the crashed put, the general one.
  for (const text of [...kvTexts, SAMPLE_KV_CRASH]) checker.checkHistory(checker.parseHistory(text).events, 'kv');
  for (const text of [SAMPLE_EDN, SAMPLE_JSON]) checker.checkHistory(checker.parseHistory(text).events, 'cas-register');
}
