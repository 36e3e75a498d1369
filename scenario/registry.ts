// What the CLI can run: the built-in protocols, protocols loaded from a module path next to
// a scenario file, their checker names, and the scenario files shipped with the package.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Protocol } from '../sim/types.js';
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

/** Import a module exporting `protocol` (or a default export) that implements Protocol. */
export async function loadProtocolModule(path: string): Promise<Result<AnyProtocol, string>> {
  if (!existsSync(path)) return { ok: false, error: `a protocol module, but ${path} does not exist` };
  // A FIFO or a device (`protocol: /dev/zero`) would hang the import: only a regular file is a module.
  if (!statSync(path).isFile()) return { ok: false, error: `a protocol module (a regular file), but ${path} is not a regular file` };
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    return { ok: false, error: `a protocol module that loads, but importing ${path} failed: ${(error as Error).message}` };
  }
  const candidate = module.protocol ?? module.default;
  const missing = protocolShapeProblems(candidate);
  if (missing.length > 0) {
    return { ok: false, error: `a module exporting \`protocol\` (or a default export) implementing Protocol; ${path}: ${missing.join(', ')}` };
  }
  const protocol = candidate as AnyProtocol;
  const { modelNames } = await import('../checkers/index.js');
  if (!modelNames.includes(protocol.model) && historyCheckerFor(protocol.model) === LINEARIZABILITY) {
    const known = [...modelNames, ...Object.keys(transactionalModels)];
    return { ok: false, error: `a protocol whose model is a linearizability model or a transactional one (${known.join(', ')}); ${path} declares model ${JSON.stringify(protocol.model)}` };
  }
  return { ok: true, value: protocol };
}

function protocolShapeProblems(candidate: unknown): string[] {
  if (candidate === null || typeof candidate !== 'object') return ['no `protocol` or default export object'];
  const p = candidate as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof p.name !== 'string') problems.push('name is not a string');
  if (typeof p.model !== 'string') problems.push('model is not a string');
  if (!Array.isArray(p.bugs)) problems.push('bugs is not a list');
  for (const method of ['createActor', 'invariants', 'liveness'] as const) {
    if (typeof p[method] !== 'function') problems.push(`${method} is not a function`);
  }
  if (p.createClient !== undefined && typeof p.createClient !== 'function') problems.push('createClient is not a function');
  if (p.observers !== undefined && typeof p.observers !== 'function') problems.push('observers is not a function');
  if (p.checks !== undefined && (!Array.isArray(p.checks) || !p.checks.every((c) => typeof c === 'string'))) problems.push('checks is not a list of checker names');
  const w = p.workload as Record<string, unknown> | string | undefined;
  if (typeof w !== 'string' && (w === null || typeof w !== 'object' || typeof w.nextOp !== 'function' || typeof w.name !== 'string' || typeof w.defaultMix !== 'object')) {
    problems.push('workload is neither a workload name (kv, register, ...) nor a generator { name, defaultMix, defaultParams, nextOp }');
  }
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
