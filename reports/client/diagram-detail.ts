// The contents of the diagram's tooltip and side panel: an event or a message in full
// (its JSON body pretty-printed), and the node's protocol state before and after it. Every
// text from the run goes in as textContent.
import { K, OP_STATUS } from '../shared/data.js';
import { el, formatUs } from './context.js';
import type { Hit } from './diagram-hit.js';
import type { RunModel } from './model.js';

const HOW = ['delivered', 'duplicate delivery', 'dropped in flight', 'dropped at send'];

/** Pretty JSON of a string-table entry (the raw text when it is not JSON). */
export function pretty(model: RunModel, index: number): string {
  const text = model.text(index);
  if (text === '') return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function laneName(model: RunModel, lane: number): string {
  return lane >= 0 ? (model.lanes[lane]?.name ?? `#${lane}`) : 'network';
}

function line(parent: HTMLElement, key: string, value: string): void {
  const row = el('div', 'fl-kv');
  row.append(el('span', 'fl-k', key), el('span', 'fl-v', value));
  parent.appendChild(row);
}

function stateBlock(parent: HTMLElement, model: RunModel, lane: number, row: number): void {
  if (lane < 0 || model.lanes[lane]?.kind !== 'node') return;
  const before = model.stateBefore(lane, row);
  const after = model.stateAfter(lane, row);
  if (before >= 0 && before !== row) line(parent, 'state before', model.text(model.rows.label[before]));
  if (after >= 0) line(parent, 'state after', model.text(model.rows.label[after]));
}

/** The heading text of a hit (also used for the canvas's aria label). */
export function hitTitle(model: RunModel, hit: Hit): string {
  if (hit === undefined) return '';
  const rows = model.rows;
  if (hit.type === 'edge') {
    const a = model.edges.from[hit.edge];
    const b = model.edges.to[hit.edge];
    return `message ${model.text(rows.label[a])} ${laneName(model, rows.lane[a])} → ${laneName(model, rows.peer[a])} (${HOW[model.edges.how[hit.edge]]})${rows.kind[b] === K.drop ? `: ${model.text(rows.label[b])}` : ''}`;
  }
  const r = hit.row;
  return `${model.kindName(r)} ${model.text(rows.label[r])} on ${laneName(model, rows.lane[r])}`;
}

/** Fill `box` with the full contents of `hit`. */
export function renderDetail(box: HTMLElement, model: RunModel, hit: Hit): void {
  box.textContent = '';
  if (hit === undefined) return;
  const rows = model.rows;
  box.appendChild(el('div', 'fl-detail-title', hitTitle(model, hit)));
  if (hit.type === 'edge') {
    const e = hit.edge;
    const a = model.edges.from[e];
    const b = model.edges.to[e];
    const how = model.edges.how[e];
    line(box, 'from → to', `${laneName(model, rows.lane[a])} → ${laneName(model, rows.peer[a])}`);
    line(box, 'message id', String(rows.msg[a]));
    line(box, 'sent', formatUs(rows.t[a]));
    if (how === 3) line(box, 'dropped', `at send (${model.text(rows.label[b])})`);
    else {
      line(box, how === 2 ? 'dropped at' : 'delivered', formatUs(rows.t[b]));
      line(box, 'latency', formatUs(rows.t[b] - rows.t[a]));
      if (how === 2) line(box, 'why', model.text(rows.label[b]));
      if (how === 1) line(box, 'duplicate', 'yes: a second delivery of this message');
    }
    box.appendChild(el('pre', 'fl-json', pretty(model, rows.body[a])));
    stateBlock(box, model, rows.lane[a], a);
    if (how !== 3) {
      const sub = el('div', 'fl-detail-sub', `receiver ${laneName(model, rows.lane[b])}`);
      box.appendChild(sub);
      stateBlock(box, model, rows.lane[b], b);
    }
    return;
  }
  const r = hit.row;
  line(box, 'time', formatUs(rows.t[r]));
  line(box, 'row · step', `${r} · ${rows.step[r]}`);
  const k = rows.kind[r];
  if (k === K.send || k === K.deliver || k === K.drop) {
    line(box, k === K.send ? 'to' : 'from', laneName(model, rows.peer[r]));
    const e = model.edgeTo[r];
    if (e >= 0) {
      const s = model.edges.from[e];
      line(box, 'sent', formatUs(rows.t[s]));
      line(box, 'latency', formatUs(rows.t[r] - rows.t[s]));
      line(box, 'how', HOW[model.edges.how[e]]);
    }
  }
  if (k === K.history) {
    const op = rows.peer[r];
    if (op >= 0 && op < model.ops.length) {
      const o = model.ops;
      line(box, 'operation', `${model.text(o.f[op])}${o.key[op] >= 0 ? ` ${model.text(o.key[op])}` : ''} → ${OP_STATUS[o.status[op]]}`);
      line(box, 'invoked · completed', `${formatUs(o.invokeUs[op])} · ${o.completeUs[op] >= 0 ? formatUs(o.completeUs[op]) : 'never'}`);
    }
  }
  const body = pretty(model, rows.body[r]);
  if (body !== '') box.appendChild(el('pre', 'fl-json', body));
  if (k !== K.state) stateBlock(box, model, rows.lane[r], r);
}
