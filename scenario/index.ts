// The scenario layer: scenario files (schema, loader, error messages with file, line and
// field), the protocol registry, the runner that composes kernel + protocol + checkers
// into a verdict, units, and the error types. Builds on sim/, protocols/ and checkers/.
// Every export is named here; modules inside the library import the file they need.

export { loadScenario, parseScenario, applyOverrides, extraBugs, DEFAULTS } from './load.js';
export type { LoadedScenario, ScenarioOverrides, ParseOptions } from './load.js';
export { runScenario, decideVerdict, replayCommand } from './runner.js';
export type { ScenarioRun, Verdict, LinearizabilityVerdict } from './runner.js';
export { ExitCode, InputError, InternalRunError } from './errors.js';
export {
  LINEARIZABILITY,
  builtinProtocols,
  checkerNames,
  displayPath,
  isModuleReference,
  loadProtocolModule,
  packageRoot,
  packageVersion,
  resolveProtocol,
  shippedScenarios,
} from './registry.js';
export type { AnyProtocol, CheckerNames, ProtocolResolver } from './registry.js';
export { parseDuration, parseProbability, formatDuration, looksLikeDuration, describeValue, DURATION_EXPECTED, PROBABILITY_EXPECTED } from './units.js';
export type { Result, DurationOptions } from './units.js';
export { shellQuote } from './shell.js';
export { holdHeapFlat, FLAT_HEAP_FLAGS } from './heap.js';
export { jsonSafe } from './json-safe.js';
export { scenarioSchema, FAULT_KINDS, NEMESIS_KINDS } from './schema.js';
export type { RawScenario, RawFault } from './schema.js';
