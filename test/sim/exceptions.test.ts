// Whose bug is it? An exception in protocol code (an actor's handler, an invariant, a
// liveness check, the workload's generator, a factory, a misuse of the context) stops the
// run with a `protocol-exception` violation; faultline's own assertions (KernelError)
// propagate out of the run, through every handler boundary.
import { describe, expect, it } from 'vitest';
import type { SimConfig } from '../../sim/config.js';
import { Core } from '../../sim/core.js';
import { KernelError, PROTOCOL_EXCEPTION } from '../../sim/errors.js';
import { EventQueue } from '../../sim/event-queue.js';
import type { RunResult, Violation } from '../../sim/result.js';
import { assert, AssertionError, type ClientActor, type ClientContext, type Invariant, type LivenessCheck, type Protocol } from '../../sim/types.js';
import { runSimulation } from '../../sim/world.js';
import { toyConfig } from './config-helpers.js';
import { toyProtocol, type ToyMsg, type ToyNode } from './toy-protocol.js';

type Method = 'onStart' | 'onMessage' | 'onTimer' | 'onRequest' | 'summary';

/** The toy protocol, with node `node`'s `method` throwing the first time it runs. */
function throwingIn(method: Method, node = 1, thrown: () => unknown = () => new Error(`boom in ${method}`)): Protocol<ToyMsg, ToyNode> {
  return {
    ...toyProtocol,
    createActor: (ctx, options) => {
      const actor = toyProtocol.createActor(ctx, options);
      if (ctx.id === node) {
        (actor as unknown as Record<Method, () => never>)[method] = () => {
          throw thrown();
        };
      }
      return actor;
    },
  };
}

function only(result: RunResult): Violation {
  expect(result.violations).toHaveLength(1);
  return result.violations[0];
}

/** The run stopped at the violation: its event is the run's last. */
function stoppedAt(result: RunResult, v: Violation): void {
  expect(v.event).toBe(Math.max(0, result.events - 1));
  expect(v.atUs).toBe(result.simulatedUs);
}

describe('an exception in an actor is a protocol exception', () => {
  it.each([
    ['onStart', 'n2 threw in onStart: Error: boom in onStart'],
    ['onMessage', 'n2 threw in onMessage: Error: boom in onMessage'],
    ['onTimer', `n2 threw in onTimer("tick"): Error: boom in onTimer`],
    ['onRequest', 'n2 threw in onRequest: Error: boom in onRequest'],
    ['summary', 'n2 threw in summary: Error: boom in summary'],
  ] as const)('%s: the run stops there, with the node, the time, the event, the message and the stack', (method, message) => {
    const result = runSimulation(toyConfig({ protocol: throwingIn(method), clients: { ...toyConfig().clients, clients: 3 } }));
    const v = only(result);
    expect(v).toMatchObject({ kind: 'exception', checker: PROTOCOL_EXCEPTION, node: 1, message });
    stoppedAt(result, v);
    // summary() first runs after onStart (at the full recording level, where the trace keeps it).
    if (method === 'onStart' || method === 'summary') expect(v).toMatchObject({ event: 0, atUs: 0 });
    else expect(v.atUs).toBeGreaterThan(0);
    // The stack names the protocol's frame and stops at the kernel's handler boundary.
    expect(v.stack).toMatch(/^at .*exceptions\.test\.ts:\d+:\d+\)?$/m);
    expect(v.stack).not.toMatch(/Actors\.|World\.|runSimulation/);
    expect(result.simulatedUs).toBeLessThan(toyConfig().durationUs);
  });

  it('a plain assert from sim/types.js is the protocol failing, as is a non-Error thrown value', () => {
    const asserting = throwingIn('onMessage', 0, () => {
      try {
        assert(1 + 1 === 3, 'arithmetic holds');
      } catch (error) {
        return error;
      }
    });
    expect(only(runSimulation(toyConfig({ protocol: asserting }))).message).toBe('n1 threw in onMessage: AssertionError: arithmetic holds');
    const v = only(runSimulation(toyConfig({ protocol: throwingIn('onTimer', 2, () => 'a string') })));
    expect(v).toMatchObject({ checker: PROTOCOL_EXCEPTION, node: 2, message: 'n3 threw in onTimer("tick"): a string' });
    expect(v.stack).toBeUndefined();
  });

  it('createActor, on a restart too', () => {
    let starts = 0;
    const protocol: Protocol<ToyMsg, ToyNode> = {
      ...toyProtocol,
      createActor: (ctx, options) => {
        if (ctx.id === 0 && ++starts === 2) throw new TypeError('no state to rebuild from');
        return toyProtocol.createActor(ctx, options);
      },
    };
    const result = runSimulation(
      toyConfig({
        protocol,
        faults: [
          { atUs: 100_000, action: { kind: 'crash', node: 0 } },
          { atUs: 300_000, action: { kind: 'restart', node: 0 } },
        ],
      }),
    );
    const v = only(result);
    expect(v).toMatchObject({ node: 0, atUs: 300_000, message: 'n1 threw in createActor: TypeError: no state to rebuild from' });
    stoppedAt(result, v);
  });

  it('a summary that throws where the kernel asks for the leader (a fault aimed at the leader)', () => {
    const protocol = throwingIn('summary', 0);
    const result = runSimulation(toyConfig({ protocol, record: 'fuzz', faults: [{ atUs: 100_000, action: { kind: 'isolate', node: 'leader' } }] }));
    expect(only(result)).toMatchObject({ node: 0, atUs: 100_000, message: 'n1 threw in summary: Error: boom in summary' });
  });
});

