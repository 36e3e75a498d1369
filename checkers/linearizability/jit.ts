// The configurations after a completed operation returns (Lowe's just-in-time
// linearization, for incremental.ts): from each configuration, every sequence of
// candidates (open completed ops, pending indeterminate ones) that ends with the returning
// op `o`, and nothing linearized later than needed. Cuts that keep it complete:
// - open read-only ops legal in a configuration's state are linearized in it at once
//   (linearizing one later leaves every state as it is, so it can only do less);
// - an indeterminate op is applied only where it changes the state, and never right
//   before a blind op (which erases its effect: the configuration without it dominates);
// - the resulting set is deduplicated and keeps only undominated configurations;
// - lookahead (Model.reach): completed ops known to return later (targets) must each be
//   linearized already in a configuration, or still reachable from its state through the ops
//   still available to it (its open ops not linearized, its pending indeterminate ones, and
//   the ops called before the target returns); a configuration that cannot reach one is
//   dropped, with all it would lead to (the ops available only shrink along a path);
// - erasure: when a configuration cannot reach a target from its state, every op that may
//   lead there is blind, and every other op that can come before it is total (legal in every
//   state; Model.total), then a blind op erases its state before anything observes it:
//   such configurations are one whatever their states (marked `erased`: deduplicated and
//   dominated on their linearized ops and pending counts alone), and an indeterminate op
//   that is not blind is never applied in one (dropping it leaves a linearization).
import { ConfigFrontier, configWords, headKey, infoKey, makeConfig, withCount, withId, withoutId, type Config } from './frontier.js';
import type { Model, Operation, Reach } from './types.js';

/** A completed op that returns after the one being taken, known ahead (incremental.ts's lookahead). */
export interface Target {
  readonly op: Operation;
  readonly reach: Reach;
  /** Whether ops called before it returns (not yet taken) may lead to it (Reach.via): none, only blind ones, or others too. */
  readonly laterHelps: 'none' | 'blind' | 'other';
  /** The completed and indeterminate ops called before it returns (not yet taken), itself aside. */
  readonly later: readonly Operation[];
}

export interface ReturnLimits {
  /** Steps (model.step calls) still allowed. */
  stepsLeft: number;
  /** Configurations this return may explore (visited and kept). */
  configurationsMax: number;
  /** Their approximate heap, in 32-bit words. */
  wordsMax: number;
}

export interface ReturnOutcome {
  /** The configurations in which `o` is linearized (empty: no linearization). */
  out: Config[];
  steps: number;
  /** Set when a limit ran out: `out` is then incomplete. */
  stopped?: 'steps' | 'memo';
}

/**
 * `open`: the open completed ops by id, in call order (with `o`); `classRep`: a
 * representative of each class of identical indeterminate ops.
 */
