// The diff view (`report --diff A B`): the two runs' space-time diagrams one above the other
// on one shared time axis (zooming or panning one moves the other), each with its title,
// and their first divergence marked on both: a vertical line at its time, the two rows
// ringed, the reason in words, and a button that brings it into view.
import { el, formatUs, type ViewContext } from './context.js';
import { mountDiagram, paddedDomain, type DiagramHandle } from './diagram.js';
import { windowAround } from './diagram-layout.js';

const DIVERGENCE_COLOUR = '#e8710a';

export function mountDiff(root: HTMLElement, contexts: ViewContext[]): void {
  const pair = contexts.slice(0, 2);
  const divergence = pair[0].data.divergence;
  const start = Math.min(...pair.map((c) => c.model.startUs));
  const end = Math.max(...pair.map((c) => c.model.endUs));
  const domain = paddedDomain(start, end);

  // The divergence banner: what differs, where, and a button to go there.
  const banner = el('div', 'fl-divergence');
  banner.dataset.diverged = String(divergence !== undefined);
  if (divergence !== undefined) {
    banner.dataset.rows = divergence.rows.join(',');
    banner.append(
      el('strong', undefined, 'First divergence'),
      el('span', 'fl-divergence-at', `at ${formatUs(divergence.atUs[0])} / ${formatUs(divergence.atUs[1])}`),
      el('span', 'fl-divergence-why', divergence.why),
    );
  } else {
    banner.append(el('strong', undefined, 'No divergence'), el('span', 'fl-divergence-why', 'the two runs have the same trace'));
  }
  const goButton = el('button', 'fl-go-divergence', 'go to divergence');
  goButton.disabled = divergence === undefined;
  banner.appendChild(goButton);
  root.appendChild(banner);

  // The opening window: around the divergence in the first run, else the whole span.
  const opening: [number, number] = divergence !== undefined ? divergenceWindow(pair.map((c, i) => windowAround(c.model, divergence.rows[i], 150))) : domain;
  const handles: DiagramHandle[] = pair.map((ctx, i) => {
    const section = el('section', 'fl-diff-run fl-diagram');
    section.dataset.run = String(i);
    const meta = ctx.run.meta;
    const title = el('div', 'fl-diff-title');
    title.append(
      el('span', undefined, `${meta.title ?? `run ${i + 1}`} · `),
      el('span', `fl-verdict-${meta.verdict}`, meta.verdict.toUpperCase()),
      el('span', undefined, ` · ${meta.scenario} · seed ${meta.seed}${meta.bugs.length > 0 ? ` · bugs ${meta.bugs.join(', ')}` : ''}`),
    );
    section.appendChild(title);
    root.appendChild(section);
    const marks = divergence !== undefined ? [{ tUs: divergence.atUs[i], row: divergence.rows[i], label: 'divergence', colour: DIVERGENCE_COLOUR }] : [];
    return mountDiagram(section, ctx, { domain, marks, window: opening });
  });

  // One time axis: a window change in one run's diagram is applied to the other's.
  pair.forEach((ctx, i) => {
    const other = pair[1 - i];
    ctx.bus.on('window', () => {
      if (ctx.bus.source === 'diff') return;
      other.bus.setWindow(ctx.bus.window.t0, ctx.bus.window.t1, 'diff');
    });
  });

  const goToDivergence = (): void => {
    if (divergence === undefined) return;
    pair.forEach((ctx, i) => ctx.bus.select(divergence.rows[i], 'diff'));
    handles[0].showWindow(opening[0], opening[1]);
  };
  goButton.addEventListener('click', goToDivergence);
  if (divergence !== undefined) {
    pair.forEach((ctx, i) => ctx.bus.select(divergence.rows[i], 'diff'));
    handles[0].showWindow(opening[0], opening[1]);
  }
}

/** One window holding both runs' windows around their divergent rows. */
function divergenceWindow(windows: Array<[number, number]>): [number, number] {
  return [Math.min(...windows.map((w) => w[0])), Math.max(...windows.map((w) => w[1]))];
}
