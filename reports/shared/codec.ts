// The embedded form of a report's data: one deflated byte string holding a JSON header
// (meta, lanes, the string table) and then every numeric column as raw little-endian
// typed arrays, 8-byte aligned. Times and steps are stored as differences from the row
// before, which deflate squeezes well. Shared by Node (encode) and the browser (decode).
import { deflateSync, inflateSync } from 'fflate';
import { REPORT_FORMAT, type Ops, type ReportData, type ReportRun, type Rows } from './data.js';

type ColumnType = 'f64' | 'i32' | 'u8';
const ROW_COLUMNS: ReadonlyArray<[keyof Rows, ColumnType]> = [
  ['t', 'f64'],
  ['step', 'i32'],
  ['lane', 'i32'],
  ['kind', 'u8'],
  ['peer', 'i32'],
  ['msg', 'i32'],
  ['label', 'i32'],
  ['body', 'i32'],
];
const OP_COLUMNS: ReadonlyArray<[keyof Ops, ColumnType]> = [
  ['process', 'i32'],
  ['lane', 'i32'],
  ['f', 'i32'],
  ['key', 'i32'],
  ['input', 'i32'],
  ['output', 'i32'],
  ['status', 'u8'],
  ['invokeUs', 'f64'],
  ['completeUs', 'f64'],
  ['invokeRow', 'i32'],
  ['completeRow', 'i32'],
  ['invokeIndex', 'i32'],
  ['completeIndex', 'i32'],
];
/** Columns stored as differences from the previous row. */
const DELTA: ReadonlySet<string> = new Set(['t', 'step']);

type Column = Float64Array | Int32Array | Uint8Array;

function alloc(type: ColumnType, n: number): Column {
  return type === 'f64' ? new Float64Array(n) : type === 'i32' ? new Int32Array(n) : new Uint8Array(n);
}

/** Empty columns for `n` trace rows. */
export function allocRows(n: number): Rows {
  const rows = { length: n } as Rows;
  for (const [name, type] of ROW_COLUMNS) (rows as unknown as Record<string, Column>)[name] = alloc(type, n);
  return rows;
}

/** Empty columns for `n` operations. */
export function allocOps(n: number): Ops {
  const ops = { length: n } as Ops;
  for (const [name, type] of OP_COLUMNS) (ops as unknown as Record<string, Column>)[name] = alloc(type, n);
  return ops;
}

const pad8 = (n: number): number => (n + 7) & ~7;

/** The report's data as deflated bytes. */
export function encodeReport(data: ReportData, level: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 = 6): Uint8Array {
  const header = {
    format: data.format,
    divergence: data.divergence,
    runs: data.runs.map((r) => ({ meta: r.meta, lanes: r.lanes, strings: r.strings, rows: r.rows.length, ops: r.ops.length })),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const parts: Column[] = [];
  for (const run of data.runs) {
    for (const [name, type] of ROW_COLUMNS) parts.push(stored(run.rows[name] as Column, type, DELTA.has(name)));
    for (const [name, type] of OP_COLUMNS) parts.push(stored(run.ops[name] as Column, type, false));
  }
  let size = pad8(8 + headerBytes.length);
  for (const p of parts) size += pad8(p.byteLength);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x464c5452, true); // "RTLF"
  view.setUint32(4, headerBytes.length, true);
  out.set(headerBytes, 8);
  let at = pad8(8 + headerBytes.length);
  for (const p of parts) {
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += pad8(p.byteLength);
  }
  return deflateSync(out, { level });
}

function stored(column: Column, type: ColumnType, delta: boolean): Column {
  if (!delta) return column;
  const out = alloc(type, column.length);
  let previous = 0;
  for (let i = 0; i < column.length; i++) {
    out[i] = column[i] - previous;
    previous = column[i];
  }
  return out;
}

/** Bytes written by `encodeReport` back into the report's data. Throws on bytes that are not a report. */
export function decodeReport(bytes: Uint8Array): ReportData {
  const raw = inflateSync(bytes);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (raw.length < 8 || view.getUint32(0, true) !== 0x464c5452) throw new Error('not a faultline report');
  const headerLength = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(raw.subarray(8, 8 + headerLength))) as {
    format: string;
    divergence?: ReportData['divergence'];
    runs: Array<Omit<ReportRun, 'rows' | 'ops'> & { rows: number; ops: number }>;
  };
  if (header.format !== REPORT_FORMAT) throw new Error(`report format ${header.format}, expected ${REPORT_FORMAT}`);
  let at = pad8(8 + headerLength);
  const take = (type: ColumnType, n: number): Column => {
    const width = type === 'f64' ? 8 : type === 'i32' ? 4 : 1;
    const column = alloc(type, n);
    new Uint8Array(column.buffer).set(raw.subarray(at, at + n * width));
    at += pad8(n * width);
    return column;
  };
  const runs: ReportRun[] = header.runs.map((r) => {
    const rows = { length: r.rows } as Rows;
    for (const [name, type] of ROW_COLUMNS) {
      const column = take(type, r.rows);
      if (DELTA.has(name)) for (let i = 1; i < column.length; i++) column[i] += column[i - 1];
      (rows as unknown as Record<string, Column>)[name] = column;
    }
    const ops = { length: r.ops } as Ops;
    for (const [name, type] of OP_COLUMNS) (ops as unknown as Record<string, Column>)[name] = take(type, r.ops);
    return { meta: r.meta, lanes: r.lanes, strings: r.strings, rows, ops };
  });
  const data: ReportData = { format: REPORT_FORMAT, runs };
  if (header.divergence !== undefined) data.divergence = header.divergence;
  return data;
}
