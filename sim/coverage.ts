// The coverage signal of a run, for guided fuzzing: which abstract protocol states each
// actor passed through, and which transitions between them, together with the kinds of
// fault active at the time. The protocol says what its abstract state is
// (`Protocol.coverageKey(summary, previous)`: Raft takes role and term delta); without it
// the summary's `role` is used. Collected only when a run asks for it (SimConfig.coverage):
// it reads every actor's summary after every handler, which a plain run never pays for.
import type { Protocol } from './types.js';

/** Which faults are in force: a few letters, always in the same order. */
export interface FaultState {
  partitioned: boolean;
  crashed: boolean;
  paused: boolean;
  lossBurst: boolean;
}

export function faultMask(f: FaultState): string {
  return (f.partitioned ? 'p' : '-') + (f.crashed ? 'c' : '-') + (f.paused ? 'z' : '-') + (f.lossBurst ? 'l' : '-');
}

export class Coverage {
  /** Every key seen: `s:<state>|<faults>` for a state, `t:<from>><to>|<faults>` for a transition. */
  readonly keys = new Set<string>();
  private readonly lastKey: Array<string | undefined> = [];
  private readonly lastSummary: Array<Record<string, unknown> | undefined> = [];

  constructor(
    private readonly protocol: Pick<Protocol<unknown>, 'coverageKey'>,
    private readonly faults: () => FaultState,
  ) {}

  /** After a handler ran on actor `id` (its summary now): note its state and the transition to it. */
  observe(id: number, summary: Record<string, unknown>): void {
    const previous = this.lastSummary[id];
    const key = this.protocol.coverageKey ? this.protocol.coverageKey(summary, previous) : String(summary.role ?? '');
    this.lastSummary[id] = summary;
    const before = this.lastKey[id];
    if (before === key) return;
    this.lastKey[id] = key;
    const mask = faultMask(this.faults());
    this.keys.add(`s:${key}|${mask}`);
    if (before !== undefined) this.keys.add(`t:${before}>${key}|${mask}`);
  }

  /** A crash: the actor's next state is a fresh start, not a transition. */
  forget(id: number): void {
    this.lastKey[id] = undefined;
    this.lastSummary[id] = undefined;
  }

  sorted(): string[] {
    return [...this.keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
