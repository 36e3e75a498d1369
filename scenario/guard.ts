// The determinism guard for user protocols. A handler that reads the wall clock, draws from
// Math.random or hands work to the host's event loop makes a run depend on more than its
// scenario and seed, so replay and shrink stop working. Lint keeps faultline's own
// protocols clean; a user's module gets this guard instead: while one of its handlers runs,
// Math.random, Date.now, new Date() (no arguments), Date(), performance.now,
// process.hrtime, crypto.randomUUID and crypto.getRandomValues, and setTimeout,
// setInterval, setImmediate and queueMicrotask are throwing stand-ins. The
// stand-in throws a DeterminismError naming the handler, the call and what to use instead;
// the kernel's handler boundary turns it into a `protocol-exception` violation. A handler
// that catches the error still fails: the guard rethrows it when the handler returns.
//
// It lives in the scenario layer (it reads and swaps globals, which sim/ never does) and
// wraps the protocol object, so the kernel is unchanged and a run's hash is the same with
// and without it. Code that took a reference at import time (`const now = Date.now`) is
// not caught: the guard swaps globals, it cannot see through closures.
import type { Actor, ActorContext, ClientActor } from '../sim/types.js';
import type { AnyProtocol } from './registry.js';

/** Thrown by a stand-in: a handler called a non-deterministic host function. */
export class DeterminismError extends Error {
  override name = 'DeterminismError';
}

const GUARDED = Symbol.for('faultline.determinismGuard');

const host = globalThis as unknown as {
  Date: DateConstructor;
  setTimeout: unknown;
  setInterval: unknown;
  setImmediate: unknown;
  queueMicrotask: unknown;
};
const RealDate = Date;
const realRandom = Math.random;
// performance.now is swapped on the object itself: globalThis.performance is an accessor,
// and assigning it costs a hundred times more than a data property.
const performanceObject = globalThis.performance as unknown as { now: () => number } | undefined;
const realPerformanceNow = performanceObject?.now;
const realSetTimeout = host.setTimeout;
const realSetInterval = host.setInterval;
const realSetImmediate = host.setImmediate;
const realQueueMicrotask = host.queueMicrotask;
// The host's other clocks and random sources, swapped on their objects the same way.
const realHrtime = process.hrtime;
const cryptoObject = globalThis.crypto as unknown as { randomUUID: () => string; getRandomValues: <T>(array: T) => T } | undefined;
const realRandomUUID = cryptoObject?.randomUUID;
const realGetRandomValues = cryptoObject?.getRandomValues;

const INSTEAD: Record<string, string> = {
  'Math.random()': 'use ctx.random (the actor\'s seeded stream: int, chance, pick, shuffle)',
  'Date.now()': 'use ctx.now() (the actor\'s local clock, integer microseconds)',
  'new Date()': 'use ctx.now() (the actor\'s local clock, integer microseconds)',
  'Date()': 'use ctx.now() (the actor\'s local clock, integer microseconds)',
  'performance.now()': 'use ctx.now() (the actor\'s local clock, integer microseconds)',
  'setTimeout()': 'use ctx.setTimer(name, afterUs) and handle it in onTimer',
  'setInterval()': 'use ctx.setTimer(name, afterUs), re-armed in onTimer',
  'setImmediate()': 'do the work now, or use ctx.setTimer(name, 0)',
  'queueMicrotask()': 'do the work now, or use ctx.setTimer(name, 0)',
  'process.hrtime()': 'use ctx.now() (the actor\'s local clock, integer microseconds)',
  'crypto.randomUUID()': 'draw ids from ctx.random, or build them from ctx.id and a counter',
  'crypto.getRandomValues()': 'use ctx.random (the actor\'s seeded stream)',
};

/** The handler running now (innermost), and the first forbidden call it made. */
let active: string | undefined;
let depth = 0;
let offence: DeterminismError | undefined;
/** The timer whose onTimer runs now (the message names it). */
let timerName: unknown;

