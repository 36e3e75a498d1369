// The views' shared state and its events: which row is selected and hovered, whether the
// causal past is shown, the visible time window, and the log's filter. Views change it
// only through these methods and redraw on its events, so each view knows no other view.

export type BusEvent = 'select' | 'hover' | 'window' | 'filter' | 'causal';

export interface TimeWindow {
  /** Visible true time, µs. */
  t0: number;
  t1: number;
}

export class Bus {
  /** Selected trace row (-1: none). */
  selected = -1;
  /** Hovered trace row (-1: none). */
  hovered = -1;
  /** Fade everything outside the selected row's causal past. */
  causal = true;
  /** The time window the diagram and the history show (shared, so they stay aligned). */
  window: TimeWindow = { t0: 0, t1: 1 };
  /** Rows the log's search and filters keep (undefined: all). */
  filter: Uint8Array | undefined;
  /** Which view made the last change (a view ignores its own echo). */
  source = '';
  private readonly listeners = new Map<BusEvent, Array<() => void>>();

  on(event: BusEvent, fn: () => void): void {
    const list = this.listeners.get(event) ?? [];
    list.push(fn);
    this.listeners.set(event, list);
  }

  private emit(event: BusEvent, source: string): void {
    this.source = source;
    for (const fn of this.listeners.get(event) ?? []) fn();
  }

  select(row: number, source: string): void {
    if (row === this.selected) return;
    this.selected = row;
    this.emit('select', source);
  }

  hover(row: number, source: string): void {
    if (row === this.hovered) return;
    this.hovered = row;
    this.emit('hover', source);
  }

  setWindow(t0: number, t1: number, source: string): void {
    if (t0 === this.window.t0 && t1 === this.window.t1) return;
    this.window = { t0, t1 };
    this.emit('window', source);
  }

  setFilter(mask: Uint8Array | undefined, source: string): void {
    this.filter = mask;
    this.emit('filter', source);
  }

  setCausal(on: boolean, source: string): void {
    if (on === this.causal) return;
    this.causal = on;
    this.emit('causal', source);
  }
}
