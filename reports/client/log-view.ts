// The event log: every trace row, searchable and filterable, virtualized (only the rows in
// view exist in the DOM, over a spacer as tall as the list), linked to the other views
// through the bus: a click selects a row, a selection from elsewhere scrolls here; the
// filter is published as a row mask so the diagram can dim what the log hides.
import { KIND_NAMES } from '../shared/data.js';
import { KIND_LABELS } from './model.js';
import { el, formatUs, type ViewContext } from './context.js';
import { indexOfRow, isEmptyFilter, maskOf, parseQuery, pretty, scrollTopFor, SearchIndex, virtualWindow, type LogFilter } from './log-search.js';

/** Fixed row height, px (matches .fl-log-row in styles.ts). */
export const LOG_ROW_PX = 20;
const BODY_EXCERPT = 160;
const DEBOUNCE_MS = 120;

export function mountLog(root: HTMLElement, ctx: ViewContext): void {
  const { model, bus } = ctx;
  const rows = model.rows;
  const index = new SearchIndex(rows, model.strings, model.lanes, KIND_LABELS, KIND_NAMES);

  // Toolbar: search, lane, kind, causal past, count.
  const bar = el('div', 'fl-log-bar');
  const title = el('h2', 'fl-section-title', 'Event log');
  const search = el('input', 'fl-log-search');
  search.type = 'search';
  search.placeholder = 'Search label and body…  lane:n1  kind:send  -word  "a phrase"   (press / to focus)';
  search.setAttribute('aria-label', 'Search the event log');
  const laneSelect = el('select', 'fl-log-lane');
  laneSelect.setAttribute('aria-label', 'Lane');
  laneSelect.append(option('-2', 'all lanes'), option('-1', 'global'));
  for (const lane of model.lanes) laneSelect.append(option(String(lane.id), lane.name));
  const kindSelect = el('select', 'fl-log-kind');
  kindSelect.setAttribute('aria-label', 'Kind');
  kindSelect.append(option('-1', 'all kinds'));
  KIND_LABELS.forEach((name, code) => kindSelect.append(option(String(code), name)));
  const causalLabel = el('label', 'fl-log-causal');
  const causalBox = el('input');
  causalBox.type = 'checkbox';
  causalBox.disabled = true;
  causalLabel.append(causalBox, document.createTextNode(' only the selected row’s causal past'));
  const count = el('span', 'fl-log-count');
  const hiddenNote = el('span', 'fl-log-note');
  bar.append(title, search, laneSelect, kindSelect, causalLabel, count, hiddenNote);

  // The list: a scroller with a spacer, and a pool of row elements placed over it.
  const header = el('div', 'fl-log-row fl-log-head');
  header.append(el('span', 'fl-log-t', 'time'), el('span', 'fl-log-lane-name', 'lane'), el('span', 'fl-log-kind-name', 'kind'), el('span', 'fl-log-label', 'label'), el('span', 'fl-log-body', 'body'));
  const scroller = el('div', 'fl-log-scroll');
  scroller.tabIndex = 0;
  const spacer = el('div', 'fl-log-spacer');
  scroller.appendChild(spacer);
  const detail = el('div', 'fl-log-detail');
  root.append(bar, header, scroller, detail);

  /** A causal selection is active: a selected row, with the causal view on. */
  const causalActive = (): boolean => bus.causal && bus.selected >= 0;
  let matches: Int32Array = new Int32Array(0);
  let filtered = false;
  const pool: HTMLDivElement[] = [];

  function applyFilter(): void {
    const started = performance.now();
    const wantCausal = causalBox.checked && causalActive();
    const filter: LogFilter = {
      query: parseQuery(search.value),
      lane: Number(laneSelect.value),
      kind: Number(kindSelect.value),
      mask: wantCausal ? model.causalPast(bus.selected) : undefined,
    };
    filtered = !isEmptyFilter(filter);
    if (filtered) matches = index.filter(filter);
    else if (matches.length !== rows.length) matches = Int32Array.from({ length: rows.length }, (_v, i) => i);
    lastFilterMs = performance.now() - started;
    count.textContent = filtered ? `${matches.length.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')} rows` : `${rows.length.toLocaleString('en-US')} rows`;
    count.dataset.count = String(matches.length);
    count.dataset.ms = lastFilterMs.toFixed(1);
    bus.setFilter(filtered ? maskOf(matches, rows.length) : undefined, 'log');
    // Keep the selected row in view when the filter keeps it, else start at the top.
    scroller.scrollTop = 0;
    if (bus.selected >= 0) reveal(bus.selected);
    render();
  }
  let lastFilterMs = 0;

  function render(): void {
    const w = virtualWindow(scroller.scrollTop, scroller.clientHeight || 400, matches.length, LOG_ROW_PX);
    spacer.style.height = `${w.spacerPx}px`;
    while (pool.length < w.count) {
      const row = el('div', 'fl-log-row');
      row.append(el('span', 'fl-log-t'), el('span', 'fl-log-lane-name'), el('span', 'fl-log-kind-name'), el('span', 'fl-log-label'), el('span', 'fl-log-body'));
      scroller.appendChild(row);
      pool.push(row);
    }
    for (let i = 0; i < pool.length; i++) {
      const node = pool[i];
      if (i >= w.count) {
        node.style.display = 'none';
        continue;
      }
      const r = matches[w.first + i];
      node.style.display = '';
      node.style.top = `${w.topPx + i * LOG_ROW_PX}px`;
      if (node.dataset.row !== String(r)) fillRow(node, r);
      node.classList.toggle('fl-selected', r === bus.selected);
      node.classList.toggle('fl-hovered', r === bus.hovered);
    }
  }

  function fillRow(node: HTMLDivElement, r: number): void {
    node.dataset.row = String(r);
    const cells = node.children;
    const lane = rows.lane[r];
    cells[0].textContent = formatUs(rows.t[r]);
    cells[1].textContent = lane >= 0 ? (model.lanes[lane]?.name ?? String(lane)) : 'global';
    cells[2].textContent = model.kindName(r);
    cells[2].className = `fl-log-kind-name fl-kind-${model.kindName(r)}`;
    cells[3].textContent = model.text(rows.label[r]);
    const body = model.text(rows.body[r]);
    cells[4].textContent = body.length > BODY_EXCERPT ? `${body.slice(0, BODY_EXCERPT)}…` : body;
    // The whole body as the native tooltip (an attribute's text, never markup).
    (cells[4] as HTMLElement).title = body.length > BODY_EXCERPT ? body.slice(0, 4000) : '';
  }

  /** Scroll so that `row` shows; note when the filter hides it. */
  function reveal(row: number, scroll = true): void {
    const at = indexOfRow(matches, row);
    hiddenNote.textContent = at < 0 && row >= 0 ? 'the selected row is hidden by the filter' : '';
    if (at < 0 || !scroll) return;
    const view = scroller.clientHeight || 400;
    const w = virtualWindow(scroller.scrollTop, view, matches.length, LOG_ROW_PX);
    // Already fully in view: leave the scroll alone.
    if (at > w.first && at < w.first + w.count - 2) return;
    scroller.scrollTop = scrollTopFor(at, view, matches.length, LOG_ROW_PX);
  }

  scroller.addEventListener('scroll', () => render(), { passive: true });
  scroller.addEventListener('click', (event) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>('.fl-log-row');
    if (target?.dataset.row === undefined) return;
    bus.select(Number(target.dataset.row), 'log');
  });
  scroller.addEventListener('mouseover', (event) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>('.fl-log-row');
    if (target?.dataset.row !== undefined) bus.hover(Number(target.dataset.row), 'log');
  });
  scroller.addEventListener('mouseleave', () => bus.hover(-1, 'log'));
  // Keyboard: up/down move the selection through the kept rows.
  scroller.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    if (matches.length === 0) return;
    let at = indexOfRow(matches, bus.selected);
    at = at < 0 ? 0 : Math.max(0, Math.min(matches.length - 1, at + (event.key === 'ArrowDown' ? 1 : -1)));
    bus.select(matches[at], 'log');
  });

  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      applyFilter();
    }, DEBOUNCE_MS);
  });
  // Enter applies at once (no debounce); Escape clears.
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && search.value !== '') search.value = '';
    else if (event.key !== 'Enter') return;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    applyFilter();
  });
  // "/" anywhere but in a field focuses the search.
  document.addEventListener('keydown', (event) => {
    const target = event.target as HTMLElement | null;
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
    if (target !== null && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    event.preventDefault();
    search.focus();
  });
  laneSelect.addEventListener('change', applyFilter);
  kindSelect.addEventListener('change', applyFilter);
  causalBox.addEventListener('change', applyFilter);

  /** The selected row in full: where, what, and its body pretty-printed. */
  function showDetail(): void {
    detail.textContent = '';
    const r = bus.selected;
    if (r < 0 || r >= rows.length) {
      detail.appendChild(el('span', 'fl-log-detail-empty', 'Select a row (here, in the diagram or in the history) to see it in full.'));
      return;
    }
    const lane = rows.lane[r];
    const head = el('div', 'fl-log-detail-head');
    head.append(
      el('strong', undefined, `${model.kindName(r)} · ${model.text(rows.label[r])}`),
      el('span', undefined, ` row ${r} · ${formatUs(rows.t[r])} · step ${rows.step[r]} · ${lane >= 0 ? (model.lanes[lane]?.name ?? String(lane)) : 'global'}${rows.msg[r] >= 0 ? ` · message ${rows.msg[r]}` : ''}`),
    );
    detail.appendChild(head);
    const body = model.text(rows.body[r]);
    if (body !== '') detail.appendChild(el('pre', 'fl-log-detail-body', pretty(body)));
  }

  bus.on('select', () => {
    showDetail();
    causalBox.disabled = !causalActive();
    if (causalBox.checked) {
      applyFilter();
      return;
    }
    reveal(bus.selected, bus.source !== 'log');
    render();
  });
  bus.on('causal', () => {
    causalBox.disabled = !causalActive();
    if (causalBox.checked) applyFilter();
  });
  bus.on('hover', () => {
    if (bus.source !== 'log') render();
  });
  new ResizeObserver(() => render()).observe(scroller);

  applyFilter();
  showDetail();
}

function option(value: string, text: string): HTMLOptionElement {
  const o = el('option', undefined, text);
  o.value = value;
  return o;
}
