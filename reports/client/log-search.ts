// The event log's search and filters, without the DOM (unit-tested in node).
//
// Query syntax, case-insensitive, terms joined by AND:
//   vote            rows whose label, body, lane name or kind name contains "vote"
//   "append-reply"  a quoted phrase (spaces allowed inside)
//   -redirect       rows that do NOT contain "redirect"
//   lane:n1,c2      rows on lane n1 or c2 (node: is a synonym)
//   kind:send       rows of that kind (send, deliver, drop, timer, state, op, fault...)
//
// Speed on a million rows: a term is tested once per distinct string of the string table
// (labels and bodies are interned), giving a per-string flag; the pass over rows is then a
// couple of array reads per row and term. The lowercased table is computed once, lazily.
import type { Lane, Rows } from '../shared/data.js';

export interface ParsedQuery {
  /** Lowercased free-text terms that must all occur. */
  include: string[];
  /** Lowercased terms none of which may occur. */
  exclude: string[];
  /** lane: restrictions (lowercased lane names); empty: any lane. */
  lanes: string[];
  /** kind: restrictions (lowercased kind names); empty: any kind. */
  kinds: string[];
}

/** Split a query into terms: whitespace-separated, "double quotes" keep spaces, a leading - negates. */
export function parseQuery(text: string): ParsedQuery {
  const out: ParsedQuery = { include: [], exclude: [], lanes: [], kinds: [] };
  const re = /(-?)(?:"([^"]*)"?|(\S+))/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const negate = m[1] === '-';
    const quoted = m[2] !== undefined;
    const word = (quoted ? m[2] : m[3]).toLowerCase();
    if (word === '') continue;
    if (!quoted && !negate) {
      const field = /^(lane|node|kind):(.*)$/.exec(word);
      if (field !== null) {
        const values = field[2].split(',').filter((v) => v !== '');
        (field[1] === 'kind' ? out.kinds : out.lanes).push(...values);
        continue;
      }
    }
    (negate ? out.exclude : out.include).push(word);
  }
  return out;
}

export function isEmptyQuery(q: ParsedQuery): boolean {
  return q.include.length === 0 && q.exclude.length === 0 && q.lanes.length === 0 && q.kinds.length === 0;
}

/** What the log keeps: the parsed query, the dropdowns' choices, and an optional row mask (causal past). */
export interface LogFilter {
  query: ParsedQuery;
  /** Only this lane (-2: any; -1: global rows). */
  lane: number;
  /** Only this kind code (-1: any). */
  kind: number;
  /** Only rows whose mask byte is 1 (the selected row's causal past). */
  mask?: Uint8Array | undefined;
}

export function isEmptyFilter(f: LogFilter): boolean {
  return isEmptyQuery(f.query) && f.lane === -2 && f.kind === -1 && f.mask === undefined;
}

/** The searchable text of a run: its string table (lowercased on first use), lane and kind names. */
export class SearchIndex {
  private lower: string[] | undefined;
  constructor(
    readonly rows: Rows,
    readonly strings: readonly string[],
    readonly lanes: readonly Lane[],
    readonly kindNames: readonly string[],
    /** Other names per kind code for kind: (e.g. `history` for `op`). */
    readonly kindAliases: readonly string[] = [],
  ) {}

  private lowered(): string[] {
    if (this.lower === undefined) this.lower = this.strings.map((s) => s.toLowerCase());
    return this.lower;
  }

  /** Per distinct string: does it contain `term` (lowercased)? */
  private stringFlags(term: string): Uint8Array {
    const lower = this.lowered();
    const flags = new Uint8Array(lower.length);
    for (let i = 0; i < lower.length; i++) if (lower[i].includes(term)) flags[i] = 1;
    return flags;
  }

