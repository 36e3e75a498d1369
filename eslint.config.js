// Lint: the deterministic core (sim/, protocols/, checkers/) must not reach outside the
// simulation. Wall clock, Math.random, timers and promises would hand the interleaving
// to the host and break replay by seed.
import tseslint from 'typescript-eslint';

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
    files: ['sim/**/*.ts', 'protocols/**/*.ts', 'checkers/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...forbiddenGlobals],
      'no-restricted-syntax': ['error', ...forbiddenSyntax],
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:timers*', 'timers*', 'node:worker_threads', 'node:crypto', 'crypto', 'node:perf_hooks'], message: 'Not in the deterministic core.' },
      ] }],
    },
  },
);
