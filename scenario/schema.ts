// The shape of a scenario file, as zod schemas. This layer checks types, units and unknown
// keys; what depends on other fields or on the protocol (node ranges, bug names, checker
// names, faultsStop <= duration) is checked afterwards in load.ts.
//
// Every custom message is a noun phrase ("a duration with a unit, like 200ms"): the mapper
// in issues.ts prefixes it with "expected".
import * as z from 'zod';
import { DRIFT_MAX_PPM } from '../sim/clock.js';
import { PARTITION_SHAPES, type PartitionShape } from '../sim/config.js';
import { parseDuration, parseProbability } from './units.js';

const fromResult = <T>(parse: (value: unknown) => { ok: true; value: T } | { ok: false; error: string }) =>
  z.unknown().transform((value, ctx): T => {
    const result = parse(value);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.error, input: value });
    return z.NEVER;
  });

/** The longest duration a scenario may give anywhere: a year (365 days) of simulated time. */
export const MAX_DURATION_US = 365 * 24 * 3_600 * 1_000_000;
/** The shortest client request or operation timeout: below a millisecond, retries outrun any network. */
export const MIN_CLIENT_TIMEOUT_US = 1_000;

const bounded = (result: ReturnType<typeof parseDuration>): ReturnType<typeof parseDuration> => {
  if (result.ok && Math.abs(result.value) > MAX_DURATION_US) {
    return { ok: false, error: `a duration of at most a year (365 days, ${MAX_DURATION_US}us) (got ${result.value}us)` };
  }
  return result;
};

/** A non-negative duration in integer microseconds, at most a year. */
export const duration = () => fromResult((v) => bounded(parseDuration(v)));
/** A strictly positive duration. */
export const positiveDuration = () =>
  fromResult((v) => {
    const result = bounded(parseDuration(v));
    if (result.ok && result.value === 0) return { ok: false as const, error: 'a duration above zero, like 200ms (got 0)' };
    return result;
  });
/** A duration at least `minUs` (`noun` says why). */
export const durationAtLeast = (minUs: number, noun: string) =>
  fromResult((v) => {
    const result = bounded(parseDuration(v));
    if (result.ok && result.value < minUs) return { ok: false as const, error: `${noun} (got ${result.value}us)` };
    return result;
  });
/** A duration that may be negative (clock jumps and offsets). */
export const signedDuration = () => fromResult((v) => bounded(parseDuration(v, { allowNegative: true })));
export const probability = () => fromResult((v) => parseProbability(v));

export const integer = (min: number, max: number, noun: string) => {
  const error = `${noun} (an integer from ${min} to ${max})`;
  return z.int({ error }).min(min, { error }).max(max, { error });
};

/** [min, max] of durations, min <= max. */
export const durationRange = () =>
  z
    .tuple([duration(), duration()], { error: 'a pair [min, max] of durations, like [1ms, 10ms]' })
    .superRefine(([min, max], ctx) => {
      if (min > max) ctx.addIssue({ code: 'custom', message: 'min <= max (the first duration is larger than the second)', path: [] });
    });

/** [min, max] of durations, min <= max and max above 0: the time between two things that repeat (0 would repeat forever at one instant). */
export const intervalRange = () =>
  durationRange().superRefine(([, max], ctx) => {
    if (max === 0) ctx.addIssue({ code: 'custom', message: 'an interval [min, max] with max above 0, like [200ms, 1s] (min may be 0; [0, 0] repeats forever at one instant)', path: [] });
  });

const weight = () => integer(0, 1_000_000, 'a weight');

/** n1..nN or c1..cC (checked against nodes and clients.count later). */
export const endpointRef = () =>
  z.string({ error: 'a node like n1 or a client like c1' }).regex(/^[nc][1-9]\d*$/, { error: 'a node like n1 or a client like c1' });
/** n1..nN (checked against nodes later). */
const nodeRef = () => z.string({ error: 'a node like n1' }).regex(/^n[1-9]\d*$/, { error: 'a node like n1' });
const endpointList = () => z.array(endpointRef(), { error: 'a list of nodes and clients, like [n1, n2, c1]' }).min(1, { error: 'a non-empty list of nodes and clients' });

