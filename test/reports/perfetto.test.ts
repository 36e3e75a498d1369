// The Perfetto export (reports/shared/perfetto.ts) on real Raft runs: every event passes a
// schema of the Trace Event Format, every delivery (duplicates too) is one flow bound to
// slices at both ends, drops are instants without flows, faults and violations are
// instants, state fields are numeric counters, ops are paired async slices, and the JSON is
// byte-identical across builds. The validator itself is shown to reject broken traces.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportRun } from '../../reports/build-data.js';
import { K, type ReportRun } from '../../reports/shared/data.js';
import { BODY_MAX_CHARS, FLOW_CAT, chromeTraceJson, toChromeTrace, type ChromeTrace, type ChromeTraceEvent } from '../../reports/shared/perfetto.js';
import { loadScenario } from '../../scenario/load.js';
import { runScenario } from '../../scenario/runner.js';
import { schemaProblems, structureProblems, traceProblems, type CheckedEvent } from './chrome-trace-check.js';

async function reportRun(file: string): Promise<ReportRun> {
  const loaded = await loadScenario(file);
  return buildReportRun(runScenario(loaded, { record: 'full' }), { version: '0' });
}

/** Rows of one kind. */
function count(run: ReportRun, kind: number): number {
  let n = 0;
  for (let r = 0; r < run.rows.length; r++) if (run.rows.kind[r] === kind) n++;
  return n;
}

/** Deliveries per message id. */
function deliveries(run: ReportRun): Map<number, number> {
  const out = new Map<number, number>();
  for (let r = 0; r < run.rows.length; r++) if (run.rows.kind[r] === K.deliver) out.set(run.rows.msg[r], (out.get(run.rows.msg[r]) ?? 0) + 1);
  return out;
}

const byPh = (trace: ChromeTrace, ph: string): ChromeTraceEvent[] => trace.traceEvents.filter((e) => e.ph === ph);

const SCENARIOS = {
  // The random nemesis: loss 2 %, duplicates 5 %, partitions, crashes, pauses, clock faults.
  nemesis: 'scenarios/raft/nemesis.yaml',
  // Crashes and restarts of leaders and of a minority, with loss and duplicates.
  crash: 'scenarios/raft/crash-restart.yaml',
  // The leader isolated twice: blocked links, drops at send.
  partition: 'scenarios/raft/leader-partition.yaml',
  // Every kind of row: pause, crash, restart, partition, heal, clock jump, loss burst, loss and duplicates.
  faults: 'test/fixtures/scenarios/perfetto-faults.yaml',
  // A known bug: two leaders in one term (a safety violation).
  failing: 'scenarios/raft/volatile-vote.yaml',
} as const;
type Name = keyof typeof SCENARIOS;

const runs = {} as Record<Name, ReportRun>;
const traces = {} as Record<Name, ChromeTrace>;

beforeAll(async () => {
  for (const name of Object.keys(SCENARIOS) as Name[]) {
    runs[name] = await reportRun(SCENARIOS[name]);
    traces[name] = toChromeTrace(runs[name]);
  }
});

