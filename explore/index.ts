// The explore layer: many runs of a scenario. Campaigns over seeds (in worker threads),
// swarm knobs, failure files, results files and their merge, and the shrinker with the
// scenario YAML it writes. Builds on scenario/ (and sim/, protocols/, checkers/).
// Every export is named here; modules inside the library import the file they need.

export { runCampaign, runCampaignOnPool, startCampaignPool, WARM_UP, WARM_UP_MIN_SEEDS_PER_WORKER } from './campaign.js';
export type { CampaignOptions, CampaignPoolOptions, CampaignSummary, CampaignFailure, DeterminismMismatch } from './campaign.js';
export type { ProgressState } from './progress.js';
export { parseShard, plannedSeeds, DETERMINISM_EVERY } from './seeds.js';
export type { Shard } from './seeds.js';
export { executeSeed, seedScenario, findDivergence, divergenceText, HISTORY_EXCERPT_MAX } from './execute.js';
export type { SeedOutcome, SeedOptions, SeedVerdict, ViolationRecord, Divergence } from './execute.js';
export { WorkerPool, workerEntry, sameInit } from './pool.js';
export type { WorkerInit, WorkerRequest, WorkerReply, WarmUp } from './pool.js';
export { drawKnobs, applyKnobs, knobsText, INTERVAL_SCALE_PCT, DURATION_SCALE_PCT } from './swarm.js';
export type { SwarmKnobs } from './swarm.js';
export { readFailureFile, failureScenario, failureFileName, buildFailure, writeJsonAtomic, FAILURE_FORMAT } from './failure-file.js';
export type { FailureFile, FailureContext } from './failure-file.js';
export { mergeResults, resultLine, compareSeeds } from './results.js';
export type { MergeSummary, ResultLine } from './results.js';
export { remap } from './remap.js';
export { shrink, sizeOf, ShrinkError } from './shrink.js';
export type { ShrinkOptions, ShrinkResult, ShrinkSize } from './shrink.js';
export { shrinkFailure, shrunkPathFor, protocolRefFor, sizeText } from './shrink-failure.js';
export type { ShrinkOutcome } from './shrink-failure.js';
export { toYaml } from './to-yaml.js';
export type { YamlMeta } from './to-yaml.js';
export { durationText, formatPercent, endpointName } from './units-text.js';
