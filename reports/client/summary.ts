// The summary header: what a reader needs first. The verdict (big, coloured), the run's
// identity (scenario, protocol, seed, bugs), every violation with its message and a link
// that selects its row, the undecided reason, the commands to replay and shrink (with copy
// buttons), the run's figures, and the Perfetto download. Text only: every string from
// the run goes in through textContent (el()).
import { toChromeTrace } from '../shared/perfetto.js';
import type { ReportMeta } from '../shared/data.js';
import { el, formatUs, type ViewContext } from './context.js';

export function mountSummary(root: HTMLElement, ctx: ViewContext): void {
  const meta = ctx.run.meta;
  const { bus, model } = ctx;

  // Line 1: verdict badge, scenario name, identity chips.
  const top = el('div', 'fl-summary-top');
  const verdict = el('div', `fl-verdict fl-verdict-${meta.verdict}`, meta.verdict.toUpperCase());
  verdict.setAttribute('role', 'status');
  const ident = el('div', 'fl-ident');
  const name = el('h1', 'fl-scenario', meta.scenario);
  if (meta.title !== undefined) name.appendChild(el('span', 'fl-run-title', ` · ${meta.title}`));
  const facts = el('div', 'fl-facts');
  facts.append(fact('protocol', meta.protocol), fact('seed', meta.seed), fact('nodes', String(meta.nodes)), fact('clients', String(meta.clients)), fact('file', meta.file));
  const bugs = el('span', 'fl-fact');
  bugs.appendChild(el('span', 'fl-fact-key', 'bugs'));
  if (meta.bugs.length === 0) bugs.appendChild(el('span', 'fl-fact-value fl-none', 'none'));
  for (const bug of meta.bugs) bugs.appendChild(el('span', 'fl-bug', bug));
  facts.appendChild(bugs);
  ident.append(name, facts);
  top.append(verdict, ident);
  root.appendChild(top);

  /** A link that selects a trace row (the diagram and the log follow). */
  function selectLink(className: string, text: string, row: number): HTMLAnchorElement {
    const link = el('a', className, text);
    link.href = '#';
    link.addEventListener('click', (event) => {
      event.preventDefault();
      bus.select(row, 'summary');
    });
    return link;
  }

  // Why: the violations (all of them), or the undecided reason, or a pass line.
  const why = el('div', 'fl-why');
  if (meta.violations.length > 0) {
    const first = meta.violations.find((v) => v.row >= 0);
    if (first !== undefined) why.appendChild(selectLink('fl-jump', 'Jump to violation', first.row));
    const list = el('ol', 'fl-violations');
    for (const v of meta.violations) {
      const item = el('li', 'fl-violation');
      const head = el('div', 'fl-violation-head');
      head.append(el('span', 'fl-violation-property', v.checker === v.kind ? v.kind : `${v.kind} (${v.checker})`));
      const where = [`at ${formatUs(v.atUs)}`, `event ${v.event}`];
      if (v.node !== undefined) where.push(`in ${v.node}`);
      else if (v.lane >= 0 && model.lanes[v.lane] !== undefined) where.push(`on ${model.lanes[v.lane].name}`);
      head.append(el('span', 'fl-violation-where', where.join(' · ')));
      if (v.row >= 0) head.append(selectLink('fl-violation-jump', 'show', v.row));
      item.append(head, el('pre', 'fl-violation-message', v.message));
      if (v.stack !== undefined) {
        const details = el('details', 'fl-stack');
        details.append(el('summary', undefined, 'stack'), el('pre', undefined, v.stack));
        item.appendChild(details);
      }
      list.appendChild(item);
    }
    why.appendChild(list);
  } else if (meta.verdict === 'pass') {
    why.appendChild(el('p', 'fl-pass-line', 'No property was violated.'));
  }
  if (meta.undecided !== undefined) {
    const p = el('p', 'fl-undecided');
    p.append(el('strong', undefined, 'Undecided: '), document.createTextNode(meta.undecided));
    why.appendChild(p);
  }
  if (meta.linearizability !== undefined) {
    const lin = meta.linearizability;
    const line = el('p', `fl-lin fl-lin-${lin.verdict}`, `Linearizability (model ${lin.model}): ${lin.verdict}`);
    if (lin.counterexample !== undefined) {
      const see = el('a', 'fl-see-cx', 'see the counterexample');
      see.href = '#fl-counterexample';
      line.append(document.createTextNode(' · '), see);
    }
    why.appendChild(line);
  }
  if (meta.history !== undefined) {
    const h = meta.history;
    const kinds = h.anomalyTypes.length > 0 ? ` (${h.anomalyTypes.join(', ')})` : '';
    why.appendChild(el('p', `fl-lin fl-history-${h.verdict}`, `History checker ${h.checker}: ${h.verdict}${kinds}`));
  }
  if (meta.observations !== undefined && meta.observations.length > 0) {
    const list = el('ul', 'fl-observations');
    for (const o of meta.observations) {
      const item = el('li', 'fl-observation');
      item.append(el('strong', undefined, `${o.checker}: `), document.createTextNode(o.message));
      list.appendChild(item);
    }
    why.appendChild(list);
  }
  root.appendChild(why);

  // Commands, figures, downloads.
  const bottom = el('div', 'fl-summary-bottom');
  const commands = el('div', 'fl-commands');
  commands.appendChild(command('replay', meta.replay));
  if (meta.shrink !== undefined) commands.appendChild(command('shrink', meta.shrink));
  bottom.append(commands, figures(meta), downloads(ctx));
  root.appendChild(bottom);
}