describe('invariants, liveness checks, factories and the workload are protocol code too', () => {
  const throwing = (where: string) => () => {
    throw new RangeError(`bad ${where}`);
  };
  const withChecks = (invariants: Invariant<ToyNode>[], liveness: LivenessCheck<ToyNode>[] = []): Protocol<ToyMsg, ToyNode> => ({
    ...toyProtocol,
    invariants: () => invariants,
    liveness: () => liveness,
  });

  it.each([
    ['invariant onNote', withChecks([{ name: 'inv', onNote: throwing('onNote') }]), 'invariant inv threw in onNote: RangeError: bad onNote'],
    ['invariant afterEvent', withChecks([{ name: 'inv', afterEvent: throwing('afterEvent') }]), 'invariant inv threw in afterEvent: RangeError: bad afterEvent'],
    ['invariant atEnd', withChecks([{ name: 'inv', atEnd: throwing('atEnd') }]), 'invariant inv threw in atEnd: RangeError: bad atEnd'],
    ['liveness onNote', withChecks([], [{ name: 'live', onNote: throwing('onNote'), atEnd: () => undefined }]), 'liveness check live threw in onNote: RangeError: bad onNote'],
    ['liveness atEnd', withChecks([], [{ name: 'live', atEnd: throwing('atEnd') }]), 'liveness check live threw in atEnd: RangeError: bad atEnd'],
    ['invariants()', { ...toyProtocol, invariants: throwing('factory') }, 'protocol toy threw in invariants(): RangeError: bad factory'],
    ['liveness()', { ...toyProtocol, liveness: throwing('factory') }, 'protocol toy threw in liveness(): RangeError: bad factory'],
  ] as Array<[string, Protocol<ToyMsg, ToyNode>, string]>)('%s: no node', (_, protocol, message) => {
    const result = runSimulation(toyConfig({ protocol }));
    const v = only(result);
    expect(v).toMatchObject({ kind: 'exception', checker: PROTOCOL_EXCEPTION, message });
    expect(v.node).toBeUndefined();
    // At the end of the run, a check's event is the run's event count (as for a liveness violation).
    if (message.includes('atEnd')) expect(v).toMatchObject({ event: result.events, atUs: toyConfig().durationUs });
    else stoppedAt(result, v);
    if (message.includes('()')) expect(result.events).toBe(0);
  });

  it("an invariant's exception inside a node's handler (ctx.note) is the invariant's, and the only violation", () => {
    const result = runSimulation(toyConfig({ protocol: withChecks([{ name: 'inv', onNote: (note) => (note.kind === 'recv' ? throwing('recv')() : undefined) }]) }));
    const v = only(result);
    expect(v.message).toBe('invariant inv threw in onNote: RangeError: bad recv');
    expect(v.node).toBeUndefined();
  });

  it("the workload's nextOp, for built-in clients: the client's endpoint", () => {
    let ops = 0;
    const workload = { ...(toyProtocol.workload as Exclude<typeof toyProtocol.workload, string>), name: 'flaky' };
    const protocol: Protocol<ToyMsg, ToyNode> = {
      ...toyProtocol,
      workload: {
        ...workload,
        nextOp: (ctx, options) => {
          if (++ops === 5) throw new Error('out of ideas');
          return workload.nextOp(ctx, options);
        },
      },
    };
    const result = runSimulation(toyConfig({ protocol }));
    const v = only(result);
    expect(v.message).toMatch(/^workload flaky threw in nextOp \(client c[12]\): Error: out of ideas$/);
    expect([3, 4]).toContain(v.node);
    stoppedAt(result, v);
  });

  it('a nextOp that returns no operation', () => {
    const protocol: Protocol<ToyMsg, ToyNode> = { ...toyProtocol, workload: { ...(toyProtocol.workload as Exclude<typeof toyProtocol.workload, string>), nextOp: () => undefined as never } };
    expect(only(runSimulation(toyConfig({ protocol }))).message).toMatch(/threw in nextOp \(client c\d\): AssertionError: nextOp returned undefined: expected an operation/);
  });
});

