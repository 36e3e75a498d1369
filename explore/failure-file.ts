// Failure files: one JSON file per failing seed, everything needed to reproduce it without
// the campaign (the scenario text as it was, the seed, the knobs, faultline's version) and
// what was seen (violations, hash, a history excerpt). Written to a temporary name and
// renamed, so a campaign killed midway leaves only whole files.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import * as z from 'zod';
import { InputError } from '../scenario/errors.js';
import { readInputText, SCENARIO_MAX_BYTES } from '../scenario/read-input.js';
import { checkerNames } from '../scenario/registry.js';
import { MAX_DURATION_US, NEMESIS_KINDS } from '../scenario/schema.js';
import { describeValue } from '../scenario/units.js';
import { DRIFT_MAX_PPM } from '../sim/clock.js';
import { canonicalJson } from '../sim/hash.js';
import { PARTITION_SHAPES, type FaultAction, type NodeTarget, type ScriptedFault } from '../sim/config.js';
import { AssertionError, PPM } from '../sim/types.js';
import { jsonSafe } from '../scenario/json-safe.js';
import { parseScenario, type LoadedScenario } from '../scenario/load.js';
import { displayPath } from '../scenario/registry.js';
import { shellQuote } from '../scenario/shell.js';
import type { SeedOutcome, ViolationRecord } from './execute.js';
import { seedScenario } from './execute.js';
import type { SwarmKnobs } from './swarm.js';
import { knobsText } from './swarm.js';
import { writeOutputSync } from './write-output.js';

export const FAILURE_FORMAT = 'faultline-failure/1';

/** The kernel's fault action kinds (sim/config.ts FaultAction), as failure files store them. */
export const FAULT_ACTION_KINDS = ['partition', 'partition-halves', 'partition-majority', 'bridge', 'isolate', 'one-way', 'heal', 'crash', 'restart', 'crash-restart', 'clock-offset', 'clock-jump', 'clock-drift', 'pause', 'delay-burst', 'reorder-burst', 'loss-burst'] as const satisfies ReadonlyArray<FaultAction['kind']>;

export interface FailureFile {
  format: typeof FAILURE_FORMAT;
  /** faultline's version (package.json) that found it. */
  faultline: string;
  scenario: {
    /** As the user named it. */
    path: string;
    absolutePath: string;
    name: string;
    protocol: string;
    /** The scenario file's text when the campaign ran: replay and shrink use this, not the file as it is now. */
    text: string;
  };
  seed: string;
  /** Every bug variant in effect, and those given with --bug (not in the file). */
  bugs: string[];
  extraBugs: string[];
  swarm: boolean;
  knobs?: SwarmKnobs;
  knobsText?: string;
  verdict: 'fail' | 'error';
  violations: ViolationRecord[];
  error?: { message: string; stack?: string };
  hash: string;
  events: number;
  simulatedUs: number;
  historyExcerpt: unknown[];
  replay: string;
  shrink: string;
  /**
   * A digest of what makes the run and what it gave (scenario text, seed, bugs, knobs, hash,
   * version): a file edited by hand since faultline wrote it no longer matches, and its replay
   * is then a different run, whose other hash is not faultline's bug.
   */
  inputs?: string;
}

const violationSchema = z.object({
  kind: z.string(),
  checker: z.string(),
  message: z.string(),
  atUs: z.number(),
  event: z.number(),
  node: z.string().optional(),
  stack: z.string().optional(),
});
// Knobs as a campaign draws them: a hand-edited file is held to the bounds a scenario is.
const rangeError = (noun: string) => (issue: { input?: unknown }) => `${noun} (got ${describeValue(issue.input)})`;
const ranged = (min: number, max: number, noun: string) => {
  const error = rangeError(`${noun}, ${min}..${max}`);
  return z.int({ error }).min(min, { error }).max(max, { error });
};
const ppm = () => ranged(0, PPM, 'a probability in ppm');
const micros = () => ranged(0, MAX_DURATION_US, 'a duration in microseconds');
const weights = <K extends string>(keys: readonly K[], noun: string) =>
  z.strictObject(Object.fromEntries(keys.map((key) => [key, ranged(0, 1_000_000, 'a weight').optional()])) as Record<K, z.ZodOptional<ReturnType<typeof ranged>>>, {
    error: rangeError(`a mapping of ${noun} weights (${keys.join(', ')})`),
  });
