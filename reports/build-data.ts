// One run (a ScenarioRun recorded at the full level) as the report's columnar data: lanes,
// trace rows, the paired client history, the violations placed on rows, and the
// linearizability counterexample with its operations resolved to history rows.
import type { Counterexample, OperationRef } from '../checkers/linearizability/types.js';
import { violationJson, type ScenarioRun } from '../scenario/runner.js';
import { messageType } from '../sim/network.js';
import type { TraceEvent } from '../sim/result.js';
import type { HistoryEvent } from '../sim/types.js';
import { allocOps, allocRows } from './shared/codec.js';
import { K, REPORT_FORMAT, type Lane, type ReportData, type ReportLinearizability, type ReportMeta, type ReportRun, type ReportViolation } from './shared/data.js';

export interface ReportRunOptions {
  /** faultline's version. */
  version: string;
  /** The command that shrinks this failure (when there is a failure file). */
  shrink?: string;
  /** The run's name in a diff. */
  title?: string;
  /** Extra figures for the summary (label -> text). */
  figures?: Record<string, string>;
}

/** Interns strings: each distinct text is stored once. */
class StringTable {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  id(text: string): number {
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(text);
      this.index.set(text, i);
    }
    return i;
  }
  /** JSON text of a value (undefined: -1). */
  json(value: unknown): number {
    if (value === undefined) return -1;
    return this.id(safeJson(value));
  }
}

/** JSON text that never throws (cycles, BigInt): protocol data is anything. */
function safeJson(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    return text ?? String(value);
  } catch {
    return String(value);
  }
}

/** A state summary in one line: its role first, then its other scalar fields (at most five). */
export function summaryLine(summary: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof summary.role === 'string') parts.push(summary.role);
  for (const [key, value] of Object.entries(summary)) {
    if (key === 'role' || parts.length >= 6) continue;
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || value === null) parts.push(`${key} ${value === null ? '-' : String(value)}`);
  }
  return parts.join(' · ');
}

const OP_STATUS_CODE = { ok: 0, fail: 1, info: 2 } as const;

