// `npm run build` step (after tsc and the report client): bundle the CLI and the fuzz
// worker with esbuild into dist/bundle/, so `faultline --help` reads a handful of files
// instead of resolving and reading some 200 modules (issue #14: CLI startup).
// - Two entries, main.js (bin/faultline.js imports it) and worker.js (explore/pool.ts
//   starts it beside itself); code splitting keeps every command's code in its own chunk,
//   loaded by the lazy `import()` of cli/main.ts only when that command runs.
// - tsx and esbuild stay external (loaded from node_modules only when a protocol module in
//   TypeScript or the report client from sources is needed).
// - Files read at run time relative to the module are copied beside the bundle: the
//   report client (dist/reports/client.bundle.js, built just before) and yargs' locales.
// - yargs itself is dist/bundle/yargs.cjs, compiled from a V8 code cache built here
//   (scripts/build-cli-cache.ts); so is the linearizability checker, as
//   dist/bundle/linearizability.cjs (scripts/build-cli-checker.ts), built first: the
//   bundle's loader module exports the names it has.
// - The string-width modules that yargs (and its cliui, wrap-ansi) use build an
//   Intl.Segmenter and a `\p{RGI_Emoji}` regular expression at load time: about 20 ms
//   before any output. Here they are made on first use, and cliui's older copy gets the
//   printable-ASCII fast path of the newer one (width = length). Same widths, checked by
//   test/cli/build-cli.test.ts; a patch that no longer applies fails the build.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildYargs, cachedYargs } from './build-cli-cache.js';
import { buildChecker, cachedChecker } from './build-cli-checker.js';
import { startupPatches } from './build-cli-patches.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, 'dist', 'bundle');

export async function buildCli(): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const checkerExports = await buildChecker(root, out);
  const result = await build({
    entryPoints: { main: join(root, 'cli', 'main.ts'), worker: join(root, 'explore', 'worker.ts') },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['tsx', 'tsx/*', 'esbuild'],
    // CommonJS dependencies (seedrandom) call require() for Node built-ins.
    banner: { js: "import { createRequire as __faultlineCreateRequire } from 'node:module'; const require = __faultlineCreateRequire(import.meta.url);" },
    plugins: [cachedYargs, cachedChecker(root, checkerExports), startupPatches],
    logLevel: 'warning',
    metafile: true,
  });
  await buildYargs(root, out);
  cpSync(join(root, 'dist', 'reports', 'client.bundle.js'), join(out, 'client.bundle.js'));
  const yargsRoot = dirname(createRequire(pathToFileURL(join(root, 'package.json'))).resolve('yargs/package.json'));
  cpSync(join(yargsRoot, 'locales'), join(out, 'locales'), { recursive: true });
  const files = Object.keys(result.metafile.outputs).length;
  console.log(`cli bundle: ${out} (${files} files)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildCli();
