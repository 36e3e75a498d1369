// The report's data, on the Node side: built from real runs, it places every trace entry on
// a lane, pairs the history, puts violations on their rows, resolves the linearizability
// counterexample, survives the embedded codec bit for bit, and is the same for the same run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildReportRun, summaryLine } from '../../reports/build-data.js';
import { allocOps, allocRows, decodeReport, encodeReport } from '../../reports/shared/codec.js';
import { K, OP_STATUS, REPORT_FORMAT, type ReportData, type ReportRun } from '../../reports/shared/data.js';
import { firstDivergence } from '../../reports/shared/diverge.js';
import { loadScenario } from '../../scenario/load.js';
import { runScenario, type ScenarioRun } from '../../scenario/runner.js';
import { fcSeed } from '../sim/fc-seed.js';

async function fullRun(path: string, seed?: string): Promise<ScenarioRun> {
  const loaded = await loadScenario(path, { record: 'full', ...(seed !== undefined ? { seed } : {}) });
  return runScenario(loaded);
}

const reportOf = (run: ScenarioRun): ReportRun => buildReportRun(run, { version: 'test' });

describe('buildReportRun', () => {
  it('puts every trace entry but the roles on a row, in trace order, on the lane it happens on', async () => {
    const run = await fullRun('scenarios/raft/figure-8.yaml');
    const data = reportOf(run);
    const trace = run.result.trace!;
    const kept = trace.filter((e) => e.k !== 'roles');
    expect(data.rows.length).toBe(kept.length);
    expect(data.lanes.map((l) => l.name)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'c1', 'c2']);
    expect(data.lanes[0].roles).toEqual(['server']);
    for (let r = 0; r < kept.length; r++) {
      const e = kept[r];
      expect(data.rows.t[r]).toBe(e.t);
      expect(data.rows.step[r]).toBe(e.i);
      if (e.k === 'send') expect([data.rows.lane[r], data.rows.peer[r], data.rows.msg[r], data.rows.kind[r]]).toEqual([e.from, e.to, e.id, K.send]);
      if (e.k === 'deliver') expect([data.rows.lane[r], data.rows.peer[r], data.rows.msg[r], data.rows.kind[r]]).toEqual([e.to, e.from, e.id, K.deliver]);
      if (e.k === 'state') expect(data.strings[data.rows.body[r]]).toBe(JSON.stringify(e.summary));
      if (e.k === 'history') expect(data.rows.lane[r]).toBe(e.by);
    }
    // Time never goes back.
    for (let r = 1; r < data.rows.length; r++) expect(data.rows.t[r]).toBeGreaterThanOrEqual(data.rows.t[r - 1]);
  });

  it('pairs each invoke with its completion, as the history has them', async () => {
    const run = await fullRun('scenarios/raft/figure-8.yaml');
    const data = reportOf(run);
    const history = run.result.history;
    expect(data.ops.length).toBe(history.filter((e) => e.type === 'invoke').length);
    for (let o = 0; o < data.ops.length; o++) {
      const invoke = history[data.ops.invokeIndex[o]];
      expect(invoke.type).toBe('invoke');
      expect(invoke.process).toBe(data.ops.process[o]);
      expect(data.ops.invokeUs[o]).toBe(invoke.timeUs);
      const status = OP_STATUS[data.ops.status[o]];
      if (status === 'open') {
        expect(data.ops.completeIndex[o]).toBe(-1);
        continue;
      }
      const done = history[data.ops.completeIndex[o]];
      expect(done.process).toBe(invoke.process);
      expect(done.type).toBe(status);
      expect(done.index).toBeGreaterThan(invoke.index);
      // The completion's trace row points back at this op.
      expect(data.rows.peer[data.ops.completeRow[o]]).toBe(o);
      expect(data.rows.kind[data.ops.invokeRow[o]]).toBe(K.history);
    }
  });

  it('places a safety violation on the last row of its step, on the lane of the actor that handled it', async () => {
    const run = await fullRun('scenarios/raft/figure-8.yaml');
    const data = reportOf(run);
    const v = data.meta.violations[0];
    expect(v.checker).toBe('commit-current-term');
    expect(data.rows.step[v.row]).toBe(v.event);
    if (v.row + 1 < data.rows.length) expect(data.rows.step[v.row + 1]).toBeGreaterThan(v.event);
    // The message says which leader; the lane is that node.
    const leader = /leader (n\d+)/.exec(v.message)![1];
    expect(data.lanes[v.lane].name).toBe(leader);
    expect(data.meta.verdict).toBe('fail');
    expect(data.meta.replay).toContain('faultline run');
  });

  it('resolves the linearizability counterexample to operations, with linearization points in order', async () => {
    const run = await fullRun('scenarios/raft/local-read.yaml');
    const data = reportOf(run);
    const lin = data.meta.linearizability!;
    expect(lin.verdict).toBe('not-linearizable');
    const cx = lin.counterexample!;
    const source = run.linearizabilityResult!.counterexample!;
    expect(data.ops.invokeIndex[cx.op]).toBe(source.op.invokeIndex);
    expect(cx.linearization.length).toBe(source.linearization.length);
    let previous = -Infinity;
    for (const step of cx.linearization) {
      expect(step.op).toBeGreaterThanOrEqual(0);
      expect(step.pointUs).toBeGreaterThanOrEqual(previous);
      expect(step.pointUs).toBeGreaterThanOrEqual(data.ops.invokeUs[step.op]);
      if (data.ops.completeUs[step.op] >= 0) expect(step.pointUs).toBeLessThanOrEqual(data.ops.completeUs[step.op]);
      previous = step.pointUs;
    }
    // The violation is drawn at the completion of the op that could not be linearized.
    const v = data.meta.violations.find((x) => x.kind === 'linearizability')!;
    expect(v.row).toBe(data.ops.completeRow[cx.op]);
    expect(v.lane).toBe(data.ops.lane[cx.op]);
  });

  it('records the links a partition blocks and heals, and clock changes', async () => {
    const run = await fullRun('scenarios/raft/figure-8.yaml');
    const data = reportOf(run);
    const links = [];
    for (let r = 0; r < data.rows.length; r++) if (data.rows.kind[r] === K.links) links.push(JSON.parse(data.strings[data.rows.body[r]]) as { blocked: number[][] });
    expect(links.length).toBeGreaterThanOrEqual(2);
    // figure-8's partition {n4 n1} | {n2 n3 n5} blocks n1 -> n2 and n2 -> n1.
    expect(links[0].blocked).toContainEqual([0, 1]);
    expect(links[0].blocked).toContainEqual([1, 0]);
    expect(links.at(-1)!.blocked).toEqual([]);
  });

  it('is the same for the same run, and hashes do not change when a report is built', async () => {
    const a = reportOf(await fullRun('scenarios/raft/figure-8.yaml'));
    const b = reportOf(await fullRun('scenarios/raft/figure-8.yaml'));
    expect(Buffer.from(encodeReport({ format: REPORT_FORMAT, runs: [a] })).equals(Buffer.from(encodeReport({ format: REPORT_FORMAT, runs: [b] })))).toBe(true);
    const fuzzLevel = runScenario(await loadScenario('scenarios/raft/figure-8.yaml', { record: 'fuzz' }));
    expect(a.meta.hash).toBe(fuzzLevel.result.hash);
  });

  it('summarises a state in one line, role first', () => {
    expect(summaryLine({ role: 'leader', term: 3, commitIndex: 160, log: [1, 2], leader: null })).toBe('leader · term 3 · commitIndex 160 · leader -');
    expect(summaryLine({ a: 1 })).toBe('a 1');
  });
});

