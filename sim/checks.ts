// The protocol's safety invariants and liveness checks, as the kernel runs them: on every
// ghost note, after every event (or every checkEveryEvents), and once at the end. They are
// protocol code: what they throw is a protocol exception (Core.caught), not faultline's.
import type { SimConfig } from './config.js';
import type { Core } from './core.js';
import { KernelError } from './errors.js';
import type { HistoryEvent } from './types.js';
import type { Actor, ClusterView, Invariant, LivenessCheck, Observer } from './types.js';
import type { Observation } from './result.js';

type View = ClusterView<Actor<unknown>>;

/** The checkers that read one note kind, in the order they are called: observers, liveness checks, invariants. */
export interface NoteListeners {
  readonly observers: readonly Observer<Actor<unknown>>[];
  readonly liveness: readonly LivenessCheck<Actor<unknown>>[];
  readonly invariants: readonly Invariant<Actor<unknown>>[];
}

/** Does a checker read notes of this kind? (No `notes` declared: every kind.) */
const reads = (checker: { notes?: readonly string[] }, kind: string): boolean => checker.notes === undefined || checker.notes.includes(kind);

export class Checks {
  private readonly invariants: Invariant<Actor<unknown>>[] = [];
  private readonly noteInvariants: Invariant<Actor<unknown>>[] = [];
  private readonly stepInvariants: Invariant<Actor<unknown>>[] = [];
  /**
   * stepInvariants' afterEvent, each bound to its invariant once: the loop after every event
   * calls a function from an array instead of reading `afterEvent` from objects of as many
   * classes as there are checks (a megamorphic load per check per event).
   */
  private readonly stepChecks: Array<(view: View) => string | undefined> = [];
  private readonly livenessChecks: LivenessCheck<Actor<unknown>>[] = [];
  private readonly noteLiveness: LivenessCheck<Actor<unknown>>[] = [];
  private readonly observers: Observer<Actor<unknown>>[] = [];
  private readonly noteObservers: Observer<Actor<unknown>>[] = [];
  readonly observations: Observation[] = [];
  readonly watchesNotes: boolean;
  readonly checksSteps: boolean;
  /** Who reads each note kind (null: nobody), filled the first time a kind is noted. */
  private readonly byKind = new Map<string, NoteListeners | null>();
  /** The kind listeners() was last asked about, and its answer. */
  private lastKind: string | undefined = undefined;
  private lastListeners: NoteListeners | undefined = undefined;
  /** The one Note object every listener is handed, refilled per note (Note's contract: read it during the call). */
  private readonly note: { node: number; kind: string; data: Record<string, unknown>; timeUs: number } = { node: 0, kind: '', data: {}, timeUs: 0 };

  constructor(
    private readonly core: Core,
    config: SimConfig,
  ) {
    for (const bug of config.bugs) {
      if (!config.protocol.bugs.some((b: { name: string }) => b.name === bug)) throw new KernelError(`protocol ${config.protocol.name} has no bug variant ${bug}`);
    }
    const wanted = config.checks ? new Set(config.checks) : undefined;
    const protocol = config.protocol;
    // The factories are protocol code too: a throw stops the run before it starts.
    try {
      this.invariants = protocol.invariants(config.protocolOptions).filter((i: Invariant<Actor<unknown>>) => !wanted || wanted.has(i.name));
      this.noteInvariants = this.invariants.filter((i) => i.onNote);
      this.stepInvariants = this.invariants.filter((i) => i.afterEvent);
      this.stepChecks = this.stepInvariants.map((i) => i.afterEvent!.bind(i));
    } catch (error) {
      core.caught(error, `protocol ${protocol.name}`, 'invariants()');
    }
    try {
      this.livenessChecks = protocol.liveness(config.protocolOptions).filter((l: LivenessCheck<Actor<unknown>>) => !wanted || wanted.has(l.name));
      this.noteLiveness = this.livenessChecks.filter((l) => l.onNote);
    } catch (error) {
      core.caught(error, `protocol ${protocol.name}`, 'liveness()');
    }
    try {
      this.observers = protocol.observers?.(config.protocolOptions) ?? [];
      this.noteObservers = this.observers.filter((o) => o.onNote);
    } catch (error) {
      core.caught(error, `protocol ${protocol.name}`, 'observers()');
    }
    this.watchesNotes = this.noteInvariants.length > 0 || this.noteLiveness.length > 0 || this.noteObservers.length > 0;
    this.checksSteps = this.stepInvariants.length > 0;
  }

