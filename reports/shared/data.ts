// The report's data: what the HTML report, the diff view and the Perfetto export read.
// Built on the Node side from one run (reports/build-data.ts), embedded compressed in the
// HTML file (reports/shared/codec.ts), decoded in the browser. Columnar, so that a million
// trace entries cost a few typed arrays and one string table, not a million objects.
// This module is shared by Node and the browser: no Node API, no DOM.

export const REPORT_FORMAT = 'faultline-report/1';

/** What a trace row is (the column `kind`). The numbers are the embedded encoding: do not renumber. */
export const K = {
  send: 0,
  deliver: 1,
  drop: 2,
  timer: 3,
  crash: 4,
  restart: 5,
  pause: 6,
  resume: 7,
  note: 8,
  state: 9,
  /** A client operation's invoke or completion (ops table row in `peer`). */
  history: 10,
  /** A network, clock or other fault; lane -1 unless it targets one actor. */
  fault: 11,
  buggify: 12,
  /** A clock change on a lane: body {offsetUs, driftPpm}. */
  clock: 13,
  /** The blocked links changed: body {blocked: [[from, to], ...]} (lane -1). */
  links: 14,
} as const;
export type KindCode = (typeof K)[keyof typeof K];
export const KIND_NAMES: readonly string[] = ['send', 'deliver', 'drop', 'timer', 'crash', 'restart', 'pause', 'resume', 'note', 'state', 'history', 'fault', 'buggify', 'clock', 'links'];

/** One actor: a node (endpoints 0..nodes-1) or a client (built-in client or client actor). */
export interface Lane {
  /** The endpoint number (also its index in `lanes`). */
  id: number;
  /** n1, n2, ... for nodes; c1, c2, ... for clients. */
  name: string;
  kind: 'node' | 'client';
  /** The roles it plays (nodes: the protocol's roles; clients: ['client']). */
  roles: string[];
}

/** The trace, one row per trace entry, in trace order (true time never decreases). */
export interface Rows {
  length: number;
  /** True simulated time, µs. */
  t: Float64Array;
  /** The kernel's event index (entries of one handler step share it). */
  step: Int32Array;
  /** The endpoint the row happens on; -1 for a global row (a network fault, the link set). */
  lane: Int32Array;
  kind: Uint8Array;
  /** send, deliver, drop: the other endpoint; history: the ops row; else -1. */
  peer: Int32Array;
  /** send, deliver, drop: the message id (a duplicate is a second deliver of the same id); else -1. */
  msg: Int32Array;
  /** A short label, as an index into `strings`: message type, timer name, note kind, fault kind, `f` of an op, a state's one-line summary. */
  label: Int32Array;
  /** The full contents as JSON text, an index into `strings` (-1: none). */
  body: Int32Array;
}

/** The client history, one row per operation (invoke paired with its completion), in invoke order. */
export interface Ops {
  length: number;
  /** Jepsen process id. */
  process: Int32Array;
  /** The client's endpoint (a lane), or -1 when unknown. */
  lane: Int32Array;
  /** `f`, `key`, input and output as indices into `strings` (-1: none). */
  f: Int32Array;
  key: Int32Array;
  input: Int32Array;
  output: Int32Array;
  /** 0 ok, 1 fail, 2 info, 3 still open at the end of the run. */
  status: Uint8Array;
  invokeUs: Float64Array;
  /** -1 when never completed. */
  completeUs: Float64Array;
  /** Rows of the invoke and the completion in `rows` (-1 when not traced / never completed). */
  invokeRow: Int32Array;
  completeRow: Int32Array;
  /** Positions in the history (HistoryEvent.index) of the invoke and the completion (-1: none). */
  invokeIndex: Int32Array;
  completeIndex: Int32Array;
}
export const OP_STATUS = ['ok', 'fail', 'info', 'open'] as const;

/** A violation as the report shows it. */
export interface ReportViolation {
  kind: string;
  checker: string;
  message: string;
  atUs: number;
  /** The kernel event index. */
  event: number;
  /** The trace row it is drawn at (-1 when no row matches). */
  row: number;
  /** Its lane (-1: global). */
  lane: number;
  /** The node or client actor whose code threw (protocol exceptions), as n1/c2. */
  node?: string;
  stack?: string;
}

/** The linearizability checker's verdict and, when it refused the history, its counterexample with ops rows resolved. */
export interface ReportLinearizability {
  verdict: 'linearizable' | 'not-linearizable' | 'unknown';
  model: string;
  counterexample?: {
    partition: string;
    /** The ops row that could not be linearized. */
    op: number;
    opText: string;
    reason: string;
    linearizedCount: number;
    /** The last steps of the longest partial linearization: ops row, its text, the model state after it, and its linearization point (µs: the earliest time it can have taken effect consistent with the order). */
    linearization: Array<{ op: number; text: string; stateAfter: string; pointUs: number }>;
    stateBefore: string;
    stateAtFailure: string;
    /** Ops rows still open at that point. */
    pending: number[];
  };
}

export interface ReportMeta {
  /** The scenario's name and file. */
  scenario: string;
  file: string;
  protocol: string;
  seed: string;
  bugs: string[];
  verdict: 'pass' | 'fail' | 'undecided';
  undecided?: string;
  hash: string;
  events: number;
  simulatedUs: number;
  durationUs: number;
  faultsStopUs: number;
  nodes: number;
  clients: number;
  violations: ReportViolation[];
  linearizability?: ReportLinearizability;
  /** The transactional history checker's verdict (serializability, conservation) and its anomaly kinds. */
  history?: { checker: string; verdict: string; anomalyTypes: string[] };
  /** Findings of the protocol's observers (blocked transactions...): not failures. */
  observations?: Array<{ checker: string; message: string }>;
  /** Commands to paste: replay this run, shrink it. */
  replay: string;
  shrink?: string;
  /** faultline's version, and what wrote the report. */
  version: string;
  /** Free-form figures shown in the summary (label -> value text). */
  figures: Record<string, string>;
  /** Title of the run in a diff (`failing`, `shrunk`, `seed 8`...). */
  title?: string;
}

export interface ReportRun {
  meta: ReportMeta;
  lanes: Lane[];
  strings: string[];
  rows: Rows;
  ops: Ops;
}

/** What one report file holds: one run, or two runs compared (`report --diff`). */
export interface ReportData {
  format: typeof REPORT_FORMAT;
  runs: ReportRun[];
  /** With two runs: the first rows (one per run) where they diverge; undefined when they never do. */
  divergence?: { rows: [number, number]; atUs: [number, number]; why: string };
}
