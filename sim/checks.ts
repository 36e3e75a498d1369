// The protocol's safety invariants and liveness checks, as the kernel runs them: on every
// ghost note, after every event (or every checkEveryEvents), and once at the end.
import type { SimConfig } from './config.js';
import type { Core } from './core.js';
import type { HistoryEvent } from './types.js';
import { assert, type Actor, type ClusterView, type Invariant, type LivenessCheck, type Note } from './types.js';

type View = ClusterView<Actor<unknown>>;

export class Checks {
  private readonly invariants: Invariant<Actor<unknown>>[];
  private readonly noteInvariants: Invariant<Actor<unknown>>[];
  private readonly stepInvariants: Invariant<Actor<unknown>>[];
  private readonly livenessChecks: LivenessCheck<Actor<unknown>>[];
  private readonly noteLiveness: LivenessCheck<Actor<unknown>>[];
  readonly watchesNotes: boolean;
  readonly checksSteps: boolean;

  constructor(
    private readonly core: Core,
    config: SimConfig,
  ) {
    for (const bug of config.bugs) {
      assert(
        config.protocol.bugs.some((b: { name: string }) => b.name === bug),
        `protocol ${config.protocol.name} has no bug variant ${bug}`,
      );
    }
    const wanted = config.checks ? new Set(config.checks) : undefined;
    this.invariants = config.protocol.invariants(config.protocolOptions).filter((i: Invariant<Actor<unknown>>) => !wanted || wanted.has(i.name));
    this.noteInvariants = this.invariants.filter((i) => i.onNote);
    this.stepInvariants = this.invariants.filter((i) => i.afterEvent);
    this.livenessChecks = config.protocol.liveness(config.protocolOptions).filter((l: LivenessCheck<Actor<unknown>>) => !wanted || wanted.has(l.name));
    this.noteLiveness = this.livenessChecks.filter((l) => l.onNote);
    this.watchesNotes = this.noteInvariants.length > 0 || this.noteLiveness.length > 0;
    this.checksSteps = this.stepInvariants.length > 0;
  }

  onNote(note: Note, view: View): void {
    for (const check of this.noteLiveness) check.onNote!(note, view);
    for (const inv of this.noteInvariants) {
      const msg = inv.onNote!(note, view);
      if (msg !== undefined) {
        this.core.violate('safety', inv.name, msg);
        return;
      }
    }
  }

  afterEvent(view: View): void {
    for (const inv of this.stepInvariants) {
      const msg = inv.afterEvent!(view);
      if (msg !== undefined) {
        this.core.violate('safety', inv.name, msg);
        return;
      }
    }
  }

  atEnd(view: View, info: { livenessStartUs: number; endUs: number; history: readonly HistoryEvent[] }): void {
    const core = this.core;
    for (const inv of this.invariants) {
      if (core.stopped) return;
      const msg = inv.atEnd?.(view);
      if (msg !== undefined) core.violate('safety', inv.name, msg);
    }
    for (const check of this.livenessChecks) {
      if (core.stopped) return;
      const msg = check.atEnd(view, info);
      if (msg !== undefined) core.violate('liveness', check.name, msg);
    }
  }
}