const microsRange = (interval: boolean) =>
  z.tuple([micros(), micros()], { error: rangeError('a pair [min, max] of microseconds') }).superRefine(([min, max], ctx) => {
    if (min > max) ctx.addIssue({ code: 'custom', message: `a pair [min, max] with min <= max (got [${min}, ${max}])` });
    else if (interval && max === 0) ctx.addIssue({ code: 'custom', message: 'an interval [min, max] with max above 0 (got [0, 0]: faults forever at one instant)' });
  });
// Guided mutants' extra faults, as the kernel takes them (explore/guided.ts writes them): every
// kind and field held to what the scenario schema allows, indices checked against the stored
// scenario's cluster in checkFaults.
const signedMicros = () => ranged(-MAX_DURATION_US, MAX_DURATION_US, 'a signed duration in microseconds');
const positiveMicros = () => ranged(1, MAX_DURATION_US, 'a duration in microseconds above 0');
const endpoint = () => ranged(0, 1_999, 'a node or client index');
const endpointList = () => z.array(endpoint(), { error: rangeError('a list of node or client indices') }).min(1, { error: rangeError('a list of at least one node or client index') });
const name = () => z.string({ error: rangeError('a name like a or leader_1') }).regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, { error: rangeError('a name like a or leader_1 (letters, digits, _ and -)') });
const role = () => z.string({ error: rangeError('a role name') }).regex(/^[a-z][a-z0-9-]*$/, { error: rangeError('a role name') });
const TARGET_NOUN = 'a node target: a node index, "leader", "random", { role, all? }, { group: leader-plus | leader-minority | random, k? }, or { ref }';
const nodeTargetSchema = z.union(
  [
    endpoint(),
    z.enum(['leader', 'random']),
    z.strictObject({ role: role(), all: z.boolean().optional() }),
    z.strictObject({ group: z.literal('leader-plus'), k: ranged(0, 999, 'a node count') }),
    z.strictObject({ group: z.literal('leader-minority') }),
    z.strictObject({ group: z.literal('random'), k: ranged(1, 1_000, 'a node count'), role: role().optional() }),
    z.strictObject({ ref: name() }),
  ],
  { error: rangeError(TARGET_NOUN) },
);
const linkSetSchema = z.strictObject({ from: endpointList(), to: endpointList(), both: z.boolean().optional() }, { error: rangeError('links { from, to, both? }') });
const action = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) => z.strictObject({ kind: z.literal(kind), ...shape }, { error: rangeError(`a ${kind} fault action with only its own fields`) });
export const faultActionSchema = z.discriminatedUnion(
  'kind',
  [
    action('partition', { groups: z.array(endpointList(), { error: rangeError('a list of groups of node or client indices') }).min(1) }),
    action('partition-halves', {}),
    action('partition-majority', {}),
    action('bridge', {}),
    action('isolate', { node: nodeTargetSchema, as: name().optional() }),
    action('one-way', { from: endpointList(), to: endpointList() }),
    action('heal', { node: nodeTargetSchema.optional(), links: linkSetSchema.optional() }),
    action('crash', { node: nodeTargetSchema, as: name().optional() }),
    action('restart', { node: z.union([z.literal('all'), nodeTargetSchema], { error: rangeError(`"all" or ${TARGET_NOUN}`) }), as: name().optional() }),
    action('crash-restart', { node: nodeTargetSchema, downUs: positiveMicros(), as: name().optional() }),
    action('clock-offset', { node: nodeTargetSchema, offsetUs: signedMicros(), as: name().optional() }),
    action('clock-jump', { node: nodeTargetSchema, byUs: signedMicros(), as: name().optional() }),
    action('clock-drift', { node: nodeTargetSchema, driftPpm: ranged(-DRIFT_MAX_PPM, DRIFT_MAX_PPM, 'a clock drift in ppm'), as: name().optional() }),
    action('pause', { node: nodeTargetSchema, durationUs: positiveMicros(), as: name().optional() }),
    action('delay-burst', { links: linkSetSchema.optional(), delayUs: positiveMicros(), durationUs: positiveMicros() }),
    action('reorder-burst', { links: linkSetSchema.optional(), jitterUs: positiveMicros(), durationUs: positiveMicros() }),
    action('loss-burst', { lossPpm: ppm(), durationUs: positiveMicros() }),
  ],
  { error: rangeError(`a fault action whose kind is one of ${FAULT_ACTION_KINDS.join(', ')}`) },
);
const knobsSchema = z.object({
  lossPpm: ppm(),
  duplicatePpm: ppm(),
  nemesis: z
    .object({
      weights: weights(NEMESIS_KINDS, 'nemesis fault'),
      intervalUs: microsRange(true),
      durationUs: microsRange(false),
      maxCrashed: ranged(0, 1_000, 'a node count'),
      clockJumpMaxUs: micros(),
      clockDriftMaxPpm: ranged(0, DRIFT_MAX_PPM, 'a clock drift in ppm'),
      leaderAimPpm: ppm().optional(),
      partitionShapes: weights(PARTITION_SHAPES, 'partition shape').optional(),
    })
    .optional(),
  nodes: ranged(1, 1_000, 'a node count').optional(),
  flaky: z.object({ node: ranged(0, 999, 'a node index'), keeps: z.array(ranged(0, 999, 'a node index')) }).optional(),
  latency: z.looseObject({ kind: z.string() }).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  // Guided mutants: extra scripted faults (kernel fault actions, as JSON) and stream overrides.
  faults: z.array(z.strictObject({ atUs: micros(), action: faultActionSchema }, { error: rangeError('a scripted fault { atUs, action }') }), { error: rangeError('a list of scripted faults') }).optional(),
  streams: z.object({ base: z.string().optional(), reseed: z.record(z.string(), z.string()).optional() }).optional(),
});
const failureSchema = z.object({
  format: z.literal(FAILURE_FORMAT),
  faultline: z.string(),
  scenario: z.object({ path: z.string(), absolutePath: z.string(), name: z.string(), protocol: z.string(), text: z.string() }),
  seed: z.string().min(1),
  bugs: z.array(z.string()),
  extraBugs: z.array(z.string()),
  swarm: z.boolean(),
  knobs: knobsSchema.optional(),
  knobsText: z.string().optional(),
  verdict: z.enum(['fail', 'error']),
  violations: z.array(violationSchema),
  error: z.object({ message: z.string(), stack: z.string().optional() }).optional(),
  hash: z.string(),
  events: z.number(),
  simulatedUs: z.number(),
  historyExcerpt: z.array(z.unknown()),
  replay: z.string(),
  shrink: z.string(),
  inputs: z.string().optional(),
});