describe.each(Object.keys(SCENARIOS) as Name[])('the Chrome trace of %s', (name) => {
  it('passes the Trace Event Format schema and the structural rules', () => {
    expect(schemaProblems(traces[name])).toEqual([]);
    // The JSON text too (what a viewer reads), not only the objects.
    expect(traceProblems(JSON.parse(chromeTraceJson(runs[name])))).toEqual([]);
  });

  it('has one flow per delivery, duplicates included, each with its own id', () => {
    const trace = traces[name];
    const starts = byPh(trace, 's');
    const finishes = byPh(trace, 'f');
    expect(starts.length).toBe(count(runs[name], K.deliver));
    expect(finishes.length).toBe(starts.length);
    expect(new Set(starts.map((e) => e.id)).size).toBe(starts.length);
    for (const e of [...starts, ...finishes]) expect(e.cat).toBe(FLOW_CAT);
    // A duplicated message has as many flows as deliveries.
    const flowsOf = new Map<number, number>();
    for (const e of starts) {
      const msg = (e.args as { msg: number }).msg;
      flowsOf.set(msg, (flowsOf.get(msg) ?? 0) + 1);
    }
    expect(flowsOf).toEqual(deliveries(runs[name]));
  });

  it('draws each drop as an instant, with no flow for a message never delivered', () => {
    const run = runs[name];
    const drops = byPh(traces[name], 'i').filter((e) => e.cat === 'drop');
    expect(drops.length).toBe(count(run, K.drop));
    const delivered = deliveries(run);
    const flowMsgs = new Set(byPh(traces[name], 's').map((e) => (e.args as { msg: number }).msg));
    for (const e of drops) {
      expect(e.s).toBe('t');
      const msg = (e.args as { msg: number }).msg;
      if (!delivered.has(msg)) expect(flowMsgs.has(msg)).toBe(false);
    }
  });

  it('names a process for every lane and the network, each with one thread', () => {
    const trace = traces[name];
    const names = new Map(byPh(trace, 'M').filter((e) => e.name === 'process_name').map((e) => [e.pid, (e.args as { name: string }).name]));
    const lanes = runs[name].lanes;
    for (const lane of lanes) expect(names.get(lane.id + 1)).toBe(`${lane.name} (${lane.kind === 'node' ? 'server' : 'client'})`);
    expect(names.get(lanes.length + 1)).toBe('network');
    expect(names.has(0)).toBe(false);
    for (const e of trace.traceEvents) expect(e.tid).toBe(e.pid);
  });

  it('has numeric counters for the state fields of every node, and role changes', () => {
    const trace = traces[name];
    const counters = byPh(trace, 'C');
    for (const e of counters) for (const v of Object.values(e.args as object)) expect(Number.isFinite(v)).toBe(true);
    const nodes = runs[name].lanes.filter((l) => l.kind === 'node');
    for (const lane of nodes) {
      const fields = new Set(counters.filter((e) => e.pid === lane.id + 1).map((e) => e.name));
      for (const f of ['term', 'commitIndex', 'lastLogIndex']) expect(fields.has(f)).toBe(true);
      expect(byPh(trace, 'i').some((e) => e.pid === lane.id + 1 && e.name === 'role: follower')).toBe(true);
    }
  });

  it('pairs every client operation as an async slice coloured by status', () => {
    const run = runs[name];
    const begins = byPh(traces[name], 'b');
    let traced = 0;
    for (let o = 0; o < run.ops.length; o++) if (run.ops.lane[o] >= 0) traced++;
    expect(traced).toBeGreaterThan(0);
    expect(begins.length).toBe(traced);
    expect(byPh(traces[name], 'e').length).toBe(traced);
    for (const e of begins) expect(['op.ok', 'op.fail', 'op.info', 'op.open']).toContain(e.cat);
  });

  it('is deterministic: two runs and two builds give the same bytes', async () => {
    const again = await reportRun(SCENARIOS[name]);
    const text = chromeTraceJson(runs[name]);
    expect(chromeTraceJson(again)).toBe(text);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(toChromeTrace(again))));
  });
});