/** The report's data for one run. The run must have been recorded at the full level (it has a trace). */
export function buildReportRun(run: ScenarioRun, options: ReportRunOptions): ReportRun {
  const trace = run.result.trace;
  if (trace === undefined) throw new Error('a report needs a run recorded at the full level');
  const config = run.loaded.config;
  const nodes = config.nodes;
  const clients = config.clients.clients;
  const strings = new StringTable();

  // Lanes: every endpoint, nodes first; roles from the trace's `roles` rows.
  const lanes: Lane[] = [];
  for (let id = 0; id < nodes + clients; id++) {
    const node = id < nodes;
    lanes.push({ id, name: node ? `n${id + 1}` : `c${id - nodes + 1}`, kind: node ? 'node' : 'client', roles: node ? ['server'] : ['client'] });
  }
  for (const e of trace) if (e.k === 'roles' && lanes[e.node] !== undefined) lanes[e.node].roles = [...e.roles];

  const history = run.result.history;
  const kept = trace.filter((e) => e.k !== 'roles');
  const rows = allocRows(kept.length);
  const ops = allocOps(countOps(history));
  const opOfHistory = new Int32Array(history.length).fill(-1);
  pairOps(history, ops, opOfHistory, strings);
  // Which row sent each message (a drop in the sender's step is a loss at send time).
  const sendRow = new Map<number, number>();
  // A message's send, deliveries and drop carry the same payload: its JSON text is made once.
  const bodyOfMessage = new Map<number, number>();
  const labelOfMessage = new Map<number, number>();

  for (let r = 0; r < kept.length; r++) {
    const e = kept[r];
    rows.t[r] = e.t;
    rows.step[r] = e.i;
    rows.peer[r] = -1;
    rows.msg[r] = -1;
    rows.body[r] = -1;
    fillRow(e, r);
  }

  function fillRow(e: Exclude<TraceEvent, { k: 'roles' }>, r: number): void {
    switch (e.k) {
      case 'send':
        sendRow.set(e.id, r);
        message(r, K.send, e.from, e.to, e.id, e.msg);
        break;
      case 'deliver':
        message(r, K.deliver, e.to, e.from, e.id, e.msg);
        break;
      case 'drop': {
        const sent = sendRow.get(e.id);
        const atSend = sent !== undefined && rows.step[sent] === e.i;
        message(r, K.drop, atSend ? e.from : e.to, atSend ? e.to : e.from, e.id, e.msg);
        rows.label[r] = strings.id(e.why);
        break;
      }
      case 'timer':
        set(r, K.timer, e.node, strings.id(e.name), -1);
        break;
      case 'crash':
      case 'restart':
      case 'pause':
      case 'resume':
        set(r, K[e.k], e.node, strings.id(e.k), -1);
        break;
      case 'note':
        set(r, K.note, e.node, strings.id(e.kind), strings.json(e.data));
        break;
      case 'state':
        set(r, K.state, e.node, strings.id(summaryLine(e.summary)), strings.json(e.summary));
        break;
      case 'history': {
        set(r, K.history, e.by, strings.id(`${e.event.type} ${e.event.f}`), strings.json(e.event));
        const op = opOfHistory[e.event.index] ?? -1;
        rows.peer[r] = op;
        if (op >= 0) {
          if (e.event.type === 'invoke') ops.invokeRow[op] = r;
          else ops.completeRow[op] = r;
          if (ops.lane[op] < 0) ops.lane[op] = e.by;
        }
        break;
      }
      case 'fault': {
        const node = typeof e.detail.node === 'number' ? e.detail.node : -1;
        set(r, K.fault, node, strings.id(e.what), strings.json(e.detail));
        break;
      }
      case 'buggify':
        set(r, K.buggify, e.node, strings.id(e.name), -1);
        break;
      case 'clock':
        set(r, K.clock, e.node, strings.id(`clock ${signedMs(e.offsetUs)}${e.driftPpm !== 0 ? `, drift ${e.driftPpm} ppm` : ''}`), strings.json({ offsetUs: e.offsetUs, driftPpm: e.driftPpm }));
        break;
      case 'links':
        set(r, K.links, -1, strings.id(e.blocked.length === 0 ? 'all links up' : `${e.blocked.length} links blocked`), strings.json({ blocked: e.blocked }));
        break;
      default: {
        const never: never = e;
        throw new Error(`unknown trace entry ${JSON.stringify(never)}`);
      }
    }
  }
  function set(r: number, kind: number, lane: number, label: number, body: number): void {
    rows.kind[r] = kind;
    rows.lane[r] = lane;
    rows.label[r] = label;
    rows.body[r] = body;
  }
  function message(r: number, kind: number, lane: number, peer: number, id: number, msg: unknown): void {
    let body = bodyOfMessage.get(id);
    let label = labelOfMessage.get(id);
    if (body === undefined || label === undefined) {
      body = strings.json(msg);
      label = strings.id(messageType(msg));
      bodyOfMessage.set(id, body);
      labelOfMessage.set(id, label);
    }
    set(r, kind, lane, label, body);
    rows.peer[r] = peer;
    rows.msg[r] = id;
  }

  const violations = run.violations.map((v) => placeViolation(violationJson(v, nodes), rows, ops, run, opOfHistory));
  const meta: ReportMeta = {
    scenario: run.loaded.name,
    file: run.loaded.file,
    protocol: run.loaded.protocolRef,
    seed: config.seed,
    bugs: [...config.bugs],
    verdict: run.verdict,
    hash: run.result.hash,
    events: run.result.events,
    simulatedUs: run.result.simulatedUs,
    durationUs: config.durationUs,
    faultsStopUs: run.result.faultsStopUs,
    nodes,
    clients,
    violations,
    replay: run.replay,
    version: options.version,
    figures: figures(run, rows, ops, options.figures),
  };
  if (run.undecided !== undefined) meta.undecided = run.undecided;
  if (run.result.observations.length > 0) meta.observations = run.result.observations.map((o) => ({ ...o }));
  if (run.transactional !== undefined) {
    const t = run.transactional;
    meta.history = { checker: t.checker, verdict: t.result.verdict, anomalyTypes: [...t.result.anomalyTypes] };
  }
  if (options.shrink !== undefined) meta.shrink = options.shrink;
  if (options.title !== undefined) meta.title = options.title;
  const lin = run.linearizabilityResult;
  if (lin !== undefined) {
    const out: ReportLinearizability = { verdict: lin.verdict, model: lin.model };
    if (lin.counterexample !== undefined) out.counterexample = counterexample(lin.counterexample, opOfHistory);
    meta.linearizability = out;
  }
  return { meta, lanes, strings: strings.list, rows, ops };
}

/** One report file's data: one run. */
export function reportData(runs: ReportRun[], divergence?: ReportData['divergence']): ReportData {
  const data: ReportData = { format: REPORT_FORMAT, runs };
  if (divergence !== undefined) data.divergence = divergence;
  return data;
}

function countOps(history: readonly HistoryEvent[]): number {
  let n = 0;
  for (const e of history) if (e.type === 'invoke') n++;
  return n;
}

/** Pair each invoke with its process's next completion (Jepsen: one open operation per process). */
function pairOps(history: readonly HistoryEvent[], ops: ReturnType<typeof allocOps>, opOfHistory: Int32Array, strings: StringTable): void {
  const open = new Map<number, number>();
  let n = 0;
  for (const e of history) {
    if (e.type === 'invoke') {
      const op = n++;
      open.set(e.process, op);
      opOfHistory[e.index] = op;
      ops.process[op] = e.process;
      ops.lane[op] = -1;
      ops.f[op] = strings.id(e.f);
      ops.key[op] = e.key === undefined ? -1 : strings.id(e.key);
      ops.input[op] = strings.json(e.value);
      ops.output[op] = -1;
      ops.status[op] = 3;
      ops.invokeUs[op] = e.timeUs;
      ops.completeUs[op] = -1;
      ops.invokeRow[op] = -1;
      ops.completeRow[op] = -1;
      ops.invokeIndex[op] = e.index;
      ops.completeIndex[op] = -1;
      continue;
    }
    const op = open.get(e.process);
    if (op === undefined) continue;
    open.delete(e.process);
    opOfHistory[e.index] = op;
    ops.status[op] = OP_STATUS_CODE[e.type];
    ops.output[op] = e.type === 'ok' ? strings.json(e.value) : e.error !== undefined ? strings.id(e.error) : -1;
    ops.completeUs[op] = e.timeUs;
    ops.completeIndex[op] = e.index;
  }
}

