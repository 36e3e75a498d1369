// Lint: the deterministic core (sim/, workloads/, protocols/, checkers/) must not reach
// outside the simulation. Wall clock, Math.random, timers and promises would hand the
// interleaving to the host and break replay by seed. And every library folder imports only
// the layers below it (faultline/layers, below).
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

const repoRoot = dirname(fileURLToPath(import.meta.url));

// The layers, bottom to top: a folder may import itself and the folders listed for it.
// test/, bench/, examples/, bin/ are not layers and may import anything (no rule there).
const layers = {
  sim: [],
  workloads: ['sim'],
  protocols: ['sim', 'workloads'],
  checkers: ['sim', 'workloads'],
  scenario: ['sim', 'workloads', 'protocols', 'checkers'],
  explore: ['sim', 'workloads', 'protocols', 'checkers', 'scenario'],
  reports: ['sim', 'workloads', 'protocols', 'checkers', 'scenario', 'explore'],
};
// cli/ may import everything: it gets no layer rule. The root entry points (index.ts,
// testing.ts) may import every library layer, and each other, but never cli/.
const libraryLayers = Object.keys(layers);
const entryPoints = ['index', 'testing'];

/**
 * Where an import specifier lands in the repo, seen from `filename`: a top-level folder
 * name, `index`/`testing` for the root entry points, 'outside' (beyond the repo root),
 * or null (a package, node: builtin, or a root file that is not an entry point).
 * Specifiers are resolved against the importing file, so '../cli/x.js' from sim/a.ts and
 * '../../cli/x.js' from sim/b/c.ts both land in cli/, while '../x.js' from sim/b/c.ts
 * stays in sim/. Patterns on the specifier text alone cannot tell these apart.
 */
function landing(specifier, filename) {
  if (specifier === 'faultline' || specifier.startsWith('faultline/')) return specifier === 'faultline/testing' ? 'testing' : 'index';
  if (!(specifier.startsWith('.') || isAbsolute(specifier) || specifier.startsWith('file:'))) return null;
  const target = specifier.startsWith('file:') ? fileURLToPath(specifier) : resolve(dirname(filename), specifier);
  const rel = relative(repoRoot, target);
  if (rel === '') return 'index';
  if (rel.startsWith('..') || isAbsolute(rel)) return 'outside';
  const parts = rel.split(sep);
  if (parts.length > 1) return parts[0];
  const base = parts[0].replace(/\.[cm]?[jt]s$/, '');
  return entryPoints.includes(base) ? base : null;
}

/** The local plugin: one rule, configured once per layer (below) with what that layer may import. */
const faultline = {
  rules: {
    layers: {
      meta: {
        type: 'problem',
        docs: { description: 'A library folder imports only the layers below it.' },
        schema: [{
          type: 'object',
          // layer: the folder this config is for; absent for the root entry points.
          properties: { layer: { type: 'string' }, may: { type: 'array', items: { type: 'string' } } },
          required: ['may'],
          additionalProperties: false,
        }],
        messages: {
          upLayer: "{{layer}} may not import {{target}} ('{{source}}'): {{layer}} may import only {{may}}.",
          outside: "'{{source}}' resolves outside the repo: a fresh clone has nothing there.",
        },
      },
      create(context) {
        const { layer: own, may } = context.options[0];
        const layer = own ? `${own}/` : entryPoints.map((e) => `${e}.ts`).join(' and ');
        const allowed = new Set(own ? [own, ...may] : [...entryPoints, ...may]);
        const mayText = [...(own ? [own] : []), ...may].map((m) => `${m}/`).join(', ') || 'itself';
        function check(sourceNode) {
          if (!sourceNode || typeof sourceNode.value !== 'string') return;
          const source = sourceNode.value;
          const where = landing(source, context.filename);
          if (where === null || allowed.has(where)) return;
          if (where === 'outside') {
            context.report({ node: sourceNode, messageId: 'outside', data: { source } });
            return;
          }
          const target = entryPoints.includes(where) ? `${where}.ts` : `${where}/`;
          context.report({ node: sourceNode, messageId: 'upLayer', data: { layer, target, source, may: mayText } });
        }
        return {
          ImportDeclaration: (node) => check(node.source), // includes `import type`
          ExportNamedDeclaration: (node) => check(node.source), // `export { x } from`, `export type { T } from`
          ExportAllDeclaration: (node) => check(node.source),
          ImportExpression: (node) => check(node.source), // import('...') with a literal
          TSImportType: (node) => check(node.source ?? node.argument?.literal ?? node.argument), // typeof import('...')
          TSExternalModuleReference: (node) => check(node.expression), // import x = require('...')
          CallExpression: (node) => {
            if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node.arguments[0]);
          },
        };
      },
    },
  },
};

