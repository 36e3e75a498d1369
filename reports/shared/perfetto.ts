// One run as a Chrome Trace Event JSON file (the "JSON Object Format"), for Perfetto UI and
// chrome://tracing. Shared by Node (the CLI) and the browser client (a download button):
// pure functions, no Node API, no DOM, and the same run always gives the same bytes.
//
// What the trace holds:
// - one process per lane (pid = lane id + 1) with one thread (tid = pid), named
//   "n1 (server)" / "c1 (client)"; one more process, "network" (pid = lanes + 1), for the
//   global faults and the periods in which links were blocked;
// - each handler step of an actor as a complete slice ('X', STEP_US long), named by what
//   triggered it (deliver <type>, timer <name>, invoke <f>...), its rows in args;
// - each delivery of a message as a flow ('s' in the send slice, 'f' with bp 'e' in the
//   deliver slice); a duplicate delivery is a second flow with its own id. A dropped
//   message gets no flow: an instant 'drop <type>' where it was dropped (the sender's step
//   for a loss at send time, the receiver's lane for a loss in flight);
// - faults, crashes, restarts, pauses, resumes and violations as instant events;
// - each numeric field of a node's state summary as a counter track, the role as an instant;
// - each client operation as an async slice ('b'/'e') from its invoke to its completion.
//
// Timing: ts is true simulated time in µs. Handler steps take no simulated time, so each is
// drawn STEP_US long; when an actor has several steps (or instants) within one STEP_US they
// are laid end to end, later than their true time by a few µs at most: `args.t` always holds
// the true time. Flow and in-step instant events sit strictly inside their slice (not on its
// edge), where every viewer binds them to that slice.
import { K, KIND_NAMES, OP_STATUS, type ReportRun } from './data.js';

export interface ChromeTraceEvent {
  name: string;
  ph: string;
  ts: number;
  pid: number;
  tid: number;
  [field: string]: unknown;
}

export interface ChromeTrace {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: 'ms' | 'ns';
  otherData: Record<string, string>;
}

/** How long a handler step's slice is drawn (µs). */
export const STEP_US = 1;
/** Where flow events sit inside a step slice, and where the step's own instants sit (fractions of STEP_US). */
const FLOW_AT = 0.5;
const INSTANT_AT = 0.25;
/** Bounds on args: a body longer than this stays text, cut; a slice lists at most this many rows. */
export const BODY_MAX_CHARS = 2048;
export const ROWS_PER_SLICE_MAX = 32;
/** Flow events' category (Perfetto pairs 's' and 'f' by id, category and name). */
export const FLOW_CAT = 'message';

/** Kinds that are drawn as instants only: a step made of nothing else gets no slice. */
const INSTANT_KINDS = new Set<number>([K.crash, K.restart, K.pause, K.resume, K.fault, K.clock, K.links, K.drop]);
/** Viewer colour names (trace-viewer's reserved names) per op status. */
const OP_COLOUR = { ok: 'good', fail: 'bad', info: 'yellow', open: 'grey' } as const;

