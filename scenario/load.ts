// Scenario files: YAML -> a validated, fully resolved SimConfig.
//
// Three passes, each error naming the file, the line and the field, and saying what was
// expected (InputError):
//   1. YAML syntax (with positions kept, so later passes can find lines again);
//   2. shape, types and units (zod, schema.ts); unknown keys are errors;
//   3. what depends on other fields or on the protocol: node and client ranges, bug and
//      checker names, faultsStop <= duration, fault times, roles (topology.ts) and the
//      workload (workload.ts).
import { basename, dirname, extname } from 'node:path';
import type { LatencyModel, NemesisConfig, NetworkChange, PartitionShape, NemesisKind, RecordLevel, ScriptedFault, SimConfig } from '../sim/config.js';
import { AssertionError, type NodeId } from '../sim/types.js';
import { InputError } from './errors.js';
import { readInputText, SCENARIO_MAX_BYTES } from './read-input.js';
import { checkNames, faultAction, latencyModel, type Fail } from './convert.js';
import { describeIssues } from './issues.js';
import { builtinProtocols, checkerNames, displayPath, historyCheckerFor, historyModelOf, LINEARIZABILITY, resolveProtocol as defaultResolver, shippedScenarios, type AnyProtocol, type CheckerNames, type ProtocolResolver } from './registry.js';
import { scenarioSchema, type RawScenario } from './schema.js';
import { EndpointResolver, resolveTopology } from './topology.js';
import { formatDuration, looksLikeDuration, parseDuration } from './units.js';
import { standardChecks, unknownStandardChecks, withStandardChecks } from './standard-checks.js';
import { DEFAULT_KEYS, resolveWorkload } from './workload.js';
import { formatPath, YamlSource, type FieldPath } from './yaml-source.js';

export interface ScenarioOverrides {
  seed?: string;
  /** Bug variants added on top of the scenario's own. */
  bugs?: readonly string[];
  record?: RecordLevel;
}

export interface LoadedScenario {
  /** The scenario file as the user named it (used in replay commands). */
  file: string;
  name: string;
  description: string | undefined;
  /** The `protocol:` value as written (a built-in name or a module path). */
  protocolRef: string;
  protocol: AnyProtocol;
  /** The resolved run, overrides applied. */
  config: SimConfig;
  /** Bug variants the file itself enables: a replay command repeats only the others. */
  scenarioBugs: readonly string[];
  /** Checkers that will run, by name, in order (invariants, liveness, then linearizability). */
  checkers: readonly string[];
  /** Whether the client history is checked for linearizability. */
  linearizability: boolean;
  /** The model the history is checked against (the workload's transactional model, else the protocol's). */
  historyModel: string;
  /** The history checker that runs (linearizability, serializability or conservation), or undefined when not selected. */
  historyChecker: string | undefined;
  /** Every checker the protocol offers. */
  available: CheckerNames;
  /** What each fuzzed seed may draw beyond the fault knobs (the file's `swarm:`), values resolved. */
  swarm?: SwarmBounds;
}

/** Per-seed draws of a fuzz campaign: a cluster size, and protocol option values, each from a list. */
export interface SwarmBounds {
  nodes?: number[];
  options?: Record<string, unknown[]>;
  /** The chance that, once faults stop, one node keeps a link to only one other node. */
  flakyNodePpm?: number;
  /** Latency models, one drawn per seed in place of the network's. */
  latency?: LatencyModel[];
  /** The nemesis's chance of aiming at the leader, one drawn per seed. */
  leaderAimPpm?: number[];
  /** Each seed keeps or drops each of the nemesis's partition shapes (at least one kept). */
  partitionShapes?: boolean;
}

export interface ParseOptions {
  overrides?: ScenarioOverrides;
  /** How `protocol:` is resolved (tests inject a fake protocol). */
  resolveProtocol?: ProtocolResolver;
}

