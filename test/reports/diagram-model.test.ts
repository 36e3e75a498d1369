// The space-time diagram's DOM-free logic (reports/client/diagram-layout.ts) on real runs:
// lane order, the binary-search densities against brute-force counts, the causal cone as
// lane prefixes, the opening window, axis labels and hit geometry.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportRun } from '../../reports/build-data.js';
import { anchorRow, arrowDensity, densityIndex, edgeRange, laneCutoffs, laneDensity, laneOrder, laneSpans, maxLatency, roleColour, roleOfSummary, segmentDistance, tickLabel, violationLane, windowAround, type DensityIndex } from '../../reports/client/diagram-layout.js';
import { RunModel } from '../../reports/client/model.js';
import { K } from '../../reports/shared/data.js';
import { loadScenario } from '../../scenario/load.js';
import { runScenario } from '../../scenario/runner.js';

async function modelOf(file: string): Promise<RunModel> {
  const run = runScenario(await loadScenario(file), { record: 'full' });
  return new RunModel(buildReportRun(run, { version: 'test' }));
}

describe('diagram layout', () => {
  let model: RunModel;
  let index: DensityIndex;
  beforeAll(async () => {
    model = await modelOf('scenarios/raft/figure-8-nemesis.yaml');
    index = densityIndex(model);
  });

  it('orders lanes nodes first (grouped by roles), then clients', () => {
    const order = laneOrder(model);
    expect([...order].sort((a, b) => a - b)).toEqual(model.lanes.map((l) => l.id));
    const kinds = order.map((l) => model.lanes[l].kind);
    expect(kinds.lastIndexOf('node')).toBeLessThan(kinds.indexOf('client'));
  });

  it('counts each lane per pixel column as a brute-force scan does, split at the causal cutoff', () => {
    const t = model.rows.t;
    const { startUs, endUs } = model;
    const row = model.rows.length >> 1;
    const mask = model.causalPast(row);
    const cut = laneCutoffs(model, mask);
    const width = 97;
    for (const [t0, t1] of [[startUs, endUs], [t[row] - 50_000, t[row] + 20_000], [t[row], t[row]]]) {
      for (let lane = 0; lane < model.lanes.length; lane++) {
        const d = laneDensity(index, lane, t0, t1, width, cut[lane]);
        const inside = new Uint32Array(width);
        const outside = new Uint32Array(width);
        const step = (t1 - t0) / width;
        for (const r of model.laneRows[lane]) {
          if (model.rows.kind[r] === K.state || model.rows.kind[r] === K.clock || t[r] < t0 || t[r] > t1) continue;
          // The same column rule as laneDensity: [t0 + c·step, t0 + (c+1)·step), t1 in the last.
          let c = step > 0 ? Math.floor((t[r] - t0) / step) : width - 1;
          while (c > 0 && t[r] < t0 + c * step) c--;
          while (c < width - 1 && t[r] >= t0 + (c + 1) * step) c++;
          c = Math.min(width - 1, c);
          if (mask[r] === 1) inside[c]++;
          else outside[c]++;
        }
        expect([...d.inside], `lane ${lane} ${t0}..${t1}`).toEqual([...inside]);
        expect([...d.outside]).toEqual([...outside]);
      }
    }
  });

  it('the causal past is a prefix of each lane, as the cutoffs assume', () => {
    const mask = model.causalPast(model.rows.length - 1);
    const cut = laneCutoffs(model, mask);
    model.laneRows.forEach((list, lane) => list.forEach((r, p) => expect(mask[r], `lane ${lane} pos ${p}`).toBe(p <= cut[lane] ? 1 : 0)));
  });

  it('the arrow density counts every message sent in the window once', () => {
    const t = model.rows.t;
    const t0 = model.startUs + (model.endUs - model.startUs) * 0.2;
    const t1 = model.startUs + (model.endUs - model.startUs) * 0.7;
    const quads = arrowDensity(index, t0, t1, 800, 6);
    let total = 0;
    for (let i = 3; i < quads.length; i += 4) total += quads[i];
    let expected = 0;
    for (let e = 0; e < model.edges.length; e++) if (t[model.edges.from[e]] >= t0 && t[model.edges.from[e]] <= t1) expected++;
    expect(expected).toBeGreaterThan(0);
    expect(total).toBe(expected);
  });

  it('the edge range holds every edge that meets the window', () => {
    const t = model.rows.t;
    const lat = maxLatency(model);
    const t0 = t[model.rows.length >> 1];
    const t1 = t0 + 30_000;
    const [lo, hi] = edgeRange(model, t0, t1, lat);
    for (let e = 0; e < model.edges.length; e++) {
      const meets = t[model.edges.from[e]] <= t1 && t[model.edges.to[e]] >= t0;
      if (meets) expect(e >= lo && e < hi, `edge ${e}`).toBe(true);
    }
  });

  it('opens on a window holding the row, and a global row borrows the causal past of its step', () => {
    const row = model.rows.length - 1;
    const [t0, t1] = windowAround(model, row);
    expect(model.rows.t[row]).toBeGreaterThanOrEqual(t0);
    expect(model.rows.t[row]).toBeLessThan(t1);
    const global = model.globalRows.find((r) => model.rows.step[r + 1] === model.rows.step[r] && model.rows.lane[r + 1] >= 0);
    if (global !== undefined) expect(model.rows.lane[anchorRow(model, global)]).toBeGreaterThanOrEqual(0);
    expect(anchorRow(model, 0)).toBe(model.rows.lane[0] >= 0 ? 0 : anchorRow(model, 0));
  });

  it('draws a global violation on the lane its message names first', () => {
    expect(violationLane(model.lanes, -1, 'n2 (restarted) no longer holds log entry 80')).toBe(1);
    expect(violationLane(model.lanes, 3, 'n2 (restarted) no longer holds log entry 80')).toBe(3);
    expect(violationLane(model.lanes, -1, 'two leaders in term 3')).toBe(-1);
    expect(violationLane(model.lanes, -1, 'n22 is not a lane')).toBe(-1);
  });

  it('finds crashed and paused spans that end at the restart and resume', () => {
    const { down } = laneSpans(model);
    for (const d of down) {
      expect(d.endUs).toBeGreaterThanOrEqual(d.startUs);
      expect(model.lanes[d.lane].kind).toBe('node');
    }
  });

  it('labels ticks, colours roles stably and measures distances to arrows', () => {
    expect(tickLabel(1_500_000, 500_000)).toBe('1.5 s');
    expect(tickLabel(20_000, 10_000)).toBe('20 ms');
    expect(tickLabel(1_250, 250)).toBe('1.25 ms');
    expect(tickLabel(300, 100)).toBe('300 µs');
    expect(roleColour('leader')).toBe(roleColour('leader'));
    expect(roleColour('leader')).not.toBe(roleColour('follower'));
    expect(roleOfSummary('leader · term 3 · commitIndex 160')).toBe('leader');
    expect(segmentDistance(5, 5, 0, 0, 10, 0)).toBe(5);
    expect(segmentDistance(-3, 4, 0, 0, 10, 0)).toBe(5);
  });
});