/** The run as a Chrome trace. */
export function toChromeTrace(run: ReportRun): ChromeTrace {
  const { rows, lanes, strings, ops, meta } = run;
  const text = (i: number): string => (i >= 0 ? (strings[i] ?? '') : '');
  const pidOf = (lane: number): number => lane + 1;
  const netPid = lanes.length + 1;
  const laneName = (lane: number): string => lanes[lane]?.name ?? `#${lane}`;
  const bodies = new BodyCache(strings);

  const meta0: ChromeTraceEvent[] = [];
  const events: ChromeTraceEvent[] = [];
  for (const lane of lanes) {
    const pid = pidOf(lane.id);
    meta0.push(metadata('process_name', pid, { name: `${lane.name} (${lane.roles.join(', ')})` }));
    meta0.push(metadata('process_sort_index', pid, { sort_index: lane.id }));
    meta0.push(metadata('thread_name', pid, { name: lane.name }));
  }
  meta0.push(metadata('process_name', netPid, { name: 'network' }));
  meta0.push(metadata('process_sort_index', netPid, { sort_index: lanes.length }));
  meta0.push(metadata('thread_name', netPid, { name: 'links' }));

  // Per lane: the earliest ts at which its next slice or thread instant may be drawn.
  const cursor = new Float64Array(lanes.length);
  const place = (lane: number, t: number, floor = 0): number => {
    const ts = Math.max(t, cursor[lane], floor);
    cursor[lane] = ts + STEP_US;
    return ts;
  };
  // Per message id: its send row, and the ts of the slice that holds it.
  const sendRow = new Map<number, number>();
  const sendTs = new Map<number, number>();
  // Per lane and field: the last counter value drawn, and the last role.
  const lastCounter = lanes.map(() => new Map<string, number>());
  const lastRole: Array<string | undefined> = lanes.map(() => undefined);
  let flowId = 0;
  let linksFrom = -1;
  let endUs = Math.max(meta.simulatedUs, rows.length > 0 ? rows.t[rows.length - 1] : 0);

  const msgType = (r: number): string => {
    const s = sendRow.get(rows.msg[r]);
    return s !== undefined ? text(rows.label[s]) : text(rows.label[r]);
  };
  const rowArgs = (r: number): Record<string, unknown> => {
    const out: Record<string, unknown> = { kind: KIND_NAMES[rows.kind[r]] ?? 'event', label: text(rows.label[r]) };
    const k = rows.kind[r];
    if (k === K.send || k === K.deliver || k === K.drop) {
      out.peer = laneName(rows.peer[r]);
      out.msg = rows.msg[r];
    }
    if (rows.body[r] >= 0) out.body = bodies.value(rows.body[r]);
    return out;
  };

  // Rows come in step order; a step's rows are contiguous. Each (step, lane) group is one slice.
  let r = 0;
  while (r < rows.length) {
    const step = rows.step[r];
    let end = r;
    while (end < rows.length && rows.step[end] === step) end++;
    // Lanes in order of first appearance within the step.
    const groups = new Map<number, number[]>();
    for (let i = r; i < end; i++) {
      const lane = rows.lane[i];
      let list = groups.get(lane);
      if (list === undefined) groups.set(lane, (list = []));
      list.push(i);
    }
    for (const [lane, list] of groups) {
      if (lane < 0 || lane >= lanes.length) global(list);
      else actorGroup(lane, list);
    }
    r = end;
  }
  if (linksFrom >= 0) linksBand(linksFrom, endUs);

  /** One actor's rows in one step: a slice (unless it is only instants), its flows, instants and counters. */
  function actorGroup(lane: number, list: number[]): void {
    const pid = pidOf(lane);
    const t = rows.t[list[0]];
    const sliced = list.some((i) => !INSTANT_KINDS.has(rows.kind[i]));
    let ts = -1;
    if (sliced) {
      // A deliver's slice never starts before its send's slice (flows never go back in time).
      let floor = 0;
      for (const i of list) if (rows.kind[i] === K.deliver) floor = Math.max(floor, sendTs.get(rows.msg[i]) ?? 0);
      ts = place(lane, t, floor);
      const shown = list.slice(0, ROWS_PER_SLICE_MAX).map(rowArgs);
      const args: Record<string, unknown> = { step: rows.step[list[0]], t, rows: shown };
      if (list.length > shown.length) args.moreRows = list.length - shown.length;
      const [name, cat] = sliceName(list);
      events.push({ name, cat, ph: 'X', ts, dur: STEP_US, pid, tid: pid, args });
    }
    for (const i of list) {
      const k = rows.kind[i];
      if (k === K.send) {
        sendRow.set(rows.msg[i], i);
        sendTs.set(rows.msg[i], ts);
      } else if (k === K.deliver) {
        const s = sendRow.get(rows.msg[i]);
        const from = sendTs.get(rows.msg[i]);
        if (s === undefined || from === undefined) continue;
        const id = ++flowId;
        const name = text(rows.label[s]);
        const sp = pidOf(rows.lane[s]);
        events.push({ name, cat: FLOW_CAT, ph: 's', ts: from + FLOW_AT * STEP_US, pid: sp, tid: sp, id, args: { msg: rows.msg[i] } });
        events.push({ name, cat: FLOW_CAT, ph: 'f', bp: 'e', ts: ts + FLOW_AT * STEP_US, pid, tid: pid, id, args: { msg: rows.msg[i] } });
      } else if (k === K.state) state(lane, i);
      else if (k === K.fault) {
        events.push(instant(text(rows.label[i]), 'fault', 'p', rows.t[i], pid, rowArgs(i)));
      } else if (k === K.clock) {
        events.push(instant(text(rows.label[i]), 'clock', 'p', rows.t[i], pid, rowArgs(i)));
      } else if (k === K.drop || k === K.crash || k === K.restart || k === K.pause || k === K.resume || k === K.buggify) {
        // Thread instants: inside the step's slice, else on their own spot of the lane.
        const at = ts >= 0 ? ts + INSTANT_AT * STEP_US : place(lane, rows.t[i]);
        const name = k === K.drop ? `drop ${msgType(i)}` : k === K.buggify ? `buggify ${text(rows.label[i])}` : (KIND_NAMES[k] ?? 'event');
        const cat = k === K.drop ? 'drop' : k === K.buggify ? 'buggify' : 'node';
        const args = rowArgs(i);
        args.t = rows.t[i];
        events.push(instant(name, cat, 't', at, pid, args));
      }
    }
    endUs = Math.max(endUs, cursor[lane]);
  }

  /** The name and category of a step's slice: what triggered it. */
  function sliceName(list: number[]): [string, string] {
    for (const i of list) if (rows.kind[i] === K.deliver) return [`deliver ${text(rows.label[i])}`, 'deliver'];
    for (const i of list) if (rows.kind[i] === K.timer) return [`timer ${text(rows.label[i])}`, 'timer'];
    for (const i of list) if (rows.kind[i] === K.history) return [text(rows.label[i]), 'op'];
    for (const i of list) {
      const k = rows.kind[i];
      if (k === K.crash || k === K.restart || k === K.pause || k === K.resume) return [KIND_NAMES[k], 'node'];
    }
    if (rows.step[list[0]] === 0) return ['start', 'step'];
    const first = list.find((i) => !INSTANT_KINDS.has(rows.kind[i])) ?? list[0];
    const kind = KIND_NAMES[rows.kind[first]] ?? 'step';
    return [rows.kind[first] === K.state ? 'state' : `${kind} ${text(rows.label[first])}`, kind];
  }

  /** A state row: a counter per numeric field that changed, an instant when the role changed. */
  function state(lane: number, i: number): void {
    const pid = pidOf(lane);
    const body = bodies.value(rows.body[i]);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return;
    const t = rows.t[i];
    const last = lastCounter[lane];
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || last.get(key) === value) continue;
      last.set(key, value);
      events.push({ name: key, cat: 'state', ph: 'C', ts: t, pid, tid: pid, args: { value } });
    }
    const role = (body as Record<string, unknown>).role;
    if (typeof role === 'string' && role !== lastRole[lane]) {
      lastRole[lane] = role;
      events.push(instant(`role: ${role}`, 'state', 'p', t, pid, { role, summary: text(rows.label[i]) }));
    }
  }

  /** Rows on no actor: global faults (instants across the whole trace) and the link set (bands on the network thread). */
  function global(list: number[]): void {
    for (const i of list) {
      const k = rows.kind[i];
      if (k === K.links) {
        if (linksFrom >= 0) linksBand(linksFrom, rows.t[i]);
        const body = bodies.value(rows.body[i]) as { blocked?: unknown[] } | null;
        linksFrom = Array.isArray(body?.blocked) && body.blocked.length > 0 ? i : -1;
      } else {
        const name = k === K.fault ? text(rows.label[i]) : `${KIND_NAMES[k] ?? 'event'} ${text(rows.label[i])}`;
        events.push(instant(name, k === K.fault ? 'fault' : (KIND_NAMES[k] ?? 'event'), 'g', rows.t[i], netPid, rowArgs(i)));
      }
    }
  }

  /** A period in which some links were blocked, from the links row `i` until `until`. */
  function linksBand(i: number, until: number): void {
    const t = rows.t[i];
    if (until <= t) return; // superseded in the same instant
    const body = bodies.value(rows.body[i]) as { blocked?: unknown[] } | null;
    const blocked = (body?.blocked ?? []).map((pair) => (Array.isArray(pair) ? pair.map((e) => (typeof e === 'number' ? laneName(e) : String(e))).join('→') : String(pair)));
    events.push({ name: text(rows.label[i]), cat: 'network', ph: 'X', ts: t, dur: Math.max(STEP_US, until - t), pid: netPid, tid: netPid, args: { blocked } });
  }

  // Violations: global instants (a line across every track in chrome://tracing).
  for (const v of meta.violations) {
    const args: Record<string, unknown> = { kind: v.kind, message: v.message, event: v.event };
    if (v.lane >= 0) args.lane = laneName(v.lane);
    if (v.node !== undefined) args.node = v.node;
    if (v.stack !== undefined) args.stack = cut(v.stack);
    events.push({ ...instant(`violation: ${v.checker}`, 'violation', 'g', Math.max(0, v.atUs), netPid, args), cname: 'terrible' });
  }

  // Client operations: async slices on the client's process, invoke to completion (open ones to the end of the run).
  for (let o = 0; o < ops.length; o++) {
    const lane = ops.lane[o];
    if (lane < 0 || lane >= lanes.length) continue;
    const pid = pidOf(lane);
    const status = OP_STATUS[ops.status[o]] ?? 'open';
    const name = text(ops.f[o]) || 'op';
    const cat = `op.${status}`;
    const start = ops.invokeUs[o];
    const stop = ops.completeUs[o] >= 0 ? Math.max(start, ops.completeUs[o]) : Math.max(start, endUs);
    const args: Record<string, unknown> = { process: ops.process[o], status };
    if (ops.key[o] >= 0) args.key = text(ops.key[o]);
    if (ops.input[o] >= 0) args.input = bodies.value(ops.input[o]);
    if (ops.output[o] >= 0) args.output = bodies.value(ops.output[o]);
    const cname = OP_COLOUR[status];
    events.push({ name, cat, ph: 'b', ts: start, pid, tid: pid, id: o + 1, cname, args });
    events.push({ name, cat, ph: 'e', ts: stop, pid, tid: pid, id: o + 1, cname, args: { status } });
  }

  // Stable sort by ts: viewers do not need it, people reading the file do.
  events.sort((a, b) => a.ts - b.ts);
  return { traceEvents: [...meta0, ...events], displayTimeUnit: 'ms', otherData: otherData(run, flowId) };
}

