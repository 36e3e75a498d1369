// The client's model of a run, in Node (it uses no DOM): lanes' rows, message edges, the
// causal past, partition bands and clocks, on real runs.
import { describe, expect, it } from 'vitest';
import { buildReportRun } from '../../reports/build-data.js';
import { RunModel } from '../../reports/client/model.js';
import { K } from '../../reports/shared/data.js';
import { loadScenario } from '../../scenario/load.js';
import { runScenario } from '../../scenario/runner.js';

async function modelOf(path: string): Promise<RunModel> {
  const run = runScenario(await loadScenario(path, { record: 'full' }));
  return new RunModel(buildReportRun(run, { version: 'test' }));
}

describe('RunModel', () => {
  it('indexes each lane and each message edge', async () => {
    const m = await modelOf('scenarios/raft/figure-8.yaml');
    let total = m.globalRows.length;
    for (const list of m.laneRows) total += list.length;
    expect(total).toBe(m.rows.length);
    let deliveries = 0;
    for (let r = 0; r < m.rows.length; r++) if (m.rows.kind[r] === K.deliver || m.rows.kind[r] === K.drop) deliveries++;
    expect(m.edges.length).toBe(deliveries);
    for (let e = 0; e < m.edges.length; e++) {
      const from = m.edges.from[e];
      const to = m.edges.to[e];
      expect(m.rows.kind[from]).toBe(K.send);
      expect(m.rows.msg[from]).toBe(m.rows.msg[to]);
      expect(m.rows.t[to]).toBeGreaterThanOrEqual(m.rows.t[from]);
    }
  });

  it('takes the causal past through lanes and deliveries, and nothing that came after', async () => {
    const m = await modelOf('scenarios/raft/figure-8.yaml');
    // A delivery late in the run: its send is in its past, and so is everything before the send on the sender.
    let r = m.rows.length - 1;
    while (m.rows.kind[r] !== K.deliver) r--;
    const past = m.causalPast(r);
    const send = m.edges.from[m.edgeTo[r]];
    expect(past[r]).toBe(1);
    expect(past[send]).toBe(1);
    const senderRows = m.laneRows[m.rows.lane[send]];
    for (let p = 0; p <= m.lanePos[send]; p++) expect(past[senderRows[p]]).toBe(1);
    // Nothing after r on its lane, nothing after the send on the sender's lane unless reached another way.
    const lane = m.laneRows[m.rows.lane[r]];
    for (let p = m.lanePos[r] + 1; p < lane.length; p++) expect(past[lane[p]]).toBe(0);
    // Every row in the past happened no later than r.
    for (let x = 0; x < m.rows.length; x++) if (past[x] === 1) expect(m.rows.t[x]).toBeLessThanOrEqual(m.rows.t[r]);
    // It is closed: each row's lane predecessor and each delivery's send are in it too.
    for (let x = 0; x < m.rows.length; x++) {
      if (past[x] !== 1 || m.rows.lane[x] < 0) continue;
      const pos = m.lanePos[x];
      if (pos > 0) expect(past[m.laneRows[m.rows.lane[x]][pos - 1]]).toBe(1);
      const e = m.edgeTo[x];
      if (e >= 0 && m.edges.how[e] !== 3) expect(past[m.edges.from[e]]).toBe(1);
    }
    // And it is not everything.
    expect(past.reduce((a, b) => a + b, 0)).toBeLessThan(m.rows.length);
  });

  it('groups the nodes of a partition into bands; clients that reach every side join none', async () => {
    const m = await modelOf('scenarios/raft/figure-8.yaml');
    expect(m.bands.length).toBeGreaterThan(0);
    const first = m.bands[0];
    expect(first.label).toBe('partition {n1 n4} | {n2 n3 n5}');
    expect(first.group[0]).toBe(first.group[3]);
    expect(first.group[1]).not.toBe(first.group[0]);
    expect(first.group[5]).toBe(-1);
    expect(first.endUs).toBeGreaterThan(first.startUs);
  });

  it('reads clock changes', async () => {
    const m = await modelOf('test/fixtures/scenarios/perfetto-faults.yaml');
    expect(m.clocks.length).toBeGreaterThan(0);
    for (const c of m.clocks) expect(m.lanes[c.lane].kind).toBe('node');
  });
});
