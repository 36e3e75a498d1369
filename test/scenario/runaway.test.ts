// Scenarios the schema used to accept that cannot make sense and ran away (V8 abort, event
// budget, assertion): each is bad input naming the file, the line and the field.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../scenario/load.js';
import type { ProtocolResolver } from '../../scenario/registry.js';
import { resolveProtocol } from '../../scenario/registry.js';
import { echoProtocol } from '../cli/echo-protocol.js';
import { inputError } from './input-error.js';

const echoOnly: ProtocolResolver = async (ref) => (ref === 'echo' ? { ok: true, value: echoProtocol } : { ok: false, error: 'echo' });

const base = ['protocol: echo', 'nodes: 3', 'duration: 10s'];

describe('runaway scenarios are bad input', () => {
  it.each([
    { lines: ['nemesis:', '  faults: { crash: 1 }', '  interval: [0ms, 0ms]'], line: 6, field: 'nemesis.interval', expected: /max above 0/ },
    { lines: ['nemesis:', '  faults: { crash: 1 }', '  interval: [0, 0]'], line: 6, field: 'nemesis.interval', expected: /max above 0/ },
    { lines: ['clients:', '  requestTimeout: 1us'], line: 5, field: 'clients.requestTimeout', expected: /request timeout of at least 1ms \(got 1us\)/ },
    { lines: ['clients:', '  opTimeout: 999us'], line: 5, field: 'clients.opTimeout', expected: /operation timeout of at least 1ms/ },
    { lines: ['clients:', '  think: [0, 9007199254740991us]'], line: 5, field: 'clients.think[1]', expected: /at most a year/ },
    { lines: ['clients:', '  think: [0, 20s]'], line: 5, field: 'clients.think', expected: /think time of at most the duration \(10s\)/ },
    { lines: ['nemesis:', '  faults: { clock: 1 }', '  clockJumpMax: 9007199254740991us'], line: 6, field: 'nemesis.clockJumpMax', expected: /at most a year/ },
    { lines: ['faults:', '  - { at: 1s, kind: clock-jump, node: n1, by: -9007199254740991us }'], line: 5, field: 'faults[0].by', expected: /at most a year/ },
  ])('$field', async ({ lines, line, field, expected }) => {
    const error = await inputError(parseScenario([...base, ...lines].join('\n'), 's.yaml', { resolveProtocol: echoOnly }));
    expect(error.file).toBe('s.yaml');
    expect(error.line).toBe(line);
    expect(error.field).toBe(field);
    expect(error.expected).toMatch(expected);
  });

  it('min 0 is fine when the max is above 0', async () => {
    const loaded = await parseScenario([...base, 'nemesis:', '  faults: { crash: 1 }', '  interval: [0, 1ms]'].join('\n'), 's.yaml', { resolveProtocol: echoOnly });
    expect(loaded.config.nemesis?.intervalUs).toEqual([0, 1_000]);
  });

  it('raft heartbeatUs: 1us names the option', async () => {
    const text = ['protocol: raft', 'nodes: 3', 'duration: 10s', 'options:', '  heartbeatUs: 1us'].join('\n');
    const error = await inputError(parseScenario(text, 'r.yaml', { resolveProtocol }));
    expect(error.line).toBe(5);
    expect(error.field).toBe('options.heartbeatUs');
    expect(error.expected).toMatch(/at least 1ms/);
  });
});