describe('what the runs put in the trace', () => {
  it('the nemesis run has drops, duplicates, crashes and blocked links', () => {
    const run = runs.nemesis;
    const trace = traces.nemesis;
    expect(count(run, K.drop)).toBeGreaterThan(0);
    expect([...deliveries(run).values()].some((n) => n > 1)).toBe(true);
    const instants = new Set(byPh(trace, 'i').map((e) => e.name));
    for (const n of ['crash', 'restart']) expect(instants.has(n)).toBe(true);
    expect(byPh(trace, 'X').some((e) => e.cat === 'network' && /links blocked/.test(e.name))).toBe(true);
  });

  it('the faults run has each node fault on its thread, the fault on its process, the network faults global', () => {
    const run = runs.faults;
    const trace = traces.faults;
    expect(count(run, K.drop)).toBeGreaterThan(0);
    expect([...deliveries(run).values()].some((n) => n > 1)).toBe(true);
    const instants = byPh(trace, 'i');
    const node = instants.filter((e) => e.cat === 'node').map((e) => [e.name, e.pid, e.s]);
    expect(node).toEqual([
      ['pause', 1, 't'],
      ['resume', 1, 't'],
      ['crash', 2, 't'],
      ['restart', 2, 't'],
    ]);
    const faults = instants.filter((e) => e.cat === 'fault').map((e) => [e.name, e.s]);
    expect(faults).toEqual([
      ['pause', 'p'],
      ['crash', 'p'],
      ['restart', 'p'],
      ['partition', 'g'],
      ['heal', 'g'],
      ['clock-jump', 'p'],
      ['loss-burst', 'g'],
      ['loss-end', 'g'],
      ['faults-stop', 'g'],
    ]);
    expect(instants.some((e) => e.cat === 'clock' && e.pid === 3 && e.name === 'clock +50.000 ms')).toBe(true);
    const bands = byPh(trace, 'X').filter((e) => e.cat === 'network');
    expect(bands.map((e) => [e.ts, e.dur, (e.args as { blocked: string[] }).blocked])).toEqual([[1_400_000, 400_000, ['n1→n2', 'n1→n3', 'n2→n1', 'n3→n1']]]);
  });

  it('the partition run marks its faults as global instants and its blocked links as bands on the network process', () => {
    const trace = traces.partition;
    const net = runs.partition.lanes.length + 1;
    const global = byPh(trace, 'i').filter((e) => e.s === 'g');
    expect(global.map((e) => e.name)).toEqual(['heal', 'heal', 'faults-stop']);
    const isolate = byPh(trace, 'i').filter((e) => e.name === 'isolate');
    expect(isolate.map((e) => e.s)).toEqual(['p', 'p']);
    const bands = byPh(trace, 'X').filter((e) => e.pid === net);
    expect(bands.map((e) => [e.ts, e.dur, e.name])).toEqual([
      [2_000_000, 2_000_000, '8 links blocked'],
      [5_000_000, 2_000_000, '8 links blocked'],
    ]);
  });

  it('the crash run marks each crash and restart on the node', () => {
    const run = runs.crash;
    const crashes = byPh(traces.crash, 'i').filter((e) => e.cat === 'node' && e.name === 'crash');
    expect(crashes.length).toBe(count(run, K.crash));
    for (const e of crashes) expect(e.s).toBe('t');
    expect(byPh(traces.crash, 'i').filter((e) => e.cat === 'node' && e.name === 'restart').length).toBe(count(run, K.restart));
  });

  it('the failing run has its violation as a global instant, with its message', () => {
    const v = runs.failing.meta.violations;
    expect(v.length).toBeGreaterThan(0);
    const marks = byPh(traces.failing, 'i').filter((e) => e.cat === 'violation');
    expect(marks.map((e) => [e.name, e.s, e.ts, (e.args as { message: string }).message])).toEqual(v.map((x) => [`violation: ${x.checker}`, 'g', x.atUs, x.message]));
  });

  it('names slices by their trigger and keeps the true time in args', () => {
    const slices = byPh(traces.partition, 'X').filter((e) => e.cat !== 'network');
    const names = new Set(slices.map((e) => e.name.split(' ')[0]));
    for (const n of ['deliver', 'timer', 'invoke', 'start']) expect(names.has(n)).toBe(true);
    for (const e of slices) {
      const args = e.args as { t: number; rows: unknown[] };
      expect(e.ts).toBeGreaterThanOrEqual(args.t);
      expect(e.ts - args.t).toBeLessThanOrEqual(5); // laid end to end: a few µs at most
      expect(args.rows.length).toBeGreaterThan(0);
    }
  });

  it('carries the run in otherData', () => {
    const m = runs.failing.meta;
    const o = traces.failing.otherData;
    expect(o).toMatchObject({ scenario: m.scenario, protocol: 'raft', seed: m.seed, verdict: 'fail', hash: m.hash, replay: m.replay, faultlineVersion: '0' });
  });

  it('cuts a huge body to a bounded text', () => {
    const run = runs.partition;
    let first = -1;
    for (let r = 0; r < run.rows.length && first < 0; r++) if (run.rows.kind[r] === K.send) first = r;
    const strings = [...run.strings];
    strings[run.rows.body[first]] = JSON.stringify({ blob: 'x'.repeat(100_000) });
    const trace = toChromeTrace({ ...run, strings });
    expect(traceProblems(trace)).toEqual([]);
    const slice = byPh(trace, 'X').find((e) => (e.args as { rows: Array<{ body?: unknown }> }).rows.some((row) => typeof row.body === 'string' && row.body.includes('chars)')));
    expect(slice).toBeDefined();
    const longest = Math.max(...byPh(trace, 'X').map((e) => JSON.stringify(e.args).length));
    expect(longest).toBeLessThan(40 * (BODY_MAX_CHARS + 200));
  });
});

