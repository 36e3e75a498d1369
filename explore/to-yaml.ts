// A SimConfig written back as a scenario file (the format scenario/load.ts reads): what
// `shrink` leaves behind for a person to read and run with `faultline run`. Durations are
// unit strings (`150ms`), probabilities percent strings (`0.5%`), nodes n1.., clients c1..;
// faults one flow mapping per line. Reading the text back gives an equal SimConfig.
import { DEFAULTS } from '../scenario/load.js';
import { CONSERVATION, LINEARIZABILITY, SERIALIZABILITY } from '../scenario/registry.js';
import { PARTITION_SHAPES, type BaseLatencyModel, type FaultAction, type LatencyModel, type LinkSet, type NemesisKind, type NodeTarget, type ScriptedFault, type SimConfig } from '../sim/config.js';
import { assertNever, protocolRoles } from '../sim/types.js';
import { compareStrings } from './swarm.js';
import { durationText, endpointName, formatPercent } from './units-text.js';

export interface YamlMeta {
  name: string;
  description?: string;
  /** The `protocol:` value: a built-in name, or a module path relative to the file being written. */
  protocolRef: string;
  /** Checkers that run (LoadedScenario.checkers). Written only when they are not all the protocol offers. */
  checkers?: readonly string[];
  /** False when linearizability is not checked (then `checkers:` must be written). */
  linearizability?: boolean;
  /**
   * The history checker that runs (LoadedScenario.historyChecker: linearizability,
   * serializability or conservation), or null when none does. Wins over `linearizability`.
   */
  historyChecker?: string | null;
  /** Comment lines for the top of the file (without `# `). */
  comments?: readonly string[];
}

