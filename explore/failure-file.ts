// Failure files: one JSON file per failing seed, everything needed to reproduce it without
// the campaign (the scenario text as it was, the seed, the knobs, faultline's version) and
// what was seen (violations, hash, a history excerpt). Written to a temporary name and
// renamed, so a campaign killed midway leaves only whole files.
import { resolve } from 'node:path';
import * as z from 'zod';
import { InputError } from '../scenario/errors.js';
import { readInputText, SCENARIO_MAX_BYTES } from '../scenario/read-input.js';
import { checkerNames } from '../scenario/registry.js';
import { MAX_DURATION_US, NEMESIS_KINDS } from '../scenario/schema.js';
import { describeValue } from '../scenario/units.js';
import { DRIFT_MAX_PPM } from '../sim/clock.js';
import { PARTITION_SHAPES } from '../sim/config.js';
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
  faults: z.array(z.object({ atUs: micros(), action: z.looseObject({ kind: z.string() }) })).optional(),
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
  return file;
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
    throw new InputError(path, undefined, undefined, `expected a failure file (JSON) written by faultline fuzz: ${(error as Error).message}`);
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
  const loaded = await parseScenario(failure.scenario.text, failure.scenario.absolutePath, { overrides: { bugs: failure.extraBugs } });
  if (failure.knobs !== undefined) checkKnobs(failure.knobs, loaded, readFrom.get(failure) ?? failure.scenario.path);
  // Knobs are stored only when the seed ran with them (swarm, or a guided mutant's).
  return seedScenario({ ...loaded, file: failure.scenario.path }, failure.seed, failure.knobs);
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
  if (knobs.options !== undefined) {
    try {
      checkerNames(loaded.protocol, { ...loaded.config.protocolOptions, ...knobs.options });
    } catch (error) {
      if (!(error instanceof Error) || error instanceof AssertionError) throw error;
      throw fail('options', `options that ${loaded.protocol.name} accepts: ${error.message}`);
    }
  }
}