/** A role name as protocols declare them (checked against the protocol later). */
const ROLE = '[a-z][a-z0-9-]*';
const TARGET_NOUN = 'a node like n1, a client actor like c1, leader, random, random:<role> or all:<role>';
export const nodeTarget = () =>
  z.string({ error: TARGET_NOUN }).regex(new RegExp(`^([nc][1-9]\\d*|leader|random|(random|all):${ROLE})$`), { error: TARGET_NOUN });
/** A name a fault gives what it picked (`as: a`), for later faults to aim at (`$a`). */
const NAME = '[A-Za-z_][A-Za-z0-9_-]*';
const NAME_NOUN = 'a name like a or leader_1 (letters, digits, _ and -)';
export const faultName = () => z.string({ error: NAME_NOUN }).regex(new RegExp(`^${NAME}$`), { error: NAME_NOUN });
const REF_NOUN = '$name (the node or nodes an earlier fault named with as: name)';
/** A target that may name several nodes at once (crash, pause, isolate, clock faults, crash-restart). */
const GROUP_TARGET_NOUN = `${TARGET_NOUN}, or a group: leader+K (the leader and K others), leader-minority, random-K or random-K:<role>, or ${REF_NOUN}`;
export const groupTarget = () =>
  z
    .string({ error: GROUP_TARGET_NOUN })
    .regex(new RegExp(`^([nc][1-9]\\d*|leader|random|(random|all):${ROLE}|leader\\+[1-9]\\d*|leader-minority|random-[1-9]\\d*(:${ROLE})?|\\$${NAME})$`), { error: GROUP_TARGET_NOUN });
const RESTART_NOUN = `a node like n1, a client actor like c1, leader, random, random:<role>, all:<role> or all, or ${REF_NOUN}`;
const restartTarget = () =>
  z.string({ error: RESTART_NOUN }).regex(new RegExp(`^([nc][1-9]\\d*|leader|random|all|(random|all):${ROLE}|\\$${NAME})$`), { error: RESTART_NOUN });
const roleCounts = () =>
  z.record(
    z.string().regex(new RegExp(`^${ROLE}(\\+${ROLE})*$`), { error: 'a role name, or roles joined by + for nodes that play several' }),
    integer(0, 1_000, 'a node count'),
    { error: 'a node count, or a mapping of counts per role, like { coordinator: 1, participant: 3 }' },
  );

/** Directed links between endpoint groups (checked against nodes and clients later). */
export const linkSet = () =>
  z.strictObject(
    { from: endpointList(), to: endpointList(), both: z.boolean({ error: 'true or false' }).optional() },
    { error: 'links { from, to }, like { from: [n1], to: [n2, n3] } (both: true adds the reverse links)' },
  );

const fault = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) =>
  z.strictObject({ at: duration(), kind: z.literal(kind), ...shape });

export const faultSchema = z.discriminatedUnion('kind', [
  fault('partition', {
    groups: z
      .array(endpointList(), { error: 'a list of groups, like [[n1, n2], [n3, n4, n5]]' })
      .min(2, { error: 'at least two groups, like [[n1, n2], [n3, n4, n5]]' }),
  }),
  fault('partition-halves', {}),
  fault('partition-majority', {}),
  fault('isolate', { node: groupTarget(), as: faultName().optional() }),
  fault('one-way', { from: endpointList(), to: endpointList() }),
  fault('bridge', {}),
  fault('heal', { node: groupTarget().optional(), links: linkSet().optional() }),
  fault('crash', { node: groupTarget(), as: faultName().optional() }),
  fault('restart', { node: restartTarget(), as: faultName().optional() }),
  fault('crash-restart', { node: groupTarget(), down: positiveDuration(), as: faultName().optional() }),
  fault('clock-offset', { node: groupTarget(), offset: signedDuration(), as: faultName().optional() }),
  fault('clock-jump', { node: groupTarget(), by: signedDuration(), as: faultName().optional() }),
  fault('clock-drift', { node: groupTarget(), drift: integer(-DRIFT_MAX_PPM, DRIFT_MAX_PPM, 'a clock drift in ppm'), as: faultName().optional() }),
  fault('pause', { node: groupTarget(), duration: positiveDuration(), as: faultName().optional() }),
  fault('delay-burst', { links: linkSet().optional(), delay: positiveDuration(), duration: positiveDuration() }),
  fault('reorder-burst', { links: linkSet().optional(), jitter: positiveDuration(), duration: positiveDuration() }),
  fault('loss-burst', { loss: probability(), duration: positiveDuration() }),
]);
export type RawFault = z.output<typeof faultSchema>;
export const FAULT_KINDS = faultSchema.options.map((option) => option.shape.kind.value);