  /**
   * The rows kept by `filter`, ascending. Free-text terms match a row's label, body, lane
   * name or kind name (what the log shows).
   */
  filter(f: LogFilter): Int32Array {
    const rows = this.rows;
    const n = rows.length;
    const q = f.query;
    const laneNames = this.lanes.map((l) => l.name.toLowerCase());
    const kindNames = this.kindNames.map((k) => k.toLowerCase());
    // lane:/kind: restrictions as lookup tables (index lane+1 so global rows, lane -1, fit).
    const laneOk = new Uint8Array(laneNames.length + 1).fill(q.lanes.length === 0 && f.lane === -2 ? 1 : 0);
    if (q.lanes.length > 0 || f.lane !== -2) {
      for (let l = -1; l < laneNames.length; l++) {
        const name = l < 0 ? 'global' : laneNames[l];
        const byQuery = q.lanes.length === 0 || q.lanes.includes(name);
        const byChoice = f.lane === -2 || f.lane === l;
        laneOk[l + 1] = byQuery && byChoice ? 1 : 0;
      }
    }
    const kindOk = new Uint8Array(Math.max(kindNames.length, 256)).fill(0);
    for (let k = 0; k < kindOk.length; k++) {
      const name = kindNames[k] ?? '';
      const alias = (this.kindAliases[k] ?? '').toLowerCase();
      kindOk[k] = (q.kinds.length === 0 || q.kinds.some((x) => name === x || alias === x)) && (f.kind === -1 || f.kind === k) ? 1 : 0;
    }
    // Each term: flags per string, per lane name and per kind name.
    const terms = [...q.include.map((t) => ({ t, want: true })), ...q.exclude.map((t) => ({ t, want: false }))].map(({ t, want }) => ({
      want,
      str: this.stringFlags(t),
      lane: Uint8Array.from([0, ...laneNames.map((name) => (name.includes(t) ? 1 : 0))]),
      kind: Uint8Array.from(kindOk, (_v, k) => ((kindNames[k] ?? '').includes(t) ? 1 : 0)),
    }));
    const out = new Int32Array(n);
    let count = 0;
    const { label, body, lane, kind } = rows;
    const mask = f.mask;
    for (let r = 0; r < n; r++) {
      if (mask !== undefined && mask[r] !== 1) continue;
      const l = lane[r] + 1;
      if (laneOk[l < laneOk.length ? l : 0] !== 1) continue;
      const k = kind[r];
      if (kindOk[k] !== 1) continue;
      let ok = true;
      for (const term of terms) {
        const lb = label[r];
        const bd = body[r];
        const hit = (lb >= 0 && term.str[lb] === 1) || (bd >= 0 && term.str[bd] === 1) || term.lane[l < term.lane.length ? l : 0] === 1 || term.kind[k] === 1;
        if (hit !== term.want) {
          ok = false;
          break;
        }
      }
      if (ok) out[count++] = r;
    }
    return out.slice(0, count);
  }
}

/** Position of `row` in the ascending list `matches` (-1 when absent). */
export function indexOfRow(matches: Int32Array, row: number): number {
  let lo = 0;
  let hi = matches.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (matches[mid] === row) return mid;
    if (matches[mid] < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The mask (1 per kept row) the diagram dims by. */
export function maskOf(matches: Int32Array, n: number): Uint8Array {
  const mask = new Uint8Array(n);
  for (let i = 0; i < matches.length; i++) mask[matches[i]] = 1;
  return mask;
}

/**
 * Virtual scrolling with a fixed row height. Browsers cap an element's height (Firefox near
 * 17.9M px), so past `maxPx` the spacer is capped and the scroll position maps to rows
 * proportionally instead of one pixel per pixel.
 */
export interface VirtualWindow {
  /** The spacer's height, px. */
  spacerPx: number;
  /** The first row shown. */
  first: number;
  /** How many rows to render. */
  count: number;
  /** The top of the first rendered row, px (in the scrolled content's coordinates). */
  topPx: number;
}

export const MAX_SPACER_PX = 8_000_000;

export function virtualWindow(scrollTop: number, viewPx: number, rowCount: number, rowPx: number, maxPx = MAX_SPACER_PX): VirtualWindow {
  const visible = Math.ceil(viewPx / rowPx) + 1;
  const full = rowCount * rowPx;
  if (full <= maxPx) {
    const first = Math.max(0, Math.min(Math.floor(scrollTop / rowPx), Math.max(0, rowCount - 1)));
    return { spacerPx: full, first, count: Math.max(0, Math.min(visible, rowCount - first)), topPx: first * rowPx };
  }
  const scrollRange = Math.max(1, maxPx - viewPx);
  const rowRange = Math.max(0, rowCount - visible + 1);
  const fraction = Math.max(0, Math.min(1, scrollTop / scrollRange));
  const first = Math.round(fraction * rowRange);
  return { spacerPx: maxPx, first, count: Math.min(visible, rowCount - first), topPx: Math.max(0, Math.min(scrollTop, maxPx - viewPx)) };
}

/** The scrollTop that shows row position `index` about a third down the viewport. */
export function scrollTopFor(index: number, viewPx: number, rowCount: number, rowPx: number, maxPx = MAX_SPACER_PX): number {
  const full = rowCount * rowPx;
  const lead = Math.floor(viewPx / rowPx / 3);
  if (full <= maxPx) return Math.max(0, (index - lead) * rowPx);
  const visible = Math.ceil(viewPx / rowPx) + 1;
  const rowRange = Math.max(1, rowCount - visible + 1);
  const scrollRange = Math.max(1, maxPx - viewPx);
  return Math.max(0, Math.min(scrollRange, ((index - lead) / rowRange) * scrollRange));
}

/** JSON text indented (when it parses), capped so a huge body cannot stall the page. */
export function pretty(text: string, cap = 20_000): string {
  let out = text;
  try {
    out = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON: as is
  }
  return out.length > cap ? `${out.slice(0, cap)}\n… (${(out.length - cap).toLocaleString('en-US')} more characters)` : out;
}