export const DEFAULTS = {
  latency: { kind: 'uniform', minUs: 1_000, maxUs: 10_000 },
  clients: 3,
  keys: DEFAULT_KEYS,
  thinkUs: [0, 10_000],
  requestTimeoutUs: 100_000,
  opTimeoutUs: 1_000_000,
  seed: '1',
  record: 'fuzz',
  checkEveryEvents: 1,
  maxEvents: 50_000_000,
  nemesisIntervalUs: [200_000, 1_000_000],
  nemesisDurationUs: [200_000, 2_000_000],
  clockJumpMaxUs: 500_000,
  clockDriftMaxPpm: 200,
} as const;

/** Read and parse a scenario file. Throws InputError for anything wrong with it. */
export async function loadScenario(path: string, overrides: ScenarioOverrides = {}, options: Omit<ParseOptions, 'overrides'> = {}): Promise<LoadedScenario> {
  let text: string;
  try {
    text = readInputText(path, SCENARIO_MAX_BYTES);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (error as Error).message;
    throw new InputError(path, undefined, undefined, `expected a readable scenario file (${why})`);
  }
  return parseScenario(text, path, { ...options, overrides });
}

/** Parse scenario text; `file` names it in errors and locates module-path protocols. */
export async function parseScenario(text: string, file: string, options: ParseOptions = {}): Promise<LoadedScenario> {
  if (text.trim() === '') throw new InputError(file, 1, undefined, 'expected a scenario (name, protocol, nodes, duration, ...): the file is empty');
  const parsed = YamlSource.parse(text);
  if (!parsed.ok) throw new InputError(file, parsed.error.line ?? 1, parsed.error.field, `expected ${parsed.error.message}`);
  const { source, value } = parsed.value;
  const fail = (path: FieldPath, message: string, atKey = false): InputError =>
    new InputError(file, source.lineOf(path, { key: atKey }) ?? 1, path.length > 0 ? formatPath(path) : undefined, message);

  const checked = scenarioSchema.safeParse(value ?? undefined);
  if (!checked.success) {
    const problems = describeIssues(checked.error.issues, scenarioSchema, value);
    // Report the first problem in file order (a person fixes a file top to bottom).
    const located = problems.map((problem, order) => ({ problem, order, line: source.lineOf(problem.path, { key: problem.atKey }) ?? 1 }));
    located.sort((a, b) => a.line - b.line || a.order - b.order);
    const first = located[0].problem;
    throw fail(first.path, first.message, first.atKey);
  }
  const raw = checked.data;

  const resolver = options.resolveProtocol ?? defaultResolver;
  const resolved = await resolver(raw.protocol, dirname(file));
  if (!resolved.ok) throw fail(['protocol'], `expected ${resolved.error}`);
  const unknownChecks = unknownStandardChecks(resolved.value);
  if (unknownChecks.length > 0) throw fail(['protocol'], `expected a protocol whose checks are standard checkers (${Object.keys(standardChecks).join(', ')}); ${resolved.value.name} names ${unknownChecks.join(', ')}`);
  const protocol = withStandardChecks(resolved.value);

  const loaded = buildScenario(raw, protocol, file, source, fail);
  const overrides = options.overrides ?? {};
  const foreign = (overrides.bugs ?? []).find((bug) => !protocol.bugs.some((b) => b.name === bug));
  if (foreign !== undefined) {
    const elsewhere = await bugElsewhere(foreign, protocol.name);
    if (elsewhere !== undefined) {
      const names = protocol.bugs.map((bug) => bug.name);
      throw new InputError('--bug', undefined, undefined, `expected a bug variant of ${protocol.name}: ${listOrNone(names)} (got ${JSON.stringify(foreign)}, a bug variant of ${elsewhere})`);
    }
  }
  return applyOverrides(loaded, overrides);
}

/** `redlock (fuzz it with scenarios/lock/redlock-nemesis.yaml)`: the built-in protocol that has this bug variant, and its shipped nemesis file. */
async function bugElsewhere(bug: string, except: string): Promise<string | undefined> {
  const owner = (await builtinProtocols()).find((p) => p.name !== except && p.bugs.some((b: { name: string }) => b.name === bug));
  if (owner === undefined) return undefined;
  const files = shippedScenarios(owner.name);
  const nemesis = files.find((f) => /nemesis\.ya?ml$/.test(f)) ?? files.find((f) => f.endsWith(`/${bug}.yaml`));
  return nemesis !== undefined ? `${owner.name} (fuzz it with ${displayPath(nemesis)})` : owner.name;
}