const layerConfigs = [
  ...Object.entries(layers).map(([name, may]) => ({
    files: [`${name}/**/*.ts`],
    plugins: { faultline },
    rules: { 'faultline/layers': ['error', { layer: name, may }] },
  })),
  {
    files: entryPoints.map((e) => `${e}.ts`),
    plugins: { faultline },
    rules: { 'faultline/layers': ['error', { may: libraryLayers }] },
  },
];

const forbiddenGlobals = [
  { name: 'setTimeout', message: 'Timers break determinism: use ctx.setTimer.' },
  { name: 'setInterval', message: 'Timers break determinism: use ctx.setTimer.' },
  { name: 'setImmediate', message: 'Timers break determinism: use the event queue.' },
  { name: 'queueMicrotask', message: 'Microtasks break determinism: use the event queue.' },
  { name: 'Promise', message: 'Promises break determinism: the core is synchronous.' },
  { name: 'performance', message: 'Wall clock: read the simulated clock.' },
  { name: 'crypto', message: 'Unseeded randomness: use a Prng stream.' },
];

const forbiddenSyntax = [
  { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'Math.random breaks determinism: use a seeded Prng stream.' },
  { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'Wall clock: read the simulated clock.' },
  { selector: "NewExpression[callee.name='Date']", message: 'Wall clock: read the simulated clock.' },
  { selector: "MemberExpression[object.name='process'][property.name='hrtime']", message: 'Wall clock: read the simulated clock.' },
  { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Hidden input: a run depends only on scenario, seed and version.' },
  { selector: 'FunctionDeclaration[async=true]', message: 'async breaks determinism: the core is synchronous.' },
  { selector: 'ArrowFunctionExpression[async=true]', message: 'async breaks determinism: the core is synchronous.' },
  { selector: 'FunctionExpression[async=true]', message: 'async breaks determinism: the core is synchronous.' },
  { selector: 'AwaitExpression', message: 'await breaks determinism: the core is synchronous.' },
  { selector: 'ForInStatement', message: 'for...in iterates in key-shape order: use Map or sorted ids.' },
  { selector: "CallExpression[callee.property.name='localeCompare']", message: 'localeCompare depends on the host locale.' },
  { selector: "CallExpression[callee.property.name='sort'][arguments.length=0]", message: 'sort() without a comparator sorts as strings.' },
];

// An assertion's message is an argument: a template literal with values in it is built on
// every call, passing or not (issue #14 measured ~7% of the event loop). In the kernel and
// the protocols, build it only on failure: `if (!ok) throw new KernelError(`...${x}`)`.
// `assert(false, `...`)` (an unreachable branch) builds it only when it throws, and stays.
const eagerAssertMessage = {
  selector:
    "CallExpression[callee.name=/^(assert|kernelAssert)$/]:not([arguments.0.value=false]) > TemplateLiteral.arguments[expressions.length>0]:nth-child(2), " +
    "CallExpression[callee.name=/^(assert|kernelAssert)$/]:not([arguments.0.value=false]) > BinaryExpression.arguments[operator='+']:nth-child(2)",
  message: 'This message is built on every call: write `if (!condition) throw new KernelError(...)` (or AssertionError in a protocol) so it is built only on failure.',
};

// A ghost note's data as an object literal (or a closure) is built on every call, read or
// not. In the protocols, pass a builder defined once and its arguments, `ctx.note('commit',
// commitNote, index, term)`: the kernel calls it only when something reads that kind.
const eagerNoteData = {
  selector:
    "CallExpression[callee.property.name='note'] > ObjectExpression.arguments:nth-child(2), " +
    "CallExpression[callee.property.name='note'] > ArrowFunctionExpression.arguments:nth-child(2), " +
    "CallExpression[callee.property.name='note'] > FunctionExpression.arguments:nth-child(2)",
  message: "This note's data is built on every call, read or not: pass a module-level builder and its arguments, `ctx.note('kind', kindNote, a, b)` (sim/types.ts ActorContext.note).",
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['sim/**/*.ts', 'workloads/**/*.ts', 'protocols/**/*.ts', 'checkers/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...forbiddenGlobals],
      'no-restricted-syntax': ['error', ...forbiddenSyntax],
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:timers*', 'timers*', 'node:worker_threads', 'node:crypto', 'crypto', 'node:perf_hooks'], message: 'Not in the deterministic core.' },
      ] }],
    },
  },
  {
    files: ['sim/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...forbiddenSyntax, eagerAssertMessage] },
  },
  {
    files: ['protocols/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...forbiddenSyntax, eagerAssertMessage, eagerNoteData] },
  },
  ...layerConfigs,
);