/** Pareto's alpha: a positive number with at most three decimals (1.5), as integer thousandths (1500). */
const ALPHA_NOUN = 'a Pareto shape alpha: a number above 0 and at most 1000 with at most three decimals, like 1.5';
const paretoAlpha = () =>
  z.number({ error: ALPHA_NOUN }).transform((value, ctx): number => {
    const milli = Math.round(value * 1000);
    if (!Number.isFinite(value) || milli < 1 || milli > 1_000_000 || Math.abs(value * 1000 - milli) > 1e-6) {
      ctx.addIssue({ code: 'custom', message: `${ALPHA_NOUN} (got ${value})`, input: value });
      return z.NEVER;
    }
    return milli;
  });

const BASE_LATENCY_KEYS = ['fixed', 'uniform', 'exponential', 'pareto'] as const;
const baseLatencyShape = {
  fixed: duration().optional(),
  uniform: durationRange().optional(),
  exponential: z
    .strictObject({ min: duration(), mean: duration(), max: duration() }, { error: 'a mapping { min, mean, max } of durations' })
    .superRefine((e, ctx) => {
      if (!(e.min <= e.mean && e.mean <= e.max)) ctx.addIssue({ code: 'custom', message: 'min <= mean <= max', path: [] });
    })
    .optional(),
  pareto: z
    .strictObject({ min: positiveDuration(), alpha: paretoAlpha(), max: duration() }, { error: 'a mapping { min, alpha, max }, like { min: 1ms, alpha: 1.5, max: 2s }' })
    .superRefine((p, ctx) => {
      if (p.min > p.max) ctx.addIssue({ code: 'custom', message: 'min <= max', path: [] });
    })
    .optional(),
};

/** Exactly one of `keys` is given. */
const exactlyOne =
  (keys: readonly string[]) =>
  (value: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const given = keys.filter((key) => value[key] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `exactly one of ${keys.join(', ')} (got ${given.length === 0 ? 'none' : given.join(' and ')})`, path: [] });
    }
  };

const LATENCY_NOUN =
  'a latency model: { fixed: 5ms }, { uniform: [1ms, 10ms] }, { exponential: { min, mean, max } }, { pareto: { min, alpha, max } } or { mixture: [{ weight: 9, uniform: [1ms, 10ms] }, ...] }';
const mixtureComponent = z
  .strictObject({ weight: integer(0, 1_000_000, 'a weight'), ...baseLatencyShape }, { error: 'a component { weight, <model> }, like { weight: 9, uniform: [1ms, 10ms] }' })
  .superRefine(exactlyOne(BASE_LATENCY_KEYS));
export const latencySchema = z
  .strictObject(
    {
      ...baseLatencyShape,
      mixture: z
        .array(mixtureComponent, { error: 'a list of weighted components, like [{ weight: 9, uniform: [1ms, 10ms] }, { weight: 1, uniform: [200ms, 2s] }]' })
        .min(1, { error: 'a non-empty list of weighted components' })
        .superRefine((components, ctx) => {
          if (!components.some((c) => c.weight > 0)) ctx.addIssue({ code: 'custom', message: 'at least one component with a weight above 0', path: [] });
        })
        .optional(),
    },
    { error: LATENCY_NOUN },
  )
  .superRefine(exactlyOne([...BASE_LATENCY_KEYS, 'mixture']));
export type RawLatency = z.output<typeof latencySchema>;