function buildScenario(raw: RawScenario, protocol: AnyProtocol, file: string, source: YamlSource, fail: Fail): LoadedScenario {
  const topology = resolveTopology(raw.nodes, protocol, fail);
  const nodes = topology.nodes;
  const clientCount = raw.clients?.count ?? DEFAULTS.clients;
  const durationUs = raw.duration;

  const refs = new EndpointResolver(topology, clientCount, protocol.createClient !== undefined, fail);

  const faultsStopUs = raw.faultsStop ?? Math.floor((durationUs * 3) / 4);
  if (faultsStopUs > durationUs) throw fail(['faultsStop'], `expected at most the duration (${formatDuration(durationUs)}); faultsStop is ${formatDuration(faultsStopUs)}`);

  const protocolOptions = convertOptions(raw.options ?? {}, ['options'], fail) as Record<string, unknown>;
  const protocolCheckers = checkersWithOptions(protocol, protocolOptions, Object.keys(raw.options ?? {}), fail);

  const bugNames = protocol.bugs.map((bug) => bug.name);
  const scenarioBugs = unique(
    (raw.bugs ?? []).map((bug, index) => {
      if (!bugNames.includes(bug)) throw fail(['bugs', index], `expected a bug variant of ${protocol.name}: ${listOrNone(bugNames)} (got ${JSON.stringify(bug)})`);
      return bug;
    }),
  );

  const network = raw.network ?? {};
  const latency = network.latency !== undefined ? latencyModel(network.latency) : { ...DEFAULTS.latency };
  const cutLinks = (raw: ReadonlyArray<readonly [string, string]>, path: FieldPath) =>
    raw.map(([from, to], index) => {
      const link = [refs.endpoint(from, [...path, index, 0]), refs.endpoint(to, [...path, index, 1])] as const;
      if (link[0] === link[1]) throw fail([...path, index], `expected a link between two different endpoints (got [${from}, ${to}])`);
      return link;
    });
  const cut = cutLinks(network.cut ?? [], ['network', 'cut']);
  let afterFaults: NetworkChange | undefined;
  if (network.afterFaults !== undefined) {
    const after = network.afterFaults;
    afterFaults = {
      ...(after.latency !== undefined ? { latency: latencyModel(after.latency) } : {}),
      ...(after.loss !== undefined ? { lossPpm: after.loss } : {}),
      ...(after.duplicate !== undefined ? { duplicatePpm: after.duplicate } : {}),
      ...(after.cut !== undefined ? { cut: cutLinks(after.cut, ['network', 'afterFaults', 'cut']) } : {}),
    };
  }

  const clients = raw.clients ?? {};
  if (clients.think !== undefined && clients.think[1] > durationUs) {
    throw fail(['clients', 'think'], `expected a think time of at most the duration (${formatDuration(durationUs)}); the max is ${formatDuration(clients.think[1])}`);
  }
  const workload = resolveWorkload(clients, protocol, clientCount, fail);
  // The history checker follows the history's model, which the workload may set (bank, list-append).
  const historyModel = historyModelOf(protocol, workload.generator);
  const available: CheckerNames = { ...protocolCheckers, history: historyCheckerFor(historyModel), all: [...protocolCheckers.invariants, ...protocolCheckers.liveness, historyCheckerFor(historyModel)] };
  let checks: string[] | undefined;
  let historyCheck = true;
  let selected: string[] = available.all;
  if (raw.checkers !== undefined) {
    selected = unique(
      raw.checkers.map((name, index) => {
        if (!available.all.includes(name)) throw fail(['checkers', index], `expected a checker of ${protocol.name}${historyModel !== protocol.model ? ` with the ${historyModel} workload` : ''}: ${available.all.join(', ')} (got ${JSON.stringify(name)})`);
        return name;
      }),
    );
    checks = selected.filter((name) => name !== available.history);
    historyCheck = selected.includes(available.history);
  }
  const linearizability = historyCheck && available.history === LINEARIZABILITY;
  if (clients.stop !== undefined && clients.stop > durationUs) throw fail(['clients', 'stop'], `expected at most the duration (${formatDuration(durationUs)}); stop is ${formatDuration(clients.stop)}`);
  const builtinOnly = (field: 'start' | 'pin') =>
    fail(['clients', field], `expected no clients.${field}: it applies to the kernel's built-in clients, and ${protocol.name} runs client actors of its own`, true);
  if (clients.start !== undefined) {
    if (protocol.createClient !== undefined) throw builtinOnly('start');
    const until = clients.stop ?? durationUs;
    if (clients.start > until) throw fail(['clients', 'start'], `expected at most ${clients.stop !== undefined ? 'clients.stop' : 'the duration'} (${formatDuration(until)}); start is ${formatDuration(clients.start)}`);
  }
  let pin: NodeId[] | undefined;
  if (clients.pin !== undefined) {
    if (protocol.createClient !== undefined) throw builtinOnly('pin');
    const raw = clients.pin;
    if (typeof raw === 'string') pin = Array.from({ length: clientCount }, () => refs.node(raw, ['clients', 'pin']));
    else {
      if (raw.length !== clientCount) throw fail(['clients', 'pin'], `expected one node per client (clients.count: ${clientCount}; got ${raw.length})`);
      pin = raw.map((ref, index) => refs.node(ref, ['clients', 'pin', index]));
    }
  }

  const faults: ScriptedFault[] = (raw.faults ?? []).map((fault, index) => {
    if (fault.at > durationUs) throw fail(['faults', index, 'at'], `expected a time within the duration (${formatDuration(durationUs)}); at is ${formatDuration(fault.at)}`);
    return { atUs: fault.at, action: faultAction(fault, ['faults', index], refs, fail) };
  });
  // Stable: faults at the same time keep their file order.
  const order = faults.map((_, index) => index).sort((a, b) => faults[a].atUs - faults[b].atUs || a - b);
  checkNames(order.map((index) => ({ fault: faults[index], index })), fail);
  faults.sort((a, b) => a.atUs - b.atUs);

  let nemesis: NemesisConfig | undefined;
  if (raw.nemesis !== undefined) {
    const weights: Partial<Record<NemesisKind, number>> = {};
    for (const [kind, weight] of Object.entries(raw.nemesis.faults)) {
      if (weight !== undefined) weights[kind as NemesisKind] = weight;
    }
    if (!Object.values(weights).some((weight) => weight > 0)) throw fail(['nemesis', 'faults'], 'expected at least one fault kind with a weight above 0');
    const byRole = typeof raw.nemesis.maxCrashed === 'object' ? raw.nemesis.maxCrashed : undefined;
    const maxCrashed = typeof raw.nemesis.maxCrashed === 'number' ? raw.nemesis.maxCrashed : Math.floor((nodes - 1) / 2);
    if (maxCrashed > nodes) throw fail(['nemesis', 'maxCrashed'], `expected at most the node count (${nodes}); got ${maxCrashed}`);
    for (const role of Object.keys(byRole ?? {})) refs.role(role, ['nemesis', 'maxCrashed', role]);
    const targetRoles = raw.nemesis.targets?.map((role, index) => refs.role(role, ['nemesis', 'targets', index]));
    let partitionShapes: NemesisConfig['partitionShapes'];
    if (raw.nemesis.partitions !== undefined) {
      partitionShapes = {};
      for (const [shape, weight] of Object.entries(raw.nemesis.partitions)) if (weight !== undefined) partitionShapes[shape as PartitionShape] = weight;
      if (!Object.values(partitionShapes).some((weight) => weight > 0)) throw fail(['nemesis', 'partitions'], 'expected at least one partition shape with a weight above 0');
    }
    nemesis = {
      weights,
      intervalUs: raw.nemesis.interval ?? DEFAULTS.nemesisIntervalUs,
      durationUs: raw.nemesis.duration ?? DEFAULTS.nemesisDurationUs,
      maxCrashed,
      ...(byRole ? { maxCrashedByRole: byRole } : {}),
      ...(targetRoles ? { targetRoles: unique(targetRoles) } : {}),
      clockJumpMaxUs: raw.nemesis.clockJumpMax ?? DEFAULTS.clockJumpMaxUs,
      clockDriftMaxPpm: raw.nemesis.clockDriftMax ?? DEFAULTS.clockDriftMaxPpm,
      ...(raw.nemesis.delayMax !== undefined ? { delayMaxUs: raw.nemesis.delayMax } : {}),
      ...(raw.nemesis.jitterMax !== undefined ? { jitterMaxUs: raw.nemesis.jitterMax } : {}),
      ...(raw.nemesis.leaderAim !== undefined ? { leaderAimPpm: raw.nemesis.leaderAim } : {}),
      ...(partitionShapes !== undefined ? { partitionShapes } : {}),
    };
  }

  const seed = raw.seed === undefined ? DEFAULTS.seed : typeof raw.seed === 'string' ? raw.seed : (source.scalarSource(['seed']) ?? String(raw.seed));

  const config: SimConfig = {
    protocol,
    protocolOptions,
    nodes,
    ...(topology.declared.length > 1 || topology.roles.some((r) => r.length > 1) ? { roles: topology.roles } : {}),
    seed,
    durationUs,
    faultsStopUs,
    network: { latency, lossPpm: network.loss ?? 0, duplicatePpm: network.duplicate ?? 0, cut, ...(afterFaults ? { afterFaults } : {}) },
    storage: { loseUnsyncedOnCrash: raw.storage?.loseUnsyncedOnCrash ?? false },
    clients: {
      clients: clientCount,
      generator: workload.generator,
      workload: workload.options,
      thinkUs: clients.think ?? DEFAULTS.thinkUs,
      requestTimeoutUs: clients.requestTimeout ?? DEFAULTS.requestTimeoutUs,
      opTimeoutUs: clients.opTimeout ?? DEFAULTS.opTimeoutUs,
      ...(clients.stop !== undefined ? { stopUs: clients.stop } : {}),
      ...(clients.start !== undefined ? { startUs: clients.start } : {}),
      ...(clients.ops !== undefined ? { opsPerClient: clients.ops } : {}),
      ...(pin !== undefined ? { pin } : {}),
    },
    faults,
    ...(nemesis ? { nemesis } : {}),
    bugs: [...scenarioBugs],
    ...(checks ? { checks } : {}),
    record: raw.record ?? DEFAULTS.record,
    checkEveryEvents: raw.checkEvery ?? DEFAULTS.checkEveryEvents,
    maxEvents: raw.maxEvents ?? DEFAULTS.maxEvents,
    exploreTies: raw.exploreTies ?? false,
    ...(raw.streams !== undefined ? { streams: { ...raw.streams } } : {}),
    ...(raw.buggify ? { buggify: true } : {}),
  };

  let swarm: SwarmBounds | undefined;
  if (raw.swarm !== undefined) {
    swarm = {};
    if (raw.swarm.nodes !== undefined) {
      if (topology.declared.length > 1) throw fail(['swarm', 'nodes'], `expected no drawn cluster size for ${protocol.name}: it has roles ${topology.declared.join(', ')}, set nodes per role instead`);
      swarm.nodes = unique(raw.swarm.nodes);
    }
    if (raw.swarm.flakyNode !== undefined) swarm.flakyNodePpm = raw.swarm.flakyNode;
    if (raw.swarm.latency !== undefined) swarm.latency = raw.swarm.latency.map(latencyModel);
    if ((raw.swarm.leaderAim !== undefined || raw.swarm.partitionShapes) && raw.nemesis === undefined) {
      throw fail(['swarm', raw.swarm.leaderAim !== undefined ? 'leaderAim' : 'partitionShapes'], 'expected a scenario with a nemesis (these draw the nemesis\'s knobs)');
    }
    if (raw.swarm.leaderAim !== undefined) swarm.leaderAimPpm = raw.swarm.leaderAim;
    if (raw.swarm.partitionShapes) swarm.partitionShapes = true;
    if (raw.swarm.options !== undefined) {
      swarm.options = {};
      for (const [key, values] of Object.entries(raw.swarm.options)) {
        const converted = values.map((value, index) => convertOptions(value, ['swarm', 'options', key, index], fail));
        // Each value must be one the protocol accepts.
        converted.forEach((value) => checkersWithOptions(protocol, { ...protocolOptions, [key]: value }, [key], (path, message) => fail(['swarm', ...path], message)));
        swarm.options[key] = converted;
      }
    }
  }

  return {
    file,
    name: raw.name ?? basename(file, extname(file)),
    description: raw.description,
    protocolRef: raw.protocol,
    protocol,
    config,
    scenarioBugs,
    checkers: selected,
    linearizability,
    historyModel,
    historyChecker: historyCheck ? available.history : undefined,
    available,
    ...(swarm ? { swarm } : {}),
  };
}