function forbidden(call: string): never {
  const where = active !== undefined && active.endsWith(' onTimer') ? `${active}(${JSON.stringify(timerName)})` : (active ?? 'a handler');
  const error = new DeterminismError(`${call} called in ${where}: handlers must be deterministic (same scenario and seed, same run); ${INSTEAD[call]}`);
  offence ??= error;
  throw error;
}

const guardRandom = (): number => forbidden('Math.random()');
const GuardDate = new Proxy(RealDate, {
  construct(target, args, newTarget) {
    if (args.length === 0) forbidden('new Date()');
    return Reflect.construct(target, args, newTarget) as object;
  },
  apply() {
    return forbidden('Date()');
  },
  get(target, key, receiver) {
    if (key === 'now') return guardDateNow;
    return Reflect.get(target, key, receiver) as unknown;
  },
});
const guardDateNow = (): number => forbidden('Date.now()');
const guardPerformanceNow = (): number => forbidden('performance.now()');
const guardSetTimeout = (): never => forbidden('setTimeout()');
const guardSetInterval = (): never => forbidden('setInterval()');
const guardSetImmediate = (): never => forbidden('setImmediate()');
const guardQueueMicrotask = (): never => forbidden('queueMicrotask()');
const guardHrtime = Object.assign((): never => forbidden('process.hrtime()'), { bigint: (): never => forbidden('process.hrtime()') });
const guardRandomUUID = (): never => forbidden('crypto.randomUUID()');
const guardGetRandomValues = (): never => forbidden('crypto.getRandomValues()');

// Named writes, no loops: this runs twice per handler call.
function enter(): void {
  Math.random = guardRandom;
  host.Date = GuardDate;
  if (performanceObject !== undefined) performanceObject.now = guardPerformanceNow;
  host.setTimeout = guardSetTimeout;
  host.setInterval = guardSetInterval;
  host.setImmediate = guardSetImmediate;
  host.queueMicrotask = guardQueueMicrotask;
  process.hrtime = guardHrtime as unknown as typeof process.hrtime;
  if (cryptoObject !== undefined) {
    cryptoObject.randomUUID = guardRandomUUID;
    cryptoObject.getRandomValues = guardGetRandomValues;
  }
}

function leave(): void {
  Math.random = realRandom;
  host.Date = RealDate;
  if (performanceObject !== undefined) performanceObject.now = realPerformanceNow!;
  host.setTimeout = realSetTimeout;
  host.setInterval = realSetInterval;
  host.setImmediate = realSetImmediate;
  host.queueMicrotask = realQueueMicrotask;
  process.hrtime = realHrtime;
  if (cryptoObject !== undefined) {
    cryptoObject.randomUUID = realRandomUUID!;
    cryptoObject.getRandomValues = realGetRandomValues!;
  }
}

/**
 * Run `body` with the stand-ins in place; `where` names it in the message (`node n2
 * onMessage`). Re-entrant. If the body called a stand-in, the call's DeterminismError is
 * what it throws, even when the body caught it.
 */
export function guarded<T>(where: string, body: () => T): T {
  return guardedCall(where, body as (...args: unknown[]) => T, undefined, []);
}

/** `fn.apply(self, args)` under the guard (no closure per call: handlers run on the hot path). */
function guardedCall<T>(where: string, fn: (...args: unknown[]) => T, self: unknown, args: unknown[]): T {
  if (depth > 0) return fn.apply(self, args);
  depth = 1;
  active = where;
  offence = undefined;
  enter();
  let result: T;
  try {
    result = fn.apply(self, args);
  } catch (error) {
    throw trimmed(offence ?? error);
  } finally {
    leave();
    depth = 0;
    active = undefined;
  }
  if (offence !== undefined) throw trimmed(offence);
  return result;
}

/** The error without the guard's own stack frames (the report shows the user's). */
function trimmed(error: unknown): unknown {
  offence = undefined;
  if (error instanceof Error && typeof error.stack === 'string' && error.stack.includes('guard.')) {
    error.stack = error.stack
      .split('\n')
      .filter((line) => !/^\s*at .*[/\\]scenario[/\\]guard\.[cm]?[jt]s:/.test(line))
      .join('\n');
  }
  return error;
}