export function linearizeReturn(
  model: Model,
  frontier: readonly Config[],
  open: ReadonlyMap<number, Operation>,
  classRep: ReadonlyMap<number, Operation>,
  o: Operation,
  limits: ReturnLimits,
  targets: readonly Target[] = [],
): ReturnOutcome {
  // `o` itself is a target too: it is linearized in this return, so the ops it may need are among those open or pending.
  const self = model.reach?.(o);
  const all: readonly Target[] = self ? [{ op: o, reach: self, laterHelps: 'none', later: [] }, ...targets] : targets;
  const viable = viability(open, classRep, all.filter((t) => t.laterHelps === 'none'));
  const erasable = model.total && model.blind ? erasure(model, open, classRep, all) : undefined;
  const out = new ConfigFrontier();
  const visited = new Set<string>();
  // Configurations still to expand, and whether the last op applied was indeterminate
  // (then a blind op next is pointless: it erases that op's effect).
  const stack: Array<{ c: Config; afterInfo: boolean }> = [];
  let steps = 0;
  // Open read-only ops (which change no state they are legal in) legal in a
  // configuration's state are linearized in it at once: linearizing one later instead
  // leaves every state as it is, so it can only do less. When `o` is one, `o` is placed.
  const readOnly = model.readOnly;
  // `viableChecked`: the caller has tested the configuration (place's reads cannot change
  // that: a target legal in a state is reachable from it).
  const place = (c: Config, afterInfo: boolean, viableChecked: boolean): void => {
    let lin = c.lin;
    let placed = lin.includes(o.id);
    if (readOnly) for (const p of open.values()) {
      if (lin.includes(p.id) || !readOnly(p)) continue;
      steps++;
      const r = model.step(c.state, p);
      if (!r.ok || (r.state !== c.state && model.key(r.state) !== c.stateKey)) continue;
      lin = withId(lin, p.id);
      if (p.id === o.id) placed = true;
    }
    if (viable && !viableChecked && !viable(c.state, lin, c.info, -1)) return;
    const erased = erasable !== undefined && erasable(c.state, lin, c.info);
    if (placed) out.add({ ...c, lin: withoutId(lin, o.id), erased });
    else stack.push({ c: lin === c.lin && erased === (c.erased ?? false) ? c : { ...c, lin, erased }, afterInfo: afterInfo && lin === c.lin });
  };
  for (const c of frontier) place(c, false, false);
  let words = 0;
  let stopped: 'steps' | 'memo' | undefined;
  while (stack.length > 0) {
    if (steps > limits.stepsLeft) {
      stopped = 'steps';
      break;
    }
    const { c, afterInfo } = stack.pop()!;
    const key = `${headKey(c)}\u0001${infoKey(c.info)}\u0001${afterInfo ? 1 : 0}`;
    if (visited.has(key)) continue;
    visited.add(key);
    words += configWords(c) + (key.length >>> 1);
    if (visited.size + out.size > limits.configurationsMax || words + out.storedWords > limits.wordsMax) {
      stopped = 'memo';
      break;
    }
    for (const cand of open.values()) {
      if (c.lin.includes(cand.id)) continue;
      if (afterInfo && model.blind?.(cand)) continue;
      steps++;
      const r = model.step(c.state, cand);
      if (!r.ok) continue;
      const lin = withId(c.lin, cand.id);
      if (viable && !viable(r.state, lin, c.info, -1)) continue;
      const stateKey = r.state === c.state ? c.stateKey : model.key(r.state);
      if (cand.id === o.id) {
        const done = makeConfig(model, r.state, c.lin, c.info, stateKey);
        out.add(erasable !== undefined && erasable(r.state, lin, c.info) ? { ...done, erased: true } : done);
      } else place(makeConfig(model, r.state, lin, c.info, stateKey), false, true);
    }
    // An indeterminate op applied here must be followed by an op it can matter to (not a blind one).
    if (c.info.size === 0 || !nonBlindNext(model, open, classRep, c)) continue;
    const classes = [...c.info.keys()].sort((a, b) => a - b);
    for (const cls of classes) {
      const rep = classRep.get(cls)!;
      if (afterInfo && model.blind?.(rep)) continue;
      if (c.erased && !model.blind!(rep)) continue; // erased: only a blind op gives a state that matters
      steps++;
      const r = model.step(c.state, rep);
      if (!r.ok || r.state === c.state) continue;
      if (viable && !viable(r.state, c.lin, c.info, c.info.get(cls) === 1 ? cls : -1)) continue;
      const stateKey = model.key(r.state);
      if (stateKey === c.stateKey) continue; // it changes nothing here
      place(makeConfig(model, r.state, c.lin, withCount(c.info, cls, -1), stateKey), true, true);
    }
  }
  if (!stopped && steps > limits.stepsLeft) stopped = 'steps';
  return { out: out.toArray(), steps, ...(stopped ? { stopped } : {}) };
}

/** Is there an op that may follow an indeterminate one from `c` and is not blind? */
function nonBlindNext(model: Model, open: ReadonlyMap<number, Operation>, classRep: ReadonlyMap<number, Operation>, c: Config): boolean {
  const blind = model.blind;
  if (!blind) return true;
  for (const cand of open.values()) if (!c.lin.includes(cand.id) && !blind(cand)) return true;
  for (const cls of c.info.keys()) if (!blind(classRep.get(cls)!)) return true;
  return false;
}