/**
 * Apply command-line overrides (seed, extra bugs, record level) to a loaded scenario.
 * Errors name the flag: `--bug: expected a bug variant of raft: ...`.
 */
export function applyOverrides(loaded: LoadedScenario, overrides: ScenarioOverrides): LoadedScenario {
  const config = { ...loaded.config };
  if (overrides.seed !== undefined) {
    if (overrides.seed.trim() === '') throw new InputError('--seed', undefined, undefined, 'expected a non-empty seed');
    config.seed = overrides.seed;
  }
  if (overrides.bugs !== undefined && overrides.bugs.length > 0) {
    const bugNames = loaded.protocol.bugs.map((bug) => bug.name);
    for (const bug of overrides.bugs) {
      if (!bugNames.includes(bug)) {
        throw new InputError('--bug', undefined, undefined, `expected a bug variant of ${loaded.protocol.name}: ${listOrNone(bugNames)} (got ${JSON.stringify(bug)})`);
      }
    }
    config.bugs = unique([...config.bugs, ...overrides.bugs]);
  }
  if (overrides.record !== undefined) config.record = overrides.record;
  return { ...loaded, config };
}

/** Bug variants in effect that the scenario file does not set itself (what a replay must pass as --bug). */
export function extraBugs(loaded: LoadedScenario): string[] {
  return loaded.config.bugs.filter((bug) => !loaded.scenarioBugs.includes(bug));
}

