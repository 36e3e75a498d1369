// What the CLI can run: the built-in protocols, protocols loaded from a module path next to
// a scenario file, their checker names, and the scenario files shipped with the package.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Protocol } from '../sim/types.js';
import { withDeterminismGuard } from './guard.js';
import type { Result } from './units.js';

export type AnyProtocol = Protocol<any, any>;

/** The name of the history checker every protocol gets on top of its own invariants and liveness checks. */
export const LINEARIZABILITY = 'linearizability';
/** The history checker of `list-append` histories (Elle-style, strict serializability). */
export const SERIALIZABILITY = 'serializability';
/** The history checker of `bank` histories (conservation of money in every ok read). */
export const CONSERVATION = 'conservation';

/** History models that are not linearizability models: each has its own checker. */
export const transactionalModels: Readonly<Record<string, string>> = Object.freeze({ bank: CONSERVATION, 'list-append': SERIALIZABILITY });

/** The history checker that judges histories of this model. */
export function historyCheckerFor(model: string): string {
  return Object.prototype.hasOwnProperty.call(transactionalModels, model) ? transactionalModels[model] : LINEARIZABILITY;
}

/** The model a run's history is checked against: a workload's transactional model wins over the protocol's. */
export function historyModelOf(protocol: Pick<AnyProtocol, 'model'>, workload: { model?: string } | undefined): string {
  return workload?.model !== undefined && Object.prototype.hasOwnProperty.call(transactionalModels, workload.model) ? workload.model : protocol.model;
}

/** Resolve a scenario's `protocol:` value; the error text says what was expected. */
export type ProtocolResolver = (ref: string, scenarioDir: string) => Promise<Result<AnyProtocol, string>>;

