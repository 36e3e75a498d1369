// Regression: a redirect with a leader hint that reaches a built-in client after its
// operation's deadline (opStart + opTimeout) used to send the request again and schedule
// its timeout at min(now + requestTimeout, deadline): in the past, and the run died with
// "time went backwards" (an internal error). An operation past its deadline completes
// `info` with error 'timeout' instead, whichever path leads to a send.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../scenario/load.js';
import { runScenario } from '../../scenario/runner.js';
import type { ClientRequest, Protocol } from '../../sim/types.js';
import { runSimulation } from '../../sim/world.js';
import { toyConfig } from './config-helpers.js';
import { toyProtocol, type ToyMsg, type ToyNode } from './toy-protocol.js';

const OP_TIMEOUT_US = 100_000;

/**
 * Every node holds each request and answers it twice: a redirect with no leader known
 * just before the client's deadline (the client backs off, with no timeout pending), then
 * a redirect with a hint just after it.
 */
const lateRedirects: Protocol<ToyMsg, ToyNode> = {
  ...toyProtocol,
  createActor: (ctx, options) => {
    const actor = toyProtocol.createActor(ctx, options);
    let held: ClientRequest | undefined;
    actor.onStart = () => undefined;
    actor.onRequest = (req) => {
      held = req;
      ctx.setTimer('no-hint', OP_TIMEOUT_US - 4_000);
      ctx.setTimer('hint', OP_TIMEOUT_US);
    };
    actor.onTimer = (name) => {
      if (held === undefined) return;
      ctx.reply(held, name === 'hint' ? { type: 'redirect', leader: (ctx.id + 2) % ctx.nodes.length } : { type: 'redirect' });
    };
    return actor;
  },
};

describe('a redirect that arrives after the operation deadline', () => {
  it('completes the operation info (timeout) instead of sending it again', () => {
    const result = runSimulation(
      toyConfig({
        protocol: lateRedirects,
        network: { latency: { kind: 'fixed', us: 1_000 }, lossPpm: 0, duplicatePpm: 0, cut: [] },
        durationUs: 400_000,
        faultsStopUs: 400_000,
        clients: { clients: 1, workload: { keyCount: 1, mix: { read: 1 } }, thinkUs: [0, 0], requestTimeoutUs: 200_000, opTimeoutUs: OP_TIMEOUT_US, stopUs: 50_000 },
      }),
    );
    const ops = result.history.map((e) => [e.type, e.timeUs, e.error]);
    // Invoked at 0; the no-hint redirect at 98 ms (retry due at 118 ms); the hinted one at 102 ms, past the deadline.
    expect(ops).toEqual([
      ['invoke', 0, undefined],
      ['info', 102_000, 'timeout'],
    ]);
    expect(result.violations).toEqual([]);
  });

  it('raft under the nemesis with 20% duplication and 5% loss, seed 240 (which hit it)', async () => {
    const file = 'test/fixtures/scenarios/raft-nemesis-classic.yaml';
    const text = readFileSync(file, 'utf8').replace(/^network: .*$/m, 'network: { latency: { uniform: [1ms, 10ms] }, loss: 5%, duplicate: 20% }');
    expect(text).toContain('duplicate: 20%');
    const loaded = await parseScenario(text, file, { overrides: { seed: '240' } });
    const run = runScenario(loaded);
    expect(run.verdict).toBe('pass');
    expect(run.result.history.some((e) => e.type === 'info' && e.error === 'timeout')).toBe(true);
  });
});