/** Protocol options pass through, except that every duration string (also inside lists and mappings) becomes integer microseconds. */
function convertOptions(value: unknown, path: FieldPath, fail: Fail): unknown {
  if (typeof value === 'string' && looksLikeDuration(value)) {
    const parsed = parseDuration(value, { allowNegative: true });
    if (!parsed.ok) throw fail(path, `expected ${parsed.error}`);
    return parsed.value;
  }
  if (Array.isArray(value)) return value.map((item, index) => convertOptions(item, [...path, index], fail));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, convertOptions(item, [...path, key], fail)]));
  }
  return value;
}

/**
 * Instantiating the protocol's checkers with the scenario's options is also where a protocol
 * first reads them: an error thrown there (other than an assertion) is bad input in `options`.
 */
function checkersWithOptions(protocol: AnyProtocol, options: Record<string, unknown>, keys: readonly string[], fail: Fail): CheckerNames {
  try {
    return checkerNames(protocol, options);
  } catch (error) {
    if (error instanceof AssertionError || !(error instanceof Error)) throw error;
    const key = keys.find((k) => new RegExp(`(^|[^\\w-])${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`).test(error.message));
    throw fail(key !== undefined ? ['options', key] : ['options'], `expected options that ${protocol.name} accepts: ${error.message}`);
  }
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function listOrNone(names: readonly string[]): string {
  return names.length > 0 ? names.join(', ') : '(none: this protocol ships no bug variants)';
}