/** The built-in protocols, by name, sorted. Loaded lazily so that the CLI starts without them. */
export async function builtinProtocols(): Promise<AnyProtocol[]> {
  const module = await import('../protocols/index.js');
  const builtins = module.builtinProtocols as readonly AnyProtocol[] | Readonly<Record<string, AnyProtocol>>;
  const list = Array.isArray(builtins) ? [...builtins] : Object.values(builtins as Readonly<Record<string, AnyProtocol>>);
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A module path (`./my-protocol.js`, `../x/p.ts`, `/abs/p.js`) rather than a built-in name. */
export function isModuleReference(ref: string): boolean {
  return ref.startsWith('.') || isAbsolute(ref) || ref.includes('/') || /\.(c|m)?(j|t)s$/.test(ref);
}

/** Built-in name or module path (relative to the scenario file's folder). */
export const resolveProtocol: ProtocolResolver = async (ref, scenarioDir) => {
  if (!isModuleReference(ref)) {
    const builtins = await builtinProtocols();
    const found = builtins.find((protocol) => protocol.name === ref);
    if (found) return { ok: true, value: found };
    const names = builtins.map((protocol) => protocol.name).join(', ');
    return { ok: false, error: `a built-in protocol (${names}) or a module path like ./my-protocol.js (got ${JSON.stringify(ref)})` };
  }
  return loadProtocolModule(resolve(scenarioDir, ref));
};

/** Extensions a protocol module may have: TypeScript is loaded through tsx, with no build step. */
export const PROTOCOL_MODULE_EXTENSIONS: readonly string[] = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const TYPESCRIPT = /\.[cm]?ts$/;

export interface LoadProtocolOptions {
  /** Wrap the protocol in the determinism guard (scenario/guard.ts). Default true. */
  guard?: boolean;
}

/**
 * Import a module exporting `protocol` (or a default export) that implements Protocol:
 * `.ts`, `.mts` and `.cts` through tsx's loader (registered once per thread, the first
 * time), `.js`, `.mjs` and `.cjs` as Node loads them. The protocol comes back wrapped in the
 * determinism guard. Every error says what was expected and what to change.
 */
export async function loadProtocolModule(path: string, options: LoadProtocolOptions = {}): Promise<Result<AnyProtocol, string>> {
  if (!existsSync(path)) return { ok: false, error: `a protocol module, but ${path} does not exist` };
  // A FIFO or a device (`protocol: /dev/zero`) would hang the import: only a regular file is a module.
  if (!statSync(path).isFile()) return { ok: false, error: `a protocol module (a regular file), but ${path} is not a regular file` };
  if (!PROTOCOL_MODULE_EXTENSIONS.some((ext) => path.endsWith(ext))) {
    return { ok: false, error: `a protocol module ending in ${PROTOCOL_MODULE_EXTENSIONS.join(', ')} (got ${path})` };
  }
  let module: Record<string, unknown>;
  try {
    if (TYPESCRIPT.test(path)) await typescriptLoader();
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    return { ok: false, error: `a protocol module that loads, but importing ${path} failed: ${(error as Error)?.message ?? String(error)}${moduleFormatHint(path, error)}` };
  }
  const candidate = protocolExport(module);
  const missing = protocolShapeProblems(candidate, module);
  if (missing.length > 0) {
    const hint = candidate === undefined ? commonJsExportsHint(path) : '';
    return { ok: false, error: `a module exporting \`protocol\` (or a default export) implementing Protocol; ${path}: ${missing.join('; ')}${hint}` };
  }
  const protocol = candidate as AnyProtocol;
  const { modelNames } = await import('../checkers/index.js');
  if (!modelNames.includes(protocol.model) && historyCheckerFor(protocol.model) === LINEARIZABILITY) {
    const known = [...modelNames, ...Object.keys(transactionalModels)];
    return { ok: false, error: `a protocol whose model is a linearizability model or a transactional one (${known.join(', ')}); ${path} declares model ${JSON.stringify(protocol.model)}` };
  }
  return { ok: true, value: options.guard === false ? protocol : withDeterminismGuard(protocol) };
}

/** `protocol`, else the default export; a CommonJS module's `module.exports.protocol` arrives as `default.protocol`. */
function protocolExport(module: Record<string, unknown>): unknown {
  if (module.protocol !== undefined) return module.protocol;
  const fallback = module.default as Record<string, unknown> | undefined;
  if (fallback !== null && typeof fallback === 'object' && fallback.protocol !== undefined && fallback.createActor === undefined) return fallback.protocol;
  return fallback;
}

let tsxRegistered: Promise<void> | undefined;

/**
 * Make `import()` load TypeScript. Running from faultline's own sources (under tsx or
 * vitest) it already does; from dist/, tsx's ESM and CommonJS hooks are registered once
 * per thread (fuzz workers load the module in their own thread, so each registers its own).
 */
function typescriptLoader(): Promise<void> {
  if (import.meta.url.endsWith('.ts')) return Promise.resolve();
  tsxRegistered ??= (async () => {
    const esm = (await import('tsx/esm/api')) as { register: () => unknown };
    const cjs = (await import('tsx/cjs/api')) as { register: () => unknown };
    cjs.register();
    esm.register();
  })();
  return tsxRegistered;
}

/** The nearest package.json above a file, and its `type`. */
function nearestPackage(path: string): { file: string; type: string | undefined } | undefined {
  let dir = dirname(path);
  for (let depth = 0; depth < 64; depth += 1) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const json = JSON.parse(readFileSync(file, 'utf8')) as { type?: unknown };
        return { file, type: typeof json.type === 'string' ? json.type : undefined };
      } catch {
        return { file, type: undefined };
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

/** What to change when a module failed for its module format (CommonJS vs ES modules), or a missing package. */
export function moduleFormatHint(path: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const pkg = nearestPackage(path);
  const esmByExtension = /\.m[jt]s$/.test(path);
  const cjsByExtension = /\.c[jt]s$/.test(path);
  const why = esmByExtension
    ? `its extension (${path.slice(path.lastIndexOf('.'))}) makes it an ES module`
    : pkg?.type === 'module'
      ? `${pkg.file} has "type": "module", so it is an ES module`
      : 'it is an ES module';
  if (/\b(require|module|exports|__dirname|__filename) is not defined in ES module scope/.test(message)) {
    const what = /\b(\w+) is not defined/.exec(message)![1];
    const fix = what === 'require' ? "use `import ... from '...'` instead of require()" : what === 'module' || what === 'exports' ? 'write `export const protocol = { ... }` instead of module.exports' : 'use import.meta.dirname / import.meta.filename';
    return ` (the module uses CommonJS \`${what}\`, but ${why}: ${fix}, or rename it to ${path.replace(/\.[cm]?([jt])s$/, '.c$1s')} to keep CommonJS)`;
  }
  if (/Cannot use import statement outside a module|Unexpected token 'export'|require\(\) of ES Module|ERR_REQUIRE_ESM|Cannot require\(\) ES Module/.test(message) || code === 'ERR_REQUIRE_ESM') {
    const where = cjsByExtension ? `its extension makes it CommonJS` : pkg === undefined ? 'no package.json above it says "type": "module"' : `${pkg.file} has no "type": "module"`;
    const rename = path.replace(/\.[cm]?([jt])s$/, '.m$1s');
    return ` (the module uses ES module syntax (import/export), but Node loads it as CommonJS because ${where}: add "type": "module" to ${pkg?.file ?? 'a package.json beside it'}, or rename it to ${rename})`;
  }
  if (code === 'ERR_MODULE_NOT_FOUND' && /Cannot find package 'faultline'/.test(message)) {
    return ' (install faultline in the project that holds the module: npm install --save-dev faultline)';
  }
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
    return ` (faultline loads ${PROTOCOL_MODULE_EXTENSIONS.join(', ')} modules)`;
  }
  return '';
}

/**
 * A module that exports nothing but assigns module.exports: Node ran it as an ES module
 * (its package says "type": "module", or its extension), where module.exports is ignored.
 */
export function commonJsExportsHint(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return '';
  }
  if (!/\bmodule\.exports\b|^\s*exports\.\w+\s*=/m.test(text) || /\.c[jt]s$/.test(path)) return '';
  const pkg = nearestPackage(path);
  const why = /\.m[jt]s$/.test(path) ? 'its extension makes it an ES module' : pkg?.type === 'module' ? `${pkg.file} has "type": "module"` : 'it is loaded as an ES module';
  return ` (it assigns CommonJS module.exports, but ${why}, where module.exports is not an export: write \`export const protocol = { ... }\`, or rename it to ${path.replace(/\.[cm]?([jt])s$/, '.c$1s')})`;
}