describe('the validator rejects broken traces', () => {
  const copy = (): ChromeTrace => JSON.parse(JSON.stringify(traces.partition)) as ChromeTrace;
  const events = (trace: ChromeTrace): CheckedEvent[] => trace.traceEvents as unknown as CheckedEvent[];

  it('a flow finish removed', () => {
    const trace = copy();
    const f = trace.traceEvents.findIndex((e) => e.ph === 'f');
    trace.traceEvents.splice(f, 1);
    expect(schemaProblems(trace)).toEqual([]);
    expect(structureProblems(events(trace)).some((p) => /start without a finish/.test(p))).toBe(true);
  });

  it('an event with a string ts', () => {
    const trace = copy();
    (trace.traceEvents[40] as { ts: unknown }).ts = '12';
    expect(schemaProblems(trace).some((p) => p.startsWith('traceEvents.40.ts'))).toBe(true);
  });

  it('a negative dur, a fractional pid, an instant without a scope, a counter with text, an unknown metadata name', () => {
    const breakers: Array<(e: Record<string, unknown>) => boolean> = [
      (e) => e.ph === 'X' && ((e.dur = -1), true),
      (e) => e.ph === 'X' && ((e.pid = 1.5), true),
      (e) => e.ph === 'i' && (delete e.s, true),
      (e) => e.ph === 'C' && ((e.args = { value: 'three' }), true),
      (e) => e.ph === 'M' && ((e.name = 'process_label'), true),
      (e) => e.ph === 'X' && ((e.ts = Number.NaN), true),
    ];
    for (const breaker of breakers) {
      const trace = copy();
      expect(trace.traceEvents.some((e) => breaker(e))).toBe(true);
      expect(schemaProblems(trace).length).toBeGreaterThan(0);
    }
  });

  it('a flow start moved out of its slice, a finish before its start, overlapping slices', () => {
    let trace = copy();
    const s = trace.traceEvents.find((e) => e.ph === 's') as ChromeTraceEvent;
    s.ts += 0.75;
    expect(structureProblems(events(trace)).some((p) => /'s' at .* is in no slice/.test(p))).toBe(true);

    trace = copy();
    const start = trace.traceEvents.find((e) => e.ph === 's') as ChromeTraceEvent;
    const finish = trace.traceEvents.find((e) => e.ph === 'f' && e.id === start.id) as ChromeTraceEvent;
    finish.ts = start.ts - 10;
    expect(structureProblems(events(trace)).some((p) => /before its start|in no slice/.test(p))).toBe(true);

    trace = copy();
    const x = trace.traceEvents.filter((e) => e.ph === 'X' && e.pid === 1);
    x[1].ts = x[0].ts;
    expect(structureProblems(events(trace)).some((p) => /overlaps/.test(p))).toBe(true);
  });

  it('an async end removed, an event on an unnamed process', () => {
    let trace = copy();
    trace.traceEvents.splice(trace.traceEvents.findIndex((e) => e.ph === 'e'), 1);
    expect(structureProblems(events(trace)).some((p) => /begin without an end/.test(p))).toBe(true);
    trace = copy();
    trace.traceEvents.push({ name: 'stray', ph: 'i', ts: 1, pid: 99, tid: 99, s: 't' });
    expect(structureProblems(events(trace))).toContain('pid 99 has no process_name');
  });
});