/**
 * The lookahead's test of a configuration (state, linearized open ops, pending counts), or
 * undefined without targets: every target is linearized in it, or reachable from its state
 * (Reach.from), or some op still available to it may lead there (Reach.via).
 */
function viability(
  open: ReadonlyMap<number, Operation>,
  classRep: ReadonlyMap<number, Operation>,
  targets: readonly Target[],
): ((state: unknown, lin: readonly number[], info: ReadonlyMap<number, number>, spentClass: number) => boolean) | undefined {
  if (targets.length === 0) return undefined;
  // Per target: the open ops and the classes of indeterminate ops that may lead to it.
  const tests = targets.map((t) => {
    const helpers: number[] = [];
    for (const op of open.values()) if (op.id !== t.op.id && t.reach.via(op)) helpers.push(op.id);
    const classes = new Set<number>();
    for (const [cls, rep] of classRep) if (t.reach.via(rep)) classes.add(cls);
    return { id: t.op.id, reach: t.reach, helpers, classes };
  });
  // `spentClass`: a class whose last pending op the configuration has just applied (-1: none).
  return (state, lin, info, spentClass) => {
    for (const t of tests) {
      if (lin.includes(t.id) || t.reach.from(state)) continue;
      let helped = false;
      for (const id of t.helpers) if (!lin.includes(id)) helped = true;
      if (!helped && t.classes.size > 0) for (const cls of info.keys()) if (cls !== spentClass && t.classes.has(cls)) helped = true;
      if (!helped) return false;
    }
    return true;
  };
}

/**
 * The erasure test of a configuration (state, linearized ops with the returning one when it
 * is linearized, pending counts): some target is not linearized and not reachable from the
 * state, and every op that may lead to it is blind (open ones, pending classes, later
 * calls); every other op not total that may be linearized before it (open and not
 * linearized, or a completed later call) is held the same way (not reachable from the
 * state, only through blind ops). Then until a blind op is linearized only total ops can be
 * (their legality does not depend on the state) or indeterminate ones (which can be
 * dropped), the target needs one, and ops called after it returns come after it: that blind
 * op sets the state, so configurations differing only in their states have the same futures.
 */
function erasure(
  model: Model,
  open: ReadonlyMap<number, Operation>,
  classRep: ReadonlyMap<number, Operation>,
  targets: readonly Target[],
): ((state: unknown, lin: readonly number[], info: ReadonlyMap<number, number>) => boolean) | undefined {
  const blind = model.blind!;
  const total = model.total!;
  const reachOf = model.reach!;
  const tests: Array<{ id: number; reach: Reach; held: Array<{ id: number; reach: Reach }> }> = [];
  for (const t of targets) {
    if (t.laterHelps === 'other') continue;
    // Does every op available before t returns that may lead to `r` write blindly?
    const blindHelpers = (r: Reach): boolean => {
      for (const op of open.values()) if (r.via(op) && !blind(op)) return false;
      for (const rep of classRep.values()) if (r.via(rep) && !blind(rep)) return false;
      for (const op of t.later) if (r.via(op) && !blind(op)) return false;
      return true;
    };
    if (!blindHelpers(t.reach)) continue;
    const held: Array<{ id: number; reach: Reach }> = [];
    let ok = true;
    const hold = (op: Operation): void => {
      if (!ok || op.id === t.op.id || op.status !== 'ok' || total(op)) return;
      const r = reachOf(op);
      if (r === undefined || !blindHelpers(r)) ok = false;
      else held.push({ id: op.id, reach: r });
    };
    for (const op of open.values()) hold(op);
    for (const op of t.later) hold(op);
    if (ok) tests.push({ id: t.op.id, reach: t.reach, held });
  }
  if (tests.length === 0) return undefined;
  return (state, lin) => {
    for (const t of tests) {
      if (lin.includes(t.id) || t.reach.from(state)) continue;
      if (t.held.every((g) => lin.includes(g.id) || !g.reach.from(state))) return true;
    }
    return false;
  };
}