  /** The checkers that read notes of `kind` in this run, or undefined when none does (then the note's data is never built). */
  listeners(kind: string): NoteListeners | undefined {
    // Notes of one kind come in runs (a commit applies several entries): the last answer first.
    if (kind === this.lastKind) return this.lastListeners;
    let found = this.byKind.get(kind);
    if (found === undefined) {
      const observers = this.noteObservers.filter((o) => reads(o, kind));
      const liveness = this.noteLiveness.filter((l) => reads(l, kind));
      const invariants = this.noteInvariants.filter((i) => reads(i, kind));
      found = observers.length + liveness.length + invariants.length === 0 ? null : { observers, liveness, invariants };
      this.byKind.set(kind, found);
    }
    this.lastKind = kind;
    this.lastListeners = found ?? undefined;
    return this.lastListeners;
  }

  /** One ghost note, to the checkers that read its kind (`listeners(kind)`), in order; the first violation or exception ends it. */
  onNote(listeners: NoteListeners, node: number, kind: string, data: Record<string, unknown>, timeUs: number, view: View): void {
    const note = this.note;
    note.node = node;
    note.kind = kind;
    note.data = data;
    note.timeUs = timeUs;
    for (const observer of listeners.observers) {
      try {
        observer.onNote!(note, view);
      } catch (error) {
        this.core.caught(error, `observer ${observer.name}`, 'onNote');
        return;
      }
    }
    for (const check of listeners.liveness) {
      try {
        check.onNote!(note, view);
      } catch (error) {
        this.core.caught(error, `liveness check ${check.name}`, 'onNote');
        return;
      }
    }
    for (const inv of listeners.invariants) {
      let msg: string | undefined;
      try {
        msg = inv.onNote!(note, view);
      } catch (error) {
        this.core.caught(error, `invariant ${inv.name}`, 'onNote');
        return;
      }
      if (msg !== undefined) {
        this.core.violate('safety', inv.name, msg);
        return;
      }
    }
  }

  afterEvent(view: View): void {
    const checks = this.stepChecks;
    for (let i = 0; i < checks.length; i++) {
      let msg: string | undefined;
      try {
        msg = checks[i](view);
      } catch (error) {
        this.core.caught(error, `invariant ${this.stepInvariants[i].name}`, 'afterEvent');
        return;
      }
      if (msg !== undefined) {
        this.core.violate('safety', this.stepInvariants[i].name, msg);
        return;
      }
    }
  }

  atEnd(view: View, info: { livenessStartUs: number; endUs: number; history: readonly HistoryEvent[] }): void {
    const core = this.core;
    for (const inv of this.invariants) {
      if (core.stopped) return;
      let msg: string | undefined;
      try {
        msg = inv.atEnd?.(view);
      } catch (error) {
        core.caught(error, `invariant ${inv.name}`, 'atEnd');
        return;
      }
      if (msg !== undefined) core.violate('safety', inv.name, msg);
    }
    for (const check of this.livenessChecks) {
      if (core.stopped) return;
      let msg: string | undefined;
      try {
        msg = check.atEnd(view, info);
      } catch (error) {
        core.caught(error, `liveness check ${check.name}`, 'atEnd');
        return;
      }
      if (msg !== undefined) core.violate('liveness', check.name, msg);
    }
  }

  /** The observers' findings, at the end of a run that was not cut short (after a violation too: a finding explains it). */
  observe(view: View, info: { livenessStartUs: number; endUs: number; history: readonly HistoryEvent[] }): void {
    for (const observer of this.observers) {
      let msg: string | undefined;
      try {
        msg = observer.atEnd(view, info);
      } catch (error) {
        if (!this.core.stopped) this.core.caught(error, `observer ${observer.name}`, 'atEnd');
        return;
      }
      if (msg !== undefined) this.observations.push({ checker: observer.name, message: msg });
    }
  }
}