/** The scenario text for a config. */
export function toYaml(config: SimConfig, meta: YamlMeta): string {
  const lines: string[] = [];
  for (const c of meta.comments ?? []) lines.push(`# ${c}`.trimEnd());
  const field = (key: string, value: string) => lines.push(`${key}: ${value}`);
  const nodes = config.nodes;
  const ep = (e: number) => endpointName(e, nodes);
  const target = (t: NodeTarget) => targetText(t, ep);

  field('name', scalar(meta.name));
  if (meta.description !== undefined) field('description', scalar(meta.description));
  field('protocol', scalar(meta.protocolRef));
  if (Object.keys(config.protocolOptions).length > 0) field('options', flow(config.protocolOptions, ''));
  field('nodes', nodesText(config));
  field('seed', seedText(config.seed));
  field('duration', durationText(config.durationUs));
  field('faultsStop', durationText(config.faultsStopUs));

  const net = config.network;
  const network = [`latency: ${latencyText(net.latency)}`, `loss: ${formatPercent(net.lossPpm)}`, `duplicate: ${formatPercent(net.duplicatePpm)}`];
  const cutText = (cut: ReadonlyArray<readonly [number, number]>) => `[${cut.map(([f, t]) => `[${ep(f)}, ${ep(t)}]`).join(', ')}]`;
  if (net.cut.length > 0) network.push(`cut: ${cutText(net.cut)}`);
  const after = net.afterFaults;
  if (after !== undefined) {
    const change = [
      ...(after.latency !== undefined ? [`latency: ${latencyText(after.latency)}`] : []),
      ...(after.lossPpm !== undefined ? [`loss: ${formatPercent(after.lossPpm)}`] : []),
      ...(after.duplicatePpm !== undefined ? [`duplicate: ${formatPercent(after.duplicatePpm)}`] : []),
      ...(after.cut !== undefined ? [`cut: ${cutText(after.cut)}`] : []),
    ];
    network.push(`afterFaults: ${change.length > 0 ? `{ ${change.join(', ')} }` : '{}'}`);
  }
  field('network', `{ ${network.join(', ')} }`);
  field('storage', `{ loseUnsyncedOnCrash: ${config.storage.loseUnsyncedOnCrash} }`);

  const c = config.clients;
  const clients = [
    `count: ${c.clients}`,
    ...(c.generator !== undefined ? [`workload: ${scalar(c.generator.name)}`] : []),
    `keys: ${c.workload.keyCount}`,
    `mix: ${flow(c.workload.mix, '')}`,
    `think: [${durationText(c.thinkUs[0])}, ${durationText(c.thinkUs[1])}]`,
    `requestTimeout: ${durationText(c.requestTimeoutUs)}`,
    `opTimeout: ${durationText(c.opTimeoutUs)}`,
  ];
  if (c.stopUs !== undefined) clients.push(`stop: ${durationText(c.stopUs)}`);
  if (c.startUs !== undefined) clients.push(`start: ${durationText(c.startUs)}`);
  if (c.opsPerClient !== undefined) clients.push(`ops: ${c.opsPerClient}`);
  if (c.pin !== undefined) clients.push(`pin: [${c.pin.map(ep).join(', ')}]`);
  if (c.workload.params !== undefined && Object.keys(c.workload.params).length > 0) clients.push(`params: ${flow(c.workload.params, '')}`);
  field('clients', `{ ${clients.join(', ')} }`);

  if (config.faults.length > 0) {
    lines.push('faults:');
    // Stable by time, as the loader sorts them.
    const faults = config.faults.map((f, i) => ({ f, i })).sort((a, b) => a.f.atUs - b.f.atUs || a.i - b.i);
    for (const { f } of faults) lines.push(`  - ${faultText(f, ep, target)}`);
  } else {
    field('faults', '[]');
  }

  const nem = config.nemesis;
  if (nem !== undefined) {
    const kinds = (Object.keys(nem.weights) as NemesisKind[]).sort(compareStrings);
    const weights = kinds.map((k) => `${scalar(k)}: ${nem.weights[k] ?? 0}`).join(', ');
    const parts = [
      `faults: { ${weights} }`,
      `interval: [${durationText(nem.intervalUs[0])}, ${durationText(nem.intervalUs[1])}]`,
      `duration: [${durationText(nem.durationUs[0])}, ${durationText(nem.durationUs[1])}]`,
      `maxCrashed: ${nem.maxCrashedByRole !== undefined ? flow(nem.maxCrashedByRole, '') : nem.maxCrashed}`,
      ...(nem.targetRoles !== undefined ? [`targets: [${nem.targetRoles.map(scalar).join(', ')}]`] : []),
      `clockJumpMax: ${durationText(nem.clockJumpMaxUs)}`,
      `clockDriftMax: ${nem.clockDriftMaxPpm}`,
      ...(nem.delayMaxUs !== undefined ? [`delayMax: ${durationText(nem.delayMaxUs)}`] : []),
      ...(nem.jitterMaxUs !== undefined ? [`jitterMax: ${durationText(nem.jitterMaxUs)}`] : []),
      ...(nem.leaderAimPpm !== undefined ? [`leaderAim: ${formatPercent(nem.leaderAimPpm)}`] : []),
      ...(nem.partitionShapes !== undefined ? [`partitions: { ${PARTITION_SHAPES.filter((k) => nem.partitionShapes![k] !== undefined).map((k) => `${k}: ${nem.partitionShapes![k]}`).join(', ')} }`] : []),
    ];
    field('nemesis', `{ ${parts.join(', ')} }`);
  }
  if (config.bugs.length > 0) field('bugs', `[${config.bugs.map(scalar).join(', ')}]`);
  const checkers = checkersToWrite(config, meta);
  if (checkers !== undefined) field('checkers', `[${checkers.map(scalar).join(', ')}]`);
  if (config.record !== DEFAULTS.record) field('record', config.record);
  if (config.checkEveryEvents !== DEFAULTS.checkEveryEvents) field('checkEvery', String(config.checkEveryEvents));
  if (config.maxEvents !== DEFAULTS.maxEvents) field('maxEvents', String(config.maxEvents));
  if (config.exploreTies) field('exploreTies', 'true');
  if (config.buggify) field('buggify', 'true');
  if (config.streams !== undefined) {
    const parts: string[] = [];
    if (config.streams.base !== undefined) parts.push(`base: ${scalar(config.streams.base)}`);
    if (config.streams.reseed !== undefined) parts.push(`reseed: { ${Object.entries(config.streams.reseed).map(([k, v]) => `${scalar(k)}: ${scalar(v)}`).join(', ')} }`);
    field('streams', `{ ${parts.join(', ')} }`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `nodes:` as the loader reads it: a count for a protocol of one role, else a count per
 * role (roles a node shares joined by +), every declared role written, even at 0, so that
 * no default count creeps in when the file is read back.
 */
function nodesText(config: SimConfig): string {
  const declared = protocolRoles(config.protocol).map((r) => r.name);
  if (config.roles === undefined) return String(config.nodes);
  const counts = new Map<string, number>();
  for (const roles of config.roles) counts.set(roles.join('+'), (counts.get(roles.join('+')) ?? 0) + 1);
  const played = new Set(config.roles.flat());
  for (const role of declared) if (!played.has(role)) counts.set(role, 0);
  return `{ ${[...counts].map(([key, n]) => `${scalar(key)}: ${n}`).join(', ')} }`;
}

const HISTORY_CHECKERS: readonly string[] = [LINEARIZABILITY, SERIALIZABILITY, CONSERVATION];

function checkersToWrite(config: SimConfig, meta: YamlMeta): string[] | undefined {
  const history = meta.historyChecker !== undefined ? meta.historyChecker : (meta.linearizability ?? true) ? LINEARIZABILITY : null;
  if (config.checks === undefined && history !== null) return undefined;
  const named = config.checks ?? (meta.checkers ?? []).filter((name) => !HISTORY_CHECKERS.includes(name));
  return history !== null ? [...named, history] : [...named];
}

function latencyText(l: LatencyModel): string {
  if (l.kind === 'mixture') return `{ mixture: [${l.components.map((c) => `{ weight: ${c.weight}, ${latencyEntry(c.model)} }`).join(', ')}] }`;
  return `{ ${latencyEntry(l)} }`;
}

/** The `key: value` of one latency model, as inside its mapping. */
function latencyEntry(l: BaseLatencyModel): string {
  switch (l.kind) {
    case 'fixed':
      return `fixed: ${durationText(l.us)}`;
    case 'uniform':
      return `uniform: [${durationText(l.minUs)}, ${durationText(l.maxUs)}]`;
    case 'exponential':
      return `exponential: { min: ${durationText(l.minUs)}, mean: ${durationText(l.meanUs)}, max: ${durationText(l.maxUs)} }`;
    case 'pareto':
      return `pareto: { min: ${durationText(l.minUs)}, alpha: ${milliText(l.alphaMilli)}, max: ${durationText(l.maxUs)} }`;
    default:
      return assertNever(l, 'latency model');
  }
}

/** Thousandths as an exact decimal: 1500 -> `1.5`, 2000 -> `2`, 1 -> `0.001`. */
function milliText(milli: number): string {
  const whole = Math.floor(milli / 1000);
  const rest = milli % 1000;
  return rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(3, '0').replace(/0+$/, '')}`;
}

function faultText(f: ScriptedFault, ep: (e: number) => string, target: (t: NodeTarget) => string): string {
  const a: FaultAction = f.action;
  const parts = faultFields(a, f.atUs, ep, target);
  if ('as' in a && a.as !== undefined) parts.push(`as: ${scalar(a.as)}`);
  return `{ ${parts.join(', ')} }`;
}

/** A fault's fields as `key: value` texts, in the order a person writes them. */
function faultFields(a: FaultAction, atUs: number, ep: (e: number) => string, target: (t: NodeTarget) => string): string[] {
  const parts = [`at: ${durationText(atUs)}`, `kind: ${a.kind}`];
  const list = (xs: readonly number[]) => `[${xs.map(ep).join(', ')}]`;
  switch (a.kind) {
    case 'partition':
      parts.push(`groups: [${a.groups.map(list).join(', ')}]`);
      break;
    case 'partition-halves':
    case 'partition-majority':
    case 'bridge':
      break;
    case 'heal':
      if (a.node !== undefined) parts.push(`node: ${target(a.node)}`);
      if (a.links !== undefined) parts.push(`links: ${linksText(a.links, list)}`);
      break;
    case 'isolate':
    case 'crash':
      parts.push(`node: ${target(a.node)}`);
      break;
    case 'restart':
      parts.push(`node: ${a.node === 'all' ? 'all' : target(a.node)}`);
      break;
    case 'one-way':
      parts.push(`from: ${list(a.from)}`, `to: ${list(a.to)}`);
      break;
    case 'crash-restart':
      parts.push(`node: ${target(a.node)}`, `down: ${durationText(a.downUs)}`);
      break;
    case 'clock-offset':
      parts.push(`node: ${target(a.node)}`, `offset: ${durationText(a.offsetUs)}`);
      break;
    case 'clock-jump':
      parts.push(`node: ${target(a.node)}`, `by: ${durationText(a.byUs)}`);
      break;
    case 'clock-drift':
      parts.push(`node: ${target(a.node)}`, `drift: ${a.driftPpm}`);
      break;
    case 'pause':
      parts.push(`node: ${target(a.node)}`, `duration: ${durationText(a.durationUs)}`);
      break;
    case 'delay-burst':
      if (a.links !== undefined) parts.push(`links: ${linksText(a.links, list)}`);
      parts.push(`delay: ${durationText(a.delayUs)}`, `duration: ${durationText(a.durationUs)}`);
      break;
    case 'reorder-burst':
      if (a.links !== undefined) parts.push(`links: ${linksText(a.links, list)}`);
      parts.push(`jitter: ${durationText(a.jitterUs)}`, `duration: ${durationText(a.durationUs)}`);
      break;
    case 'loss-burst':
      parts.push(`loss: ${formatPercent(a.lossPpm)}`, `duration: ${durationText(a.durationUs)}`);
      break;
    default:
      assertNever(a, 'fault');
  }
  return parts;
}

/** A fault target as the loader reads it: n1, leader, random:backup, all:client, leader+2, leader-minority, random-3:backup. */
function targetText(t: NodeTarget, ep: (e: number) => string): string {
  if (typeof t === 'number') return ep(t);
  if (typeof t === 'string') return t;
  if ('ref' in t) return `$${t.ref}`;
  if ('group' in t) {
    switch (t.group) {
      case 'leader-plus':
        return `leader+${t.k}`;
      case 'leader-minority':
        return 'leader-minority';
      case 'random':
        return `random-${t.k}${t.role !== undefined ? `:${t.role}` : ''}`;
      default:
        return assertNever(t, 'group target');
    }
  }
  return `${t.all ? 'all' : 'random'}:${t.role}`;
}

function linksText(links: LinkSet, list: (xs: readonly number[]) => string): string {
  return `{ from: ${list(links.from)}, to: ${list(links.to)}${links.both ? ', both: true' : ''} }`;
}

/** Seeds that are plain integers stay plain (the loader keeps their source text); others are quoted. */
function seedText(seed: string): string {
  return /^(0|[1-9]\d{0,14})$/.test(seed) ? seed : JSON.stringify(seed);
}

const RESERVED = /^(true|false|yes|no|on|off|null|y|n|~)$/i;

/** A string as a YAML scalar: plain when that reads back as the same string, else double-quoted (JSON is valid YAML). */
export function scalar(text: string): string {
  if (/^[A-Za-z_][\w.\-/]*$/.test(text) && !RESERVED.test(text)) return text;
  return JSON.stringify(text);
}

/**
 * A JSON-like value as flow YAML. Numbers under a key ending in `Us` (and lists of them)
 * are written as durations, the form the loader converts back to the same microseconds.
 */
function flow(value: unknown, key: string): string {
  if (typeof value === 'number') return key.endsWith('Us') && Number.isSafeInteger(value) ? durationText(value) : String(value);
  if (typeof value === 'string') return scalar(value);
  if (typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => flow(v, key)).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${scalar(k)}: ${flow(v, k)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(String(value));
}