export interface FailureContext {
  loaded: LoadedScenario;
  /** The scenario file's text. */
  text: string;
  extraBugs: readonly string[];
  swarm: boolean;
  version: string;
  outDir: string;
}

/** `<scenario>[--<bugs>]--seed-<seed>.json`: one file per scenario, bug set and seed. */
export function failureFileName(name: string, extraBugs: readonly string[], seed: string): string {
  const slug = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-');
  const bugs = extraBugs.length > 0 ? `--${extraBugs.map(slug).join('+')}` : '';
  return `${slug(name)}${bugs}--seed-${slug(seed)}.json`;
}

export function buildFailure(ctx: FailureContext, outcome: SeedOutcome, path: string): FailureFile {
  const shown = shellQuote(displayPath(path));
  // Key order is reading order: what failed and how to reproduce it first, the scenario text last.
  const file: FailureFile = {
    format: FAILURE_FORMAT,
    faultline: ctx.version,
    seed: outcome.seed,
    verdict: outcome.verdict === 'error' ? 'error' : 'fail',
    violations: outcome.violations,
    ...(outcome.error ? { error: outcome.error } : {}),
    replay: `faultline replay ${shown}`,
    shrink: `faultline shrink ${shown}`,
    hash: outcome.hash,
    events: outcome.events,
    simulatedUs: outcome.simulatedUs,
    bugs: [...new Set([...ctx.loaded.config.bugs, ...ctx.extraBugs])],
    extraBugs: [...ctx.extraBugs],
    swarm: ctx.swarm,
    ...(outcome.knobs ? { knobsText: knobsText(outcome.knobs), knobs: outcome.knobs } : {}),
    scenario: {
      path: ctx.loaded.file,
      absolutePath: resolve(ctx.loaded.file),
      name: ctx.loaded.name,
      protocol: ctx.loaded.protocol.name,
      text: ctx.text,
    },
    historyExcerpt: outcome.historyExcerpt ?? [],
  };
  file.inputs = inputsDigest(JSON.parse(JSON.stringify(file, jsonSafe)) as FailureFile);
  return file;
}

/** The digest of a failure file's run-defining fields, as stored (see FailureFile.inputs). */
export function inputsDigest(f: FailureFile): string {
  const defining = { faultline: f.faultline, text: f.scenario.text, seed: f.seed, bugs: f.bugs, extraBugs: f.extraBugs, swarm: f.swarm, knobs: f.knobs ?? null, hash: f.hash };
  return createHash('sha256').update(canonicalJson(defining)).digest('hex').slice(0, 32);
}

