// The report page: decode the embedded data, then mount the views. One run: summary,
// space-time diagram, client history, event log. Two runs (`report --diff`): the diff view.
import { Bus } from './bus.js';
import type { ViewContext } from './context.js';
import { el } from './context.js';
import { mountDiagram } from './diagram.js';
import { mountDiff } from './diff.js';
import { mountHistory } from './history-view.js';
import { loadReportData } from './load.js';
import { mountLog } from './log-view.js';
import { RunModel } from './model.js';
import { STYLES } from './styles.js';
import { DIAGRAM_STYLES } from './diagram-styles.js';
import { mountSummary } from './summary.js';

declare global {
  interface Window {
    /** For tests and the console: the decoded data and the views' state, once the page is ready. */
    faultline?: { ready: boolean; contexts: ViewContext[]; firstPaintMs: number };
  }
}

function start(): void {
  const started = performance.now();
  const style = document.createElement('style');
  style.textContent = STYLES + DIAGRAM_STYLES;
  document.head.appendChild(style);
  const app = document.getElementById('app')!;
  const data = loadReportData(document);
  app.textContent = '';
  const contexts: ViewContext[] = data.runs.map((run, index) => ({ data, index, run, model: new RunModel(run), bus: new Bus() }));
  if (contexts.length >= 2) {
    mountDiff(app, contexts);
  } else if (contexts.length === 1) {
    const ctx = contexts[0];
    const summary = el('header', 'fl-summary');
    const diagram = el('section', 'fl-diagram');
    const history = el('section', 'fl-history');
    const log = el('section', 'fl-log');
    app.append(summary, diagram, history, log);
    mountSummary(summary, ctx);
    // The history first: with a linearizability counterexample it opens on the failing
    // operation and the steps before it, and the diagram opens on the same window.
    mountHistory(history, ctx);
    const counterexample = ctx.run.meta.linearizability?.counterexample !== undefined && ctx.run.meta.violations[0]?.kind === 'linearizability';
    mountDiagram(diagram, ctx, counterexample ? { window: [ctx.bus.window.t0, ctx.bus.window.t1] } : {});
    mountLog(log, ctx);
  }
  requestAnimationFrame(() => {
    window.faultline = { ready: true, contexts, firstPaintMs: performance.now() - started };
  });
}

try {
  start();
} catch (error) {
  const app = document.getElementById('app');
  if (app !== null) {
    app.textContent = '';
    app.appendChild(el('pre', 'fl-error', `This report could not be shown: ${error instanceof Error ? error.message : String(error)}`));
  }
  throw error;
}