/** The last row of the violation's step, and the lane of the actor that handled it. */
function placeViolation(v: ReturnType<typeof violationJson>, rows: ReturnType<typeof allocRows>, ops: ReturnType<typeof allocOps>, run: ScenarioRun, opOfHistory: Int32Array): ReportViolation {
  let row = -1;
  let lane = -1;
  const cx = run.linearizabilityResult?.counterexample;
  if (v.kind === 'linearizability' && cx !== undefined) {
    const op = opOfHistory[cx.op.invokeIndex] ?? -1;
    if (op >= 0) {
      row = ops.completeRow[op] >= 0 ? ops.completeRow[op] : ops.invokeRow[op];
      lane = ops.lane[op];
    }
  } else {
    // Rows are in step order: find the last row of step v.event.
    let lo = 0;
    let hi = rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (rows.step[mid] <= v.event) lo = mid + 1;
      else hi = mid - 1;
    }
    row = hi;
    if (row >= 0) {
      // The handler's actor: the step's deliver or timer row; else (a fault's step: a
      // crash, a restart) its last row on an actor, which becomes the violation's row.
      const step = rows.step[row];
      let handler = -1;
      let onActor = -1;
      for (let r = row; r >= 0 && rows.step[r] === step; r--) {
        if (handler < 0 && (rows.kind[r] === K.deliver || rows.kind[r] === K.timer)) handler = r;
        if (onActor < 0 && rows.lane[r] >= 0) onActor = r;
      }
      if (handler >= 0) lane = rows.lane[handler];
      else if (onActor >= 0) {
        row = onActor;
        lane = rows.lane[onActor];
      } else lane = rows.lane[row];
    }
  }
  if (v.node !== undefined) {
    const nodes = run.loaded.config.nodes;
    lane = v.node.startsWith('n') ? Number(v.node.slice(1)) - 1 : nodes + Number(v.node.slice(1)) - 1;
  }
  return { ...v, row, lane };
}

function counterexample(cx: Counterexample, opOfHistory: Int32Array): NonNullable<ReportLinearizability['counterexample']> {
  const opRow = (ref: OperationRef): number => opOfHistory[ref.invokeIndex] ?? -1;
  // Linearization points: each op takes effect no earlier than its invoke and no earlier than the op before it.
  let point = 0;
  const linearization = cx.linearization.map((step) => {
    point = Math.max(point, step.op.invokeTimeUs);
    return { op: opRow(step.op), text: step.op.text, stateAfter: step.stateAfter, pointUs: point };
  });
  return {
    partition: cx.partition,
    op: opRow(cx.op),
    opText: cx.op.text,
    reason: cx.reason,
    linearizedCount: cx.linearizedCount,
    linearization,
    stateBefore: cx.stateBefore,
    stateAtFailure: cx.stateAtFailure,
    pending: cx.pending.map(opRow),
  };
}

function figures(run: ScenarioRun, rows: ReturnType<typeof allocRows>, ops: ReturnType<typeof allocOps>, extra: Record<string, string> = {}): Record<string, string> {
  let sent = 0;
  let delivered = 0;
  let dropped = 0;
  const deliveries = new Map<number, number>();
  for (let r = 0; r < rows.length; r++) {
    const k = rows.kind[r];
    if (k === K.send) sent++;
    else if (k === K.drop) dropped++;
    else if (k === K.deliver) {
      delivered++;
      deliveries.set(rows.msg[r], (deliveries.get(rows.msg[r]) ?? 0) + 1);
    }
  }
  let duplicated = 0;
  for (const n of deliveries.values()) if (n > 1) duplicated += n - 1;
  const status = [0, 0, 0, 0];
  for (let o = 0; o < ops.length; o++) status[ops.status[o]]++;
  const faults = run.result.faultLog.length;
  return {
    events: run.result.events.toLocaleString('en-US'),
    'simulated time': `${(run.result.simulatedUs / 1e6).toFixed(3)} s`,
    'trace rows': rows.length.toLocaleString('en-US'),
    messages: `${sent.toLocaleString('en-US')} sent · ${delivered.toLocaleString('en-US')} delivered · ${dropped.toLocaleString('en-US')} dropped · ${duplicated.toLocaleString('en-US')} duplicated`,
    operations: `${ops.length.toLocaleString('en-US')} (${status[0]} ok · ${status[1]} fail · ${status[2]} info · ${status[3]} open)`,
    faults: `${faults} applied, stopped at ${(run.result.faultsStopUs / 1e6).toFixed(3)} s`,
    ...extra,
  };
}

function signedMs(us: number): string {
  const ms = us / 1000;
  return `${ms >= 0 ? '+' : ''}${ms.toFixed(3)} ms`;
}