/** Whether the file was changed since faultline wrote it (files without a digest: unknown, taken as written). */
export function failureEdited(f: FailureFile): boolean {
  return f.inputs !== undefined && f.inputs !== inputsDigest(f);
}

/**
 * Write JSON atomically: a temporary file beside the target, then a rename over it (a
 * symlink, device or FIFO is written through, never replaced: explore/write-output.ts).
 * Throws an OutputError naming the path and the errno.
 */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeOutputSync(path, `${JSON.stringify(value, jsonSafe, 2)}\n`);
}

/** Read and validate a failure file; InputError names what is wrong. */
export function readFailureFile(path: string): FailureFile {
  let text: string;
  try {
    text = readInputText(path, SCENARIO_MAX_BYTES);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(path, undefined, undefined, `expected a readable failure file (${code === 'ENOENT' ? 'no such file' : (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // V8 names the offset ("in JSON at position 123"): the line is what a reader looks for.
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    const line = position ? text.slice(0, Number(position[1])).split('\n').length : undefined;
    throw new InputError(path, line, undefined, `expected a failure file (JSON) written by faultline fuzz: ${message}`);
  }
  const parsed = failureSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join('.') : undefined;
    // Our own range messages are noun phrases ("a probability in ppm, 0..1000000 (got 2000000)").
    if (/^an? /.test(issue.message)) throw new InputError(path, undefined, field, `expected ${issue.message}`);
    throw new InputError(path, undefined, field, `expected a failure file written by faultline fuzz (${FAILURE_FORMAT}): ${issue.message}`);
  }
  const failure = parsed.data as FailureFile;
  readFrom.set(failure, path);
  return failure;
}

/**
 * The scenario of a failure file, exactly as the failing seed ran it: the stored text parsed
 * again (module-path protocols resolve next to the original file), the extra bugs, the
 * seed and the knobs.
 */
export async function failureScenario(failure: FailureFile): Promise<LoadedScenario> {
  const file = readFrom.get(failure) ?? failure.scenario.path;
  let loaded: LoadedScenario;
  try {
    loaded = await parseScenario(failure.scenario.text, failure.scenario.absolutePath, { overrides: { bugs: failure.extraBugs } });
  } catch (error) {
    throw storedScenarioError(error, file);
  }
  if (failure.knobs !== undefined) checkKnobs(failure.knobs, loaded, file);
  // Knobs are stored only when the seed ran with them (swarm, or a guided mutant's).
  return seedScenario({ ...loaded, file: failure.scenario.path }, failure.seed, failure.knobs);
}

/**
 * A problem in the scenario text stored in a failure file is a problem of the failure file:
 * the error names it, the field (`scenario.text`, with the line inside the text; `extraBugs`
 * for a bug variant the protocol does not have), never the original scenario's path, which
 * the text no longer matches.
 */
function storedScenarioError(error: unknown, file: string): unknown {
  if (!(error instanceof InputError)) return error;
  if (error.file === '--bug') return new InputError(file, undefined, 'extraBugs', error.expected);
  const where = `scenario.text${error.line !== undefined ? ` (line ${error.line})` : ''}${error.field ? `: ${error.field}` : ''}`;
  return new InputError(file, undefined, where, error.expected);
}

/** Where each failure file was read from (errors in failureScenario name it). */
const readFrom = new WeakMap<FailureFile, string>();

/** Knobs consistent with the stored scenario: what a campaign could have drawn for it. */
function checkKnobs(knobs: SwarmKnobs, loaded: LoadedScenario, file: string): void {
  const fail = (field: string, message: string) => new InputError(file, undefined, `knobs.${field}`, `expected ${message}`);
  const nodes = knobs.nodes ?? loaded.config.nodes;
  if (knobs.nodes !== undefined && loaded.config.roles !== undefined) throw fail('nodes', `no drawn cluster size: ${loaded.protocol.name}'s scenario sets nodes per role (got ${knobs.nodes})`);
  if (knobs.nemesis !== undefined) {
    if (loaded.config.nemesis === undefined) throw fail('nemesis', 'no nemesis knobs: the stored scenario has no nemesis');
    if (knobs.nemesis.maxCrashed > nodes) throw fail('nemesis.maxCrashed', `at most the node count (${nodes}) (got ${knobs.nemesis.maxCrashed})`);
  }
  if (knobs.flaky !== undefined) {
    for (const [field, node] of [['flaky.node', knobs.flaky.node], ...knobs.flaky.keeps.map((k, i) => [`flaky.keeps.${i}`, k] as const)] as const) {
      if (node >= nodes) throw fail(field, `a node index below the node count (${nodes}) (got ${node})`);
    }
  }
  if (knobs.faults !== undefined) checkFaults(knobs.faults, loaded, nodes, fail);
  if (knobs.options !== undefined) {
    try {
      checkerNames(loaded.protocol, { ...loaded.config.protocolOptions, ...knobs.options });
    } catch (error) {
      if (!(error instanceof Error) || error instanceof AssertionError) throw error;
      throw fail('options', `options that ${loaded.protocol.name} accepts: ${error.message}`);
    }
  }
}

/**
 * A guided mutant's extra faults against the stored scenario, as load.ts checks a scenario's
 * own: within the run, node and client indices that exist, roles that some node plays,
 * groups no larger than the cluster, and `ref` names that an earlier fault gives with `as`.
 */
function checkFaults(faults: readonly ScriptedFault[], loaded: LoadedScenario, nodes: number, fail: (field: string, message: string) => InputError): void {
  const config = loaded.config;
  const clients = config.clients.clients;
  const roles = new Set<string>([...(config.roles?.flat() ?? []), ...(config.roles === undefined ? [loaded.protocol.roles?.[0]?.name ?? 'server'] : [])]);
  if (loaded.protocol.createClient !== undefined && clients > 0) roles.add('client');
  const endpoints = nodes + clients;
  const checkEndpoint = (field: string, e: number) => {
    if (e >= endpoints) throw fail(field, `a node or client index below ${endpoints} (${nodes} nodes, ${clients} clients) (got ${e})`);
  };
  const checkRole = (field: string, r: string) => {
    if (!roles.has(r)) throw fail(field, `a role that some node plays: ${[...roles].join(', ')} (got ${JSON.stringify(r)})`);
  };
  const checkTarget = (field: string, t: NodeTarget | 'all') => {
    if (typeof t === 'number') checkEndpoint(field, t);
    else if (typeof t === 'object' && 'role' in t && !('group' in t)) checkRole(`${field}.role`, t.role);
    else if (typeof t === 'object' && 'group' in t) {
      if (t.group === 'leader-plus' && t.k > nodes - 1) throw fail(`${field}.k`, `at most ${nodes - 1}, the other nodes (got ${t.k})`);
      if (t.group === 'random') {
        if (t.k > nodes) throw fail(`${field}.k`, `at most the node count (${nodes}) (got ${t.k})`);
        if (t.role !== undefined) checkRole(`${field}.role`, t.role);
      }
    }
  };
  const checkLinks = (field: string, links: { from: readonly number[]; to: readonly number[] } | undefined) => {
    if (links === undefined) return;
    links.from.forEach((e, i) => checkEndpoint(`${field}.from.${i}`, e));
    links.to.forEach((e, i) => checkEndpoint(`${field}.to.${i}`, e));
  };
  faults.forEach((fault, i) => {
    const at = `faults.${i}`;
    if (fault.atUs > config.durationUs) throw fail(`${at}.atUs`, `a time within the run (${config.durationUs}us) (got ${fault.atUs})`);
    const a: FaultAction = fault.action;
    const field = `${at}.action`;
    if ('node' in a && a.node !== undefined) checkTarget(`${field}.node`, a.node);
    if (a.kind === 'partition') a.groups.forEach((g, j) => g.forEach((e, k) => checkEndpoint(`${field}.groups.${j}.${k}`, e)));
    if (a.kind === 'one-way') checkLinks(field, a);
    if ((a.kind === 'heal' || a.kind === 'delay-burst' || a.kind === 'reorder-burst') && a.links !== undefined) checkLinks(`${field}.links`, a.links);
    if (a.kind === 'heal' && a.node !== undefined && a.links !== undefined) throw fail(`${field}.links`, 'either node or links in a heal, not both');
  });
  // Names: in the order the run applies the faults (by time; the scenario's own first among equal times).
  const all = [...config.faults.map((f) => ({ f, i: -1 })), ...faults.map((f, i) => ({ f, i }))].sort((x, y) => x.f.atUs - y.f.atUs);
  const given = new Set<string>();
  for (const { f, i } of all) {
    const a = f.action;
    const node = 'node' in a ? a.node : undefined;
    if (i >= 0 && typeof node === 'object' && node !== null && 'ref' in node && !given.has(node.ref)) {
      throw fail(`faults.${i}.action.node.ref`, `a name that an earlier fault gives with as (no fault before this one names ${JSON.stringify(node.ref)})`);
    }
    if ('as' in a && a.as !== undefined) given.add(a.as);
  }
}