/** True when the protocol object is already guarded. */
export function isGuarded(protocol: object): boolean {
  const p = protocol as Record<symbol | string, unknown>;
  // A copy made by Object.assign or a spread (withStandardChecks) keeps the guarded createActor.
  return p[GUARDED] === true || guardedCreateActors.has(p.createActor as object);
}

const guardedCreateActors = new WeakSet<object>();

function endpointName(ctx: ActorContext<unknown>, client: boolean): string {
  return client ? `client c${(ctx as unknown as { index: number }).index + 1}` : `node n${ctx.id + 1}`;
}

/** Wrap the named methods of an object in place (own properties shadow the prototype's), so other code sees the same object. */
function wrapMethods(target: object, methods: readonly string[], who: string): void {
  const t = target as Record<string, unknown>;
  for (const method of methods) {
    const original = t[method];
    if (typeof original !== 'function') continue;
    const fn = original as (...args: unknown[]) => unknown;
    const where = `${who} ${method}`;
    // onTimer's label names the timer, built only when a stand-in is called (see forbidden).
    const value =
      method === 'onTimer'
        ? function (this: unknown, name: unknown) {
            timerName = name;
            return guardedCall(where, fn, this, [name]);
          }
        : function (this: unknown, ...args: unknown[]) {
            return guardedCall(where, fn, this, args);
          };
    Object.defineProperty(target, method, { configurable: true, enumerable: false, writable: true, value });
  }
}

const ACTOR_METHODS = ['onStart', 'onMessage', 'onTimer', 'onRequest', 'summary'] as const;

function guardActor<T extends object>(actor: T, who: string): T {
  if (actor === null || typeof actor !== 'object' || !Object.isExtensible(actor)) return actor;
  wrapMethods(actor, ACTOR_METHODS, who);
  return actor;
}

/**
 * The protocol with the determinism guard around every call into its actors: createActor,
 * createClient, and every actor's and client actor's handlers (onStart, onMessage, onTimer,
 * onRequest) and summary. Invariants, liveness checks and observers are not guarded: they
 * judge a run and never drive it, and they run after every event, where the guard would
 * cost most (bench/guard.ts). A run of the guarded protocol has the same
 * hash as a run of the protocol itself unless a handler calls a guarded function, and then
 * that run fails with a `protocol-exception` naming the handler and the call. Idempotent.
 */
export function withDeterminismGuard<P extends AnyProtocol>(protocol: P): P {
  if (isGuarded(protocol)) return protocol;
  // One guarded object per protocol: a module loaded twice (fuzz, then shrink) gives equal configs.
  const known = guardedOf.get(protocol);
  if (known !== undefined) return known as P;
  const made = makeGuarded(protocol);
  guardedOf.set(protocol, made);
  return made;
}

const guardedOf = new WeakMap<object, AnyProtocol>();

function makeGuarded<P extends AnyProtocol>(protocol: P): P {
  const own = protocol as AnyProtocol;
  const overrides: Partial<Record<keyof AnyProtocol, unknown>> = {
    createActor: (ctx: Parameters<AnyProtocol['createActor']>[0], options: Record<string, unknown>) => {
      const who = endpointName(ctx, false);
      return guardActor(guarded(`${who} createActor`, () => own.createActor(ctx, options)) as Actor<unknown>, who);
    },
  };
  if (typeof own.createClient === 'function') {
    const createClient = own.createClient.bind(own);
    overrides.createClient = (ctx: Parameters<NonNullable<AnyProtocol['createClient']>>[0], options: Record<string, unknown>) => {
      const who = endpointName(ctx, true);
      return guardActor(guarded(`${who} createClient`, () => createClient(ctx, options)) as ClientActor<unknown>, who);
    };
  }
  guardedCreateActors.add(overrides.createActor as object);
  const made = Object.assign(Object.create(Object.getPrototypeOf(protocol) as object) as P, protocol, overrides);
  // Not enumerable: a spread copy with a createActor of its own (`{ ...guarded, createActor }`) is not guarded.
  Object.defineProperty(made, GUARDED, { value: true, enumerable: false });
  return made;
}