describe('a misuse of the context is the protocol failing', () => {
  /** Node n1 does `misuse` on its first timer. */
  function misusing(misuse: (ctx: ToyNode['ctx']) => void): SimConfig {
    return toyConfig({
      protocol: {
        ...toyProtocol,
        createActor: (ctx, options) => {
          const actor = toyProtocol.createActor(ctx, options);
          if (ctx.id === 0) actor.onTimer = () => misuse(ctx);
          return actor;
        },
      },
    });
  }
  it.each([
    ['send to an unknown endpoint', (ctx: ToyNode['ctx']) => ctx.send(99, { type: 'ping', counter: 0 }), 'send to unknown endpoint 99'],
    ['send to a negative endpoint', (ctx: ToyNode['ctx']) => ctx.send(-1, { type: 'ping', counter: 0 }), 'send to unknown endpoint -1'],
    ['send to a fractional endpoint', (ctx: ToyNode['ctx']) => ctx.send(1.5, { type: 'ping', counter: 0 }), 'send to unknown endpoint 1.5'],
    ['a negative timer', (ctx: ToyNode['ctx']) => ctx.setTimer('t', -5), 'timer t: afterUs must be a non-negative integer, got -5'],
    ['a fractional timer', (ctx: ToyNode['ctx']) => ctx.setTimer('t', 2.5), 'timer t: afterUs must be a non-negative integer, got 2.5'],
    ['a bad random range', (ctx: ToyNode['ctx']) => ctx.random.int(5, 1), 'empty range 5..1'],
  ])('%s', (_, misuse, message) => {
    const v = only(runSimulation(misusing(misuse)));
    expect(v).toMatchObject({ checker: PROTOCOL_EXCEPTION, node: 0, message: `n1 threw in onTimer("tick"): AssertionError: ${message}` });
  });

  it.each([
    ['a redirect to a node that does not exist', { type: 'redirect', leader: 7 }, 'reply: redirect to unknown node 7'],
    ['a response of no known type', { type: 'maybe' }, `reply: expected a response { type: 'ok' | 'fail' | 'redirect' }, got {"type":"maybe"}`],
  ])('a reply with %s', (_, response, message) => {
    const protocol: Protocol<ToyMsg, ToyNode> = {
      ...toyProtocol,
      createActor: (ctx, options) => {
        const actor = toyProtocol.createActor(ctx, options);
        actor.onRequest = (req) => ctx.reply(req, response as never);
        return actor;
      },
    };
    const v = only(runSimulation(toyConfig({ protocol })));
    expect(v.message).toMatch(new RegExp(`^n\\d threw in onRequest: AssertionError: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  });

  /** A protocol whose one client actor does `act` on its first timer. */
  function clientActing(act: (ctx: ClientContext<ToyMsg>) => void): SimConfig {
    const client = (ctx: ClientContext<ToyMsg>): ClientActor<ToyMsg> => ({
      onStart: () => ctx.setTimer('go', 1_000),
      onMessage: () => undefined,
      onTimer: () => act(ctx),
      summary: () => ({}),
    });
    return toyConfig({ protocol: { ...toyProtocol, createClient: client }, clients: { ...toyConfig().clients, clients: 1 } });
  }
  it.each([
    ['invokes while an operation is open', (ctx: ClientContext<ToyMsg>) => (ctx.invoke({ f: 'read' }), ctx.invoke({ f: 'write', value: 1 })), 'client c1 invoked write while read is still open'],
    ['completes without an open operation', (ctx: ClientContext<ToyMsg>) => ctx.complete('ok'), 'client c1 completed an operation (ok) without one open'],
    ['completes as neither ok, fail nor info', (ctx: ClientContext<ToyMsg>) => (ctx.invoke({ f: 'read' }), ctx.complete('done' as never)), 'client c1 completed an operation as "done": expected ok, fail or info'],
  ])('a client actor that %s', (_, act, message) => {
    const v = only(runSimulation(clientActing(act)));
    expect(v).toMatchObject({ checker: PROTOCOL_EXCEPTION, node: 3, atUs: 1_000, message: `c1 threw in onTimer("go"): AssertionError: ${message}` });
  });

  it("a client actor's nextOp: the workload is named", () => {
    const protocol = { ...toyProtocol, workload: { ...(toyProtocol.workload as Exclude<typeof toyProtocol.workload, string>), nextOp: throwingNextOp } };
    const config = clientActing((ctx) => ctx.nextOp());
    const v = only(runSimulation({ ...config, protocol: { ...config.protocol, workload: protocol.workload } }));
    expect(v).toMatchObject({ node: 3, message: 'workload toy threw in nextOp (client c1): Error: no more' });
    expect(v.stack).toMatch(/throwingNextOp/);
    expect(v.stack).not.toMatch(/onTimer/);
  });
});

function throwingNextOp(): never {
  throw new Error('no more');
}

describe('determinism', () => {
  /** The same run and exception, thrown through an extra frame or not (a different stack, a different message). */
  function deepOrNot(deep: boolean): Protocol<ToyMsg, ToyNode> {
    const fail = (text: string): never => {
      throw new Error(text);
    };
    const viaExtraFrame = (text: string): never => fail(text);
    return throwingIn('onMessage', 1, () => {
      try {
        if (deep) viaExtraFrame('deep');
        else fail('shallow');
      } catch (error) {
        return error;
      }
    });
  }

  it('the violation is hashed (checker and event), its stack and message are not', () => {
    const a = runSimulation(toyConfig({ protocol: deepOrNot(false), record: 'fuzz' }));
    const b = runSimulation(toyConfig({ protocol: deepOrNot(true), record: 'full' }));
    expect(a.violations[0].stack).not.toBe(b.violations[0].stack);
    expect(a.violations[0].message).not.toBe(b.violations[0].message);
    expect(b.hash).toBe(a.hash);
    expect(runSimulation(toyConfig({ protocol: deepOrNot(false), record: 'fuzz' })).hash).toBe(a.hash);
    // The same run stopped by a safety violation at the same event hashes differently (another checker).
    const safety: Protocol<ToyMsg, ToyNode> = {
      ...toyProtocol,
      invariants: () => [{ name: 'inv', onNote: (note) => (note.kind === 'recv' && note.node === 1 ? 'first message at n2' : undefined) }],
    };
    const c = runSimulation(toyConfig({ protocol: safety, record: 'fuzz' }));
    expect(c.violations[0].event).toBe(a.violations[0].event);
    expect(c.hash).not.toBe(a.hash);
  });
});

describe("faultline's own assertions are not the protocol's: KernelError goes through every boundary", () => {
  it('Core.caught rethrows a KernelError, and records anything else', () => {
    const core = new Core(false, undefined);
    const kernel = new KernelError('the queue is broken');
    expect(() => core.caught(kernel, 'n1', 'onMessage', 0)).toThrow(kernel);
    expect(core.stopped).toBe(false);
    core.caught(new AssertionError('the protocol is broken'), 'n1', 'onMessage', 0);
    expect(core.violations.map((v) => v.checker)).toEqual([PROTOCOL_EXCEPTION]);
    expect(core.stopped).toBe(true);
    expect(new KernelError('x')).toBeInstanceOf(AssertionError);
  });

  it('a kernel part checked directly: the event queue never holds a negative time', () => {
    const queue = new EventQueue<{ at: number; tie: number; seq: number }>();
    queue.push({ at: -1, tie: 0, seq: 0 });
    expect(() => queue.pop()).toThrow(KernelError);
  });

  it('a bad config that reached the kernel (the scenario layer validates it first)', () => {
    expect(() => runSimulation(toyConfig({ nodes: 0 }))).toThrow(KernelError);
    expect(() => runSimulation(toyConfig({ bugs: ['no-such-bug'] }))).toThrow(/protocol toy has no bug variant no-such-bug/);
  });

  /** An invariant that reaches into the kernel through its view (test only) and breaks it. */
  function breaking(breakIt: (world: { actors: { start(slot: unknown): void; slots: unknown[] }; core: { nowTrue: number } }) => void): Protocol<ToyMsg, ToyNode> {
    return {
      ...toyProtocol,
      invariants: () => [
        {
          name: 'breaker',
          onNote: (note, view) => {
            if (note.kind === 'recv') breakIt(view as never);
            return undefined;
          },
        },
      ],
    };
  }

  it('an actor started twice: thrown inside an invariant inside a handler, it still escapes the run', () => {
    const protocol = breaking((world) => world.actors.start(world.actors.slots[0]));
    expect(() => runSimulation(toyConfig({ protocol }))).toThrow(new KernelError('node n1 is already up'));
  });

  it('time going backwards', () => {
    const protocol = breaking((world) => {
      world.core.nowTrue += 10_000_000;
    });
    expect(() => runSimulation(toyConfig({ protocol }))).toThrow(/^time went backwards: \d+ < \d+$/);
    try {
      runSimulation(toyConfig({ protocol }));
    } catch (error) {
      expect(error).toBeInstanceOf(KernelError);
    }
  });
});