const cutLinks = () =>
  z.array(z.tuple([endpointRef(), endpointRef()], { error: 'a directed link [from, to], like [n4, n2]' }), { error: 'a list of directed links, like [[n4, n2], [n2, n4]]' });

const networkSettings = {
  latency: latencySchema.optional(),
  loss: probability().optional(),
  duplicate: probability().optional(),
  cut: cutLinks().optional(),
};

const networkSchema = z.strictObject(
  {
    ...networkSettings,
    afterFaults: z.strictObject(networkSettings, { error: 'a mapping { latency, loss, duplicate, cut }: the network once faults stop' }).optional(),
  },
  { error: 'a mapping { latency, loss, duplicate, cut, afterFaults }' },
);

const clientsSchema = z.strictObject(
  {
    count: integer(0, 10_000, 'a client count').optional(),
    keys: integer(1, 1_000_000, 'a key count').optional(),
    mix: z.record(z.string(), weight(), { error: 'a mapping of operation weights, like { get: 2, put: 1 }' }).optional(),
    think: durationRange().optional(),
    requestTimeout: durationAtLeast(MIN_CLIENT_TIMEOUT_US, 'a request timeout of at least 1ms').optional(),
    opTimeout: durationAtLeast(MIN_CLIENT_TIMEOUT_US, 'an operation timeout of at least 1ms').optional(),
    stop: duration().optional(),
    start: duration().optional(),
    ops: integer(0, 1_000_000_000, 'an operation count').optional(),
    pin: z
      .union([nodeRef(), z.array(nodeRef(), { error: 'a list of nodes, one per client' })], { error: 'a node like n1 for every client, or a list of nodes, one per client, like [n1, n2, n1]' })
      .optional(),
    workload: z.string({ error: 'a workload name, like kv' }).min(1, { error: 'a workload name, like kv' }).optional(),
    params: z.record(z.string(), z.int({ error: 'an integer' }), { error: 'a mapping of integer workload knobs, like { maxTxnOps: 4 }' }).optional(),
  },
  { error: 'a mapping { count, keys, mix, think, requestTimeout, opTimeout, stop, start, ops, pin, workload, params }' },
);

export const NEMESIS_KINDS = ['partition', 'crash', 'pause', 'clock', 'loss', 'one-way', 'bridge', 'delay', 'reorder'] as const;

const nemesisSchema = z.strictObject(
  {
    faults: z.strictObject(
      Object.fromEntries(NEMESIS_KINDS.map((kind) => [kind, weight().optional()])) as Record<(typeof NEMESIS_KINDS)[number], z.ZodOptional<ReturnType<typeof weight>>>,
      { error: `a mapping of fault weights, like { partition: 3, crash: 2 } (kinds: ${NEMESIS_KINDS.join(', ')})` },
    ),
    interval: intervalRange().optional(),
    duration: durationRange().optional(),
    maxCrashed: z
      .union([integer(0, 10_000, 'a node count'), z.record(z.string(), integer(0, 10_000, 'a node count'))], {
        error: 'a node count, or a mapping of counts per role, like { participant: 1 }',
      })
      .optional(),
    targets: z.array(z.string({ error: 'a role name' }), { error: 'a list of roles, like [participant, client]' }).min(1, { error: 'a non-empty list of roles' }).optional(),
    clockJumpMax: duration().optional(),
    clockDriftMax: integer(0, DRIFT_MAX_PPM, 'a clock drift in ppm').optional(),
    delayMax: positiveDuration().optional(),
    jitterMax: positiveDuration().optional(),
    leaderAim: probability().optional(),
    partitions: z
      .strictObject(
        Object.fromEntries(PARTITION_SHAPES.map((shape) => [shape, weight().optional()])) as Record<PartitionShape, z.ZodOptional<ReturnType<typeof weight>>>,
        { error: `a mapping of partition shape weights, like { halves: 1, isolate: 2 } (shapes: ${PARTITION_SHAPES.join(', ')})` },
      )
      .optional(),
  },
  { error: 'a mapping { faults, interval, duration, maxCrashed, targets, clockJumpMax, clockDriftMax, delayMax, jitterMax, leaderAim, partitions }' },
);

