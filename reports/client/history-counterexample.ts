// The linearizability counterexample as a readable list beside the history: the model
// state before the partial linearization, each step (op, linearization point, state after),
// the state at the failure and the operation that could not be linearized, with its reason.
// Hovering a step tells the history (through `onHover`) which bar to highlight.
import { OP_STATUS, type ReportLinearizability } from '../shared/data.js';
import { el, formatUs, type ViewContext } from './context.js';

export type Counterexample = NonNullable<ReportLinearizability['counterexample']>;

export interface CounterexampleHooks {
  /** An op is hovered in the list (-1: none). */
  onHover(op: number): void;
  /** An op is clicked in the list. */
  onPick(op: number): void;
}

/** The first linearization step's number in the whole partial linearization (the list holds its last steps). */
export function firstStepNumber(cx: Counterexample): number {
  return Math.max(1, cx.linearizedCount - cx.linearization.length + 1);
}

export interface CounterexampleList {
  box: HTMLElement;
  /** Highlight the entries of `op` (hovered in the history; -1: none), scrolling the steps to it. */
  mark(op: number): void;
}

export function renderCounterexample(root: HTMLElement, ctx: ViewContext, model: string, cx: Counterexample, hooks: CounterexampleHooks): CounterexampleList {
  const ops = ctx.run.ops;
  const box = el('div', 'fl-counterexample');
  box.id = 'fl-counterexample';
  box.appendChild(el('h3', 'fl-cx-title', `Linearizability counterexample · model ${model} · ${cx.partition}`));

  const failing = el('div', 'fl-cx-failing');
  failing.dataset.op = String(cx.op);
  failing.append(el('span', 'fl-cx-badge', 'cannot be linearized'), el('code', 'fl-cx-op', cx.opText));
  failing.appendChild(el('div', 'fl-cx-reason', cx.reason));
  if (cx.op >= 0 && cx.op < ops.length) failing.appendChild(el('div', 'fl-cx-times', opTimes(ctx, cx.op)));
  link(failing, cx.op, hooks);
  box.appendChild(failing);

  const first = firstStepNumber(cx);
  const intro = cx.linearizedCount > cx.linearization.length ? `The longest partial linearization orders ${cx.linearizedCount} operations; its last ${cx.linearization.length} steps:` : `The longest partial linearization (${cx.linearizedCount} operations):`;
  box.appendChild(el('p', 'fl-cx-intro', intro));

  const list = el('ol', 'fl-cx-steps');
  const before = el('li', 'fl-cx-state fl-cx-before');
  before.append(el('span', 'fl-cx-n', ''), el('span', 'fl-cx-label', 'state before'), el('code', 'fl-cx-value', cx.stateBefore));
  list.appendChild(before);
  cx.linearization.forEach((step, i) => {
    const li = el('li', 'fl-cx-step');
    li.dataset.op = String(step.op);
    li.append(el('span', 'fl-cx-n', String(first + i)), el('code', 'fl-cx-op', step.text), el('span', 'fl-cx-point', `@ ${formatUs(step.pointUs)}`), el('span', 'fl-cx-arrow', '→'), el('code', 'fl-cx-value', step.stateAfter));
    link(li, step.op, hooks);
    list.appendChild(li);
  });
  const atFailure = el('li', 'fl-cx-state fl-cx-at-failure');
  atFailure.append(el('span', 'fl-cx-n', '✗'), el('span', 'fl-cx-label', 'state at failure'), el('code', 'fl-cx-value', cx.stateAtFailure));
  list.appendChild(atFailure);
  box.appendChild(list);

  if (cx.pending.length > 0) {
    const pending = el('div', 'fl-cx-pending');
    pending.appendChild(el('span', 'fl-cx-label', `still open at that point (${cx.pending.length}): `));
    for (const op of cx.pending.slice(0, 50)) {
      const chip = el('span', 'fl-cx-chip', op >= 0 && op < ops.length ? opShort(ctx, op) : `op ${op}`);
      chip.dataset.op = String(op);
      link(chip, op, hooks);
      pending.appendChild(chip);
    }
    if (cx.pending.length > 50) pending.appendChild(el('span', 'fl-cx-more', `… ${cx.pending.length - 50} more`));
    box.appendChild(pending);
  }
  root.appendChild(box);
  // The end of the partial linearization is where it broke: show it first.
  requestAnimationFrame(() => (list.scrollTop = list.scrollHeight));
  let marked: HTMLElement[] = [];
  return {
    box,
    mark(op: number): void {
      for (const node of marked) node.classList.remove('fl-cx-hot');
      marked = op >= 0 ? [...box.querySelectorAll<HTMLElement>(`[data-op="${op}"]`)] : [];
      for (const node of marked) node.classList.add('fl-cx-hot');
      const step = marked.find((n) => n.parentElement === list);
      if (step !== undefined && (step.offsetTop < list.scrollTop || step.offsetTop > list.scrollTop + list.clientHeight - step.offsetHeight)) list.scrollTop = step.offsetTop - list.clientHeight / 2;
    },
  };
}

function link(node: HTMLElement, op: number, hooks: CounterexampleHooks): void {
  if (op < 0) return;
  node.classList.add('fl-cx-linked');
  node.addEventListener('mouseenter', () => hooks.onHover(op));
  node.addEventListener('mouseleave', () => hooks.onHover(-1));
  node.addEventListener('click', () => hooks.onPick(op));
}

/** p3 put "k1" (ok): a compact op name. */
export function opShort(ctx: ViewContext, op: number): string {
  const { ops } = ctx.run;
  const m = ctx.model;
  const key = ops.key[op] >= 0 ? ` ${m.text(ops.key[op])}` : '';
  return `p${ops.process[op]} ${m.text(ops.f[op])}${key} (${OP_STATUS[ops.status[op]] ?? '?'})`;
}

export function opTimes(ctx: ViewContext, op: number): string {
  const { ops } = ctx.run;
  const done = ops.completeUs[op];
  return done >= 0 ? `invoked ${formatUs(ops.invokeUs[op])}, completed ${formatUs(done)} (${formatUs(done - ops.invokeUs[op])})` : `invoked ${formatUs(ops.invokeUs[op])}, never completed`;
}
