// Failure files: one JSON file per failing seed, everything needed to reproduce it without
// the campaign (the scenario text as it was, the seed, the knobs, faultline's version) and
// what was seen (violations, hash, a history excerpt). Written to a temporary name and
// renamed, so a campaign killed midway leaves only whole files.
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import * as z from 'zod';
import { InputError } from '../scenario/errors.js';
import { readInputText, SCENARIO_MAX_BYTES } from '../scenario/read-input.js';
import { jsonSafe } from '../scenario/json-safe.js';
import { parseScenario, type LoadedScenario } from '../scenario/load.js';
import { displayPath } from '../scenario/registry.js';
import { shellQuote } from '../scenario/shell.js';
import type { SeedOutcome, ViolationRecord } from './execute.js';
import { seedScenario } from './execute.js';
import type { SwarmKnobs } from './swarm.js';
import { knobsText } from './swarm.js';

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
const knobsSchema = z.object({
  lossPpm: z.int(),
  duplicatePpm: z.int(),
  nemesis: z
    .object({
      weights: z.record(z.string(), z.int()),
      intervalUs: z.tuple([z.int(), z.int()]),
      durationUs: z.tuple([z.int(), z.int()]),
      maxCrashed: z.int(),
      clockJumpMaxUs: z.int(),
      clockDriftMaxPpm: z.int(),
      leaderAimPpm: z.int().optional(),
      partitionShapes: z.record(z.string(), z.int()).optional(),
    })
    .optional(),
  nodes: z.int().optional(),
  flaky: z.object({ node: z.int(), keeps: z.array(z.int()) }).optional(),
  latency: z.looseObject({ kind: z.string() }).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  // Guided mutants: extra scripted faults (kernel fault actions, as JSON) and stream overrides.
  faults: z.array(z.object({ atUs: z.int(), action: z.looseObject({ kind: z.string() }) })).optional(),
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

/** Write JSON atomically: a temporary file beside the target, then a rename over it. */
export function writeJsonAtomic(path: string, value: unknown): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, `${JSON.stringify(value, jsonSafe, 2)}\n`, 'utf8');
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing was written
    }
    throw error;
  }
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
    throw new InputError(path, undefined, field, `expected a failure file written by faultline fuzz (${FAILURE_FORMAT}): ${issue.message}`);
  }
  return parsed.data as FailureFile;
}

/**
 * The scenario of a failure file, exactly as the failing seed ran it: the stored text parsed
 * again (module-path protocols resolve next to the original file), the extra bugs, the
 * seed and the knobs.
 */
export async function failureScenario(failure: FailureFile): Promise<LoadedScenario> {
  const loaded = await parseScenario(failure.scenario.text, failure.scenario.absolutePath, { overrides: { bugs: failure.extraBugs } });
  // Knobs are stored only when the seed ran with them (swarm, or a guided mutant's).
  return seedScenario({ ...loaded, file: failure.scenario.path }, failure.seed, failure.knobs);
}