/** What a candidate export lacks to be a Protocol, each naming the member and what it should be. */
function protocolShapeProblems(candidate: unknown, module: Record<string, unknown> = {}): string[] {
  if (candidate === null || typeof candidate !== 'object') {
    const names = Object.keys(module).filter((k) => k !== '__esModule').sort();
    return [`no \`protocol\` export and no default export object (the module exports ${names.length > 0 ? names.join(', ') : 'nothing'}): add \`export const protocol: Protocol<Msg> = { name, description, model, bugs, workload, createActor, invariants, liveness }\``];
  }
  const p = candidate as Record<string, unknown>;
  const problems: string[] = [];
  const missing: string[] = [];
  const expect = (key: string, ok: boolean, what: string): void => {
    if (p[key] === undefined) missing.push(`${key} (${what})`);
    else if (!ok) problems.push(`${key} is not ${what}`);
  };
  expect('name', typeof p.name === 'string', 'a string');
  expect('model', typeof p.model === 'string', 'a string: a history model such as kv or register');
  expect('bugs', Array.isArray(p.bugs), 'a list of { name, description }, [] for none');
  expect('createActor', typeof p.createActor === 'function', 'a function (ctx, options) => Actor');
  expect('invariants', typeof p.invariants === 'function', 'a function (options) => Invariant[]');
  expect('liveness', typeof p.liveness === 'function', 'a function (options) => LivenessCheck[]');
  const w = p.workload as Record<string, unknown> | string | undefined;
  const workloadOk = typeof w === 'string' || (w !== null && typeof w === 'object' && typeof w.nextOp === 'function' && typeof w.name === 'string' && typeof w.defaultMix === 'object');
  expect('workload', workloadOk, 'a workload name (kv, register, ...) or a generator { name, defaultMix, defaultParams, nextOp }');
  if (missing.length > 0) problems.unshift(`missing ${missing.join(', ')}`);
  if (p.createClient !== undefined && typeof p.createClient !== 'function') problems.push('createClient is not a function');
  if (p.observers !== undefined && typeof p.observers !== 'function') problems.push('observers is not a function');
  if (p.checks !== undefined && (!Array.isArray(p.checks) || !p.checks.every((c) => typeof c === 'string'))) problems.push('checks is not a list of checker names');
  if (p.roles !== undefined) {
    const roles = p.roles as unknown;
    const ok = Array.isArray(roles) && roles.every((r) => r !== null && typeof r === 'object' && typeof r.name === 'string' && /^[a-z][a-z0-9-]*$/.test(r.name) && r.name !== 'client' && Number.isInteger(r.count) && r.count >= 0);
    if (!ok) problems.push('roles is not a list of { name, count } (names in lower-case kebab-case, not "client"; counts integers >= 0)');
  }
  return problems;
}

export interface CheckerNames {
  invariants: string[];
  liveness: string[];
  /** The history checker: linearizability, serializability or conservation (by the history's model). */
  history: string;
  /** invariants, then liveness, then the history checker. */
  all: string[];
}

/** Invariants and liveness checks are stateful objects: instantiate them once to read their names. */
export function checkerNames(protocol: AnyProtocol, options: Record<string, unknown> = {}, model: string = protocol.model): CheckerNames {
  const invariants = protocol.invariants(options).map((invariant) => invariant.name);
  const liveness = protocol.liveness(options).map((check) => check.name);
  const history = historyCheckerFor(model);
  return { invariants, liveness, history, all: [...invariants, ...liveness, history] };
}

/** The package root (the folder holding faultline's package.json), from scenario/ under tsx or dist/scenario/ after build. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth += 1) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readManifest(manifest)?.name === 'faultline') return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`faultline's package.json not found above ${fileURLToPath(import.meta.url)}`);
}

function readManifest(path: string): { name?: string; version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
  } catch {
    return undefined;
  }
}

export function packageVersion(): string {
  return readManifest(join(packageRoot(), 'package.json'))?.version ?? '0.0.0';
}

/**
 * The scenario files shipped with the package for a protocol, as absolute paths, sorted:
 * `scenarios/<folder>/*.yaml` whose top-level `protocol:` names it (a folder may hold
 * several protocols' files: scenarios/paxos/ has paxos and multipaxos).
 */
export function shippedScenarios(protocolName: string): string[] {
  const root = join(packageRoot(), 'scenarios');
  if (!existsSync(root)) return [];
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const out: string[] = [];
  for (const folder of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort(byName)) {
    const dir = join(root, folder);
    for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort(byName)) {
      const path = join(dir, file);
      const m = /^protocol:\s*['"]?([^'"#\s]+)/m.exec(readFileSync(path, 'utf8'));
      if ((m?.[1] ?? folder) === protocolName) out.push(path);
    }
  }
  return out;
}

/** A path for display: relative to the working directory when below it, else absolute. */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel) ? rel : path;
}