describe('the report codec', () => {
  it('round-trips real runs exactly', async () => {
    const runs = [reportOf(await fullRun('scenarios/raft/figure-8.yaml')), reportOf(await fullRun('scenarios/raft/local-read.yaml'))];
    const data: ReportData = { format: REPORT_FORMAT, runs, divergence: firstDivergence(runs[0], runs[1]) };
    const back = decodeReport(encodeReport(data));
    expect(back).toEqual(data);
  });

  it('round-trips any columns (property)', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(1e12), fc.integer(), fc.integer({ min: 0, max: 255 }), finite), { maxLength: 60 }), fc.array(fc.string(), { maxLength: 10 }), (cells, strings) => {
        const rows = allocRows(cells.length);
        const ops = allocOps(cells.length);
        cells.forEach(([t, x, k, f], i) => {
          rows.t[i] = t;
          rows.step[i] = x;
          rows.lane[i] = x;
          rows.kind[i] = k;
          rows.peer[i] = -x;
          rows.msg[i] = x;
          rows.label[i] = x;
          rows.body[i] = x;
          ops.invokeUs[i] = f;
          ops.status[i] = k;
          ops.process[i] = x;
        });
        const run = { meta: { scenario: '</script>', figures: {} }, lanes: [], strings, rows, ops } as unknown as ReportRun;
        const data: ReportData = { format: REPORT_FORMAT, runs: [run] };
        expect(decodeReport(encodeReport(data))).toEqual(data);
      }),
      { seed: fcSeed },
    );
  });

  it('refuses bytes that are not a report', () => {
    expect(() => decodeReport(new Uint8Array([1, 2, 3]))).toThrow();
  });
});

describe('firstDivergence', () => {
  it('finds none between a run and itself, and one between two seeds', async () => {
    const a = reportOf(await fullRun('scenarios/raft/figure-8.yaml'));
    const a2 = reportOf(await fullRun('scenarios/raft/figure-8.yaml'));
    expect(firstDivergence(a, a2)).toBeUndefined();
    const b = reportOf(await fullRun('scenarios/raft/figure-8.yaml', '2'));
    const d = firstDivergence(a, b)!;
    expect(d).toBeDefined();
    expect(d.why).toMatch(/ \/ /);
    // Before it, the events (state, link and clock rows aside) are the same in both runs.
    const events = (run: ReportRun, end: number) => {
      const out: string[] = [];
      for (let r = 0; r < end; r++) if (run.rows.kind[r] !== K.state && run.rows.kind[r] !== K.links && run.rows.kind[r] !== K.clock) out.push(`${run.rows.t[r]} ${run.rows.kind[r]} ${run.rows.lane[r]} ${run.strings[run.rows.label[r]]}`);
      return out;
    };
    expect(events(a, d.rows[0])).toEqual(events(b, d.rows[1]));
    const [ra, rb] = d.rows;
    expect(`${a.rows.t[ra]} ${a.rows.kind[ra]} ${a.strings[a.rows.label[ra]]}`).not.toBe(`${b.rows.t[rb]} ${b.rows.kind[rb]} ${b.strings[b.rows.label[rb]]}`);
  });

  it('marks where one run stops while the other goes on', async () => {
    const a = reportOf(await fullRun('scenarios/raft/figure-8.yaml'));
    const cut: ReportRun = { ...a, rows: { ...a.rows, length: 100 } };
    const d = firstDivergence(cut, a)!;
    expect(d.why).toMatch(/the first run ends/);
  });
});