function fact(key: string, value: string): HTMLElement {
  const span = el('span', 'fl-fact');
  span.append(el('span', 'fl-fact-key', key), el('span', 'fl-fact-value', value));
  return span;
}

/** A command to paste, with a copy button. */
function command(label: string, text: string): HTMLElement {
  const row = el('div', `fl-command fl-command-${label}`);
  const code = el('code', 'fl-command-text', text);
  const button = el('button', 'fl-copy', 'copy');
  button.type = 'button';
  button.title = `Copy the ${label} command`;
  button.addEventListener('click', () => {
    void copyText(text, code).then((ok) => {
      button.textContent = ok ? 'copied' : 'select & copy';
      setTimeout(() => (button.textContent = 'copy'), 1500);
    });
  });
  row.append(el('span', 'fl-command-label', label), code, button);
  return row;
}

/** The clipboard API where allowed (file:// may refuse it), else a selection and execCommand. */
async function copyText(text: string, node: HTMLElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const range = document.createRange();
    range.selectNodeContents(node);
    const sel = window.getSelection();
    sel?.removeAllRanges();
    sel?.addRange(range);
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

/** The run's figures: hash, events and simulated time first, then meta.figures. */
function figures(meta: ReportMeta): HTMLElement {
  const dl = el('dl', 'fl-figures');
  const entries: Array<[string, string]> = [['hash', meta.hash]];
  if (meta.figures.events === undefined) entries.push(['events', meta.events.toLocaleString('en-US')]);
  if (meta.figures['simulated time'] === undefined) entries.push(['simulated time', formatUs(meta.simulatedUs)]);
  entries.push(...Object.entries(meta.figures));
  entries.push(['duration', `${formatUs(meta.durationUs)} (faults stop at ${formatUs(meta.faultsStopUs)})`]);
  entries.push(['faultline', meta.version]);
  for (const [k, v] of entries) {
    const item = el('div', 'fl-figure');
    item.append(el('dt', undefined, k), el('dd', undefined, v));
    dl.appendChild(item);
  }
  return dl;
}

/** The Perfetto download: the Chrome trace JSON as a Blob behind an object URL. */
function downloads(ctx: ViewContext): HTMLElement {
  const box = el('div', 'fl-downloads');
  const button = el('button', 'fl-perfetto', 'Download Perfetto trace');
  button.type = 'button';
  button.title = 'Chrome trace JSON: open it at ui.perfetto.dev or chrome://tracing';
  const error = el('span', 'fl-perfetto-error');
  button.addEventListener('click', () => {
    error.textContent = '';
    let json: string;
    try {
      json = JSON.stringify(toChromeTrace(ctx.run));
    } catch (e) {
      error.textContent = `Perfetto export failed: ${e instanceof Error ? e.message : String(e)}`;
      return;
    }
    const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
    const a = el('a');
    a.href = url;
    a.download = traceFileName(ctx.run.meta);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  box.append(button, error);
  return box;
}

/** A file name from the scenario and seed, reduced to safe characters. */
export function traceFileName(meta: Pick<ReportMeta, 'scenario' | 'seed'>): string {
  const clean = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 80) || 'run';
  return `${clean(meta.scenario)}-seed-${clean(meta.seed)}.perfetto.json`;
}