/** The trace as JSON text: one event per line, keys in a fixed order, same run → same bytes. */
export function chromeTraceJson(run: ReportRun): string {
  const trace = toChromeTrace(run);
  const lines = trace.traceEvents.map((e) => JSON.stringify(e));
  return `{"traceEvents":[\n${lines.join(',\n')}\n],\n"displayTimeUnit":${JSON.stringify(trace.displayTimeUnit)},\n"otherData":${JSON.stringify(trace.otherData)}}\n`;
}

function metadata(name: string, pid: number, args: Record<string, unknown>): ChromeTraceEvent {
  return { name, ph: 'M', ts: 0, pid, tid: pid, args };
}

/** An instant; scope g (global), p (process) or t (thread). */
function instant(name: string, cat: string, s: 'g' | 'p' | 't', ts: number, pid: number, args: Record<string, unknown>): ChromeTraceEvent {
  return { name, cat, ph: 'i', ts, pid, tid: pid, s, args };
}

function otherData(run: ReportRun, flows: number): Record<string, string> {
  const m = run.meta;
  const out: Record<string, string> = {
    scenario: m.scenario,
    file: m.file,
    protocol: m.protocol,
    seed: m.seed,
    bugs: m.bugs.join(','),
    verdict: m.verdict,
  };
  if (m.undecided !== undefined) out.undecided = m.undecided;
  out.hash = m.hash;
  out.events = String(m.events);
  out.simulatedUs = String(m.simulatedUs);
  out.replay = m.replay;
  if (m.shrink !== undefined) out.shrink = m.shrink;
  out.faultlineVersion = m.version;
  out.flows = String(flows);
  out.timing = `ts is true simulated time (µs); handler steps are drawn ${STEP_US} µs long and laid end to end on their actor when several fall in one µs; args.t is the true time`;
  return out;
}

/** Text cut to BODY_MAX_CHARS, saying how long it was. */
function cut(text: string): string {
  return text.length <= BODY_MAX_CHARS ? text : `${text.slice(0, BODY_MAX_CHARS)}… (${text.length} chars)`;
}

/** Bodies as args values: JSON parsed into objects when short enough, else cut text. Parsed once per string. */
class BodyCache {
  private readonly cache = new Map<number, unknown>();
  constructor(private readonly strings: readonly string[]) {}
  value(index: number): unknown {
    if (index < 0) return null;
    if (this.cache.has(index)) return this.cache.get(index);
    const text = this.strings[index] ?? '';
    let value: unknown = cut(text);
    if (text.length <= BODY_MAX_CHARS) {
      try {
        value = JSON.parse(text) as unknown;
      } catch {
        // not JSON (a plain label): keep the text
      }
    }
    this.cache.set(index, value);
    return value;
  }
}
