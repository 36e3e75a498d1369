// Campaign progress on stderr: a bar redrawn in place on a terminal, plain periodic lines
// elsewhere (a pipe, a CI log: CI set in the environment). The wall clock is read here and
// in explore/, never in the core. What it shows (ProgressState) comes from explore/progress.ts.
import type { ProgressState } from '../explore/progress.js';

export interface ProgressSink {
  write(text: string): void;
}

export interface ProgressOptions {
  /** Redraw a bar in place (a TTY) or print a line every `intervalMs`. */
  tty: boolean;
  /** Seeds in the campaign, when known (--seeds); with --duration the ETA counts down the time. */
  total?: number;
  /** With --duration: the campaign's end, in ms of performance.now(). */
  deadlineMs?: number;
  intervalMs: number;
  /** Columns of the terminal. */
  columns?: number;
  now?: () => number;
}

/** Is stderr a terminal we may redraw? Not when CI is set. */
export function isInteractive(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env.CI === undefined || env.CI === '' || env.CI === 'false' || env.CI === '0');
}

export class Progress {
  private readonly startMs: number;
  private lastDrawMs = -Infinity;
  private drawn = false;
  private state: ProgressState = { done: 0, failures: 0 };
  /** The first completed seed: rates count from it, so worker start-up does not skew the ETA. */
  private origin: { ms: number; done: number } | undefined;
  private readonly now: () => number;

  constructor(
    private readonly sink: ProgressSink,
    private readonly options: ProgressOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.startMs = this.now();
    // Plain lines: the first one after an interval (a line per seed at the start is noise).
    if (!options.tty) this.lastDrawMs = this.startMs;
  }

  /** Record progress; draws when the interval has passed (or always, with force). */
  update(state: ProgressState, force = false): void {
    this.state = state;
    const t = this.now();
    if (this.origin === undefined && state.done > 0) this.origin = { ms: t, done: state.done };
    const interval = this.options.tty ? Math.min(this.options.intervalMs, 100) : this.options.intervalMs;
    if (!force && t - this.lastDrawMs < interval) return;
    this.lastDrawMs = t;
    if (this.options.tty) {
      this.sink.write(`\r\x1b[2K${this.bar(t)}`);
      this.drawn = true;
    } else {
      this.sink.write(`fuzz: ${this.text(t)}\n`);
    }
  }

  /** A line of its own (a failure found): clears the bar, prints, redraws. */
  log(line: string): void {
    if (this.options.tty && this.drawn) this.sink.write('\r\x1b[2K');
    this.sink.write(`${line}\n`);
    if (this.options.tty && this.drawn) this.sink.write(this.bar(this.now()));
  }

  /** Leave the final state on its own line. */
  finish(state: ProgressState = this.state): void {
    this.state = state;
    const t = this.now();
    if (this.options.tty) this.sink.write(`\r\x1b[2K${this.bar(t)}\n`);
    else this.sink.write(`fuzz: ${this.text(t)}\n`);
    this.drawn = false;
  }

  rate(t = this.now()): number {
    const o = this.origin;
    if (o !== undefined && t - o.ms >= 1000) return ((this.state.done - o.done) * 1000) / (t - o.ms);
    const seconds = (t - this.startMs) / 1000;
    return seconds > 0 ? this.state.done / seconds : 0;
  }

  /** `1234/10000 seeds · 2 failures · 523 seeds/s · ETA 17s` (guided: `· coverage 812` after the failures) */
  text(t: number): string {
    const { done, failures, coverage } = this.state;
    const total = this.options.total;
    const rate = this.rate(t);
    let eta = '';
    if (total !== undefined && rate > 0) eta = ` · ETA ${formatSeconds((total - done) / rate)}`;
    else if (this.options.deadlineMs !== undefined) eta = ` · ${formatSeconds(Math.max(0, this.options.deadlineMs - t) / 1000)} left`;
    const count = total !== undefined ? `${done}/${total}` : `${done}`;
    const covered = coverage !== undefined ? ` · coverage ${coverage}` : '';
    return `${count} seeds · ${failures} failure${failures === 1 ? '' : 's'}${covered} · ${rate.toFixed(rate < 10 ? 1 : 0)} seeds/s${eta}`;
  }

  private bar(t: number): string {
    const text = this.text(t);
    const total = this.options.total;
    let fraction: number | undefined;
    if (total !== undefined && total > 0) fraction = this.state.done / total;
    else if (this.options.deadlineMs !== undefined) {
      const span = this.options.deadlineMs - this.startMs;
      fraction = span > 0 ? (t - this.startMs) / span : 1;
    }
    if (fraction === undefined) return text;
    const width = Math.max(10, Math.min(40, (this.options.columns ?? 80) - text.length - 4));
    const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
    return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${text}`;
  }
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