const nameList = (noun: string) => z.array(z.string({ error: noun }).min(1, { error: noun }), { error: `a list of ${noun}s` });

export const scenarioSchema = z.strictObject(
  {
    name: z.string({ error: 'a scenario name' }).min(1, { error: 'a non-empty scenario name' }).optional(),
    description: z.string({ error: 'a description (text)' }).optional(),
    protocol: z
      .string({ error: 'a protocol: a built-in name like raft, or a module path like ./my-protocol.js' })
      .min(1, { error: 'a protocol: a built-in name like raft, or a module path like ./my-protocol.js' }),
    options: z.record(z.string(), z.unknown(), { error: 'a mapping of protocol options' }).optional(),
    nodes: z
      .union([integer(1, 1_000, 'a node count'), roleCounts()], { error: 'a node count, or a mapping of counts per role, like { coordinator: 1, participant: 3 }' })
      .optional(),
    seed: z
      .union([z.string().min(1), z.int()], { error: 'a seed: a string or an integer' })
      .optional(),
    duration: positiveDuration(),
    faultsStop: duration().optional(),
    network: networkSchema.optional(),
    storage: z.strictObject({ loseUnsyncedOnCrash: z.boolean({ error: 'true or false' }).optional() }, { error: 'a mapping { loseUnsyncedOnCrash }' }).optional(),
    clients: clientsSchema.optional(),
    faults: z.array(faultSchema, { error: 'a list of faults, like [{ at: 2s, kind: isolate, node: leader }]' }).optional(),
    nemesis: nemesisSchema.optional(),
    checkers: nameList('checker name').optional(),
    bugs: nameList('bug name').optional(),
    record: z.enum(['fuzz', 'full'], { error: 'fuzz or full' }).optional(),
    checkEvery: integer(1, 1_000_000_000, 'an event count').optional(),
    maxEvents: integer(1, Number.MAX_SAFE_INTEGER, 'an event count').optional(),
    exploreTies: z.boolean({ error: 'true or false' }).optional(),
    buggify: z.boolean({ error: 'true or false' }).optional(),
    swarm: z
      .strictObject(
        {
          nodes: z.array(integer(1, 1_000, 'a node count'), { error: 'a list of cluster sizes to draw from, like [3, 5, 7]' }).min(1, { error: 'a non-empty list of cluster sizes' }).optional(),
          options: z
            .record(z.string(), z.array(z.unknown(), { error: 'a list of values to draw from, like [20ms, 50ms]' }).min(1, { error: 'a non-empty list of values' }), {
              error: 'a mapping of protocol options to lists of values, like { heartbeatUs: [20ms, 50ms] }',
            })
            .optional(),
          flakyNode: probability().optional(),
          leaderAim: z.array(probability(), { error: 'a list of probabilities to draw from, like [10%, 50%, 90%]' }).min(1, { error: 'a non-empty list of probabilities' }).optional(),
          partitionShapes: z.boolean({ error: 'true or false' }).optional(),
          latency: z.array(latencySchema, { error: 'a list of latency models to draw from, like [{ uniform: [1ms, 10ms] }, { pareto: { min: 1ms, alpha: 1.5, max: 1s } }]' }).min(1, { error: 'a non-empty list of latency models' }).optional(),
        },
        { error: 'a mapping { nodes, options, flakyNode, latency, leaderAim, partitionShapes } of what each fuzzed seed draws' },
      )
      .optional(),
    streams: z
      .strictObject(
        {
          base: z.string({ error: 'a seed (text)' }).min(1, { error: 'a non-empty seed' }).optional(),
          reseed: z.record(z.string().regex(/^[a-z]+(:[a-z][0-9]+)?$/, { error: 'a stream label, like network, faults or node:n2' }), z.string({ error: 'a seed (text)' }), { error: 'a mapping of stream labels to seeds, like { network: "7" }' }).optional(),
        },
        { error: 'a mapping { base, reseed } (where the run\'s seeded streams come from)' },
      )
      .optional(),
  },
  { error: 'a mapping of scenario fields (name, protocol, nodes, duration, ...)' },
);

export type RawScenario = z.output<typeof scenarioSchema>;
