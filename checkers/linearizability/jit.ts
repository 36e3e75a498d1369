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
import type { PendingClasses } from './classes.js';
import type { Counts } from './counts.js';
import { ConfigFrontier, configWords, headKey, makeConfig, sortedClasses, withCount, withId, withoutId, type Config } from './frontier.js';
import type { Model, Operation, Reach } from './types.js';

const NO_OPS: readonly Operation[] = [];

/** A completed op that returns after the one being taken, known ahead (incremental.ts's lookahead). */
export interface Target {
  readonly op: Operation;
  readonly reach: Reach;
  /**
   * The completed and indeterminate ops called before it returns (not yet taken):
   * later[0 .. laterEnd), where it may be itself (skipped). Targets of one return share `later`.
   */
  readonly later: readonly Operation[];
  readonly laterEnd: number;
}

export interface ReturnLimits {
  /** Steps (model.step calls) still allowed. */
  stepsLeft: number;
  /** Configurations this return may explore (visited and kept). */
  configurationsMax: number;
  /** Their approximate heap, in 32-bit words. */
  wordsMax: number;
  /** No completed op returns after this one (the end of the history): one configuration is enough. */
  last?: boolean;
}

export interface ReturnOutcome {
  /** The configurations in which `o` is linearized (empty: no linearization). */
  out: Config[];
  steps: number;
  /** Set when a limit ran out: `out` is then incomplete. */
  stopped?: 'steps' | 'memo';
}

/**
 * `open`: the open completed ops by id, in call order (with `o`); `classes`: the classes of
 * identical indeterminate ops (a representative of each), with the ops' Model.reach.
 */
export function linearizeReturn(
  model: Model,
  frontier: readonly Config[],
  open: ReadonlyMap<number, Operation>,
  classes: PendingClasses,
  o: Operation,
  limits: ReturnLimits,
  targets: readonly Target[] = [],
): ReturnOutcome {
  // `o` itself is a target too: it is linearized in this return, so the ops it may need are among those open or pending.
  const self = classes.reach(o);
  const all: readonly Target[] = self ? [{ op: o, reach: self, later: NO_OPS, laterEnd: 0 }, ...targets] : targets;
  const openOps = [...open.values()];
  const viable = viability(openOps, classes, all);
  // `o` blind and every other open op total: until `o`, only total ops (whose legality does not depend on the state)
  // or indeterminate ones (which can be dropped) can be linearized, and `o` erases the state. So the configurations
  // before `o` count as one whatever their states, and no indeterminate op is applied.
  const erasedUntilO = model.total !== undefined && (model.blind?.(o) ?? false) && openOps.every((x) => x.id === o.id || model.total!(x));
  // (Erasure only matters where states can multiply: indeterminate ops pending, or several open ops.)
  const erasable = model.total && model.blind && (open.size > 2 || frontier.some((c) => c.info.size > 0)) ? erasure(model, openOps, classes, all) : undefined;
  const out = new ConfigFrontier();
  const visited = new Map<string, Counts[]>();
  let visitedCount = 0;
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
    if (readOnly) for (const p of openOps) {
      if (lin.includes(p.id) || !readOnly(p)) continue;
      steps++;
      const r = model.step(c.state, p);
      if (!r.ok || (r.state !== c.state && model.key(r.state) !== c.stateKey)) continue;
      lin = withId(lin, p.id);
      if (p.id === o.id) placed = true;
    }
    if (viable && !viableChecked && !viable(c.state, lin, c.info, -1)) return;
    if (placed) {
      out.add({ ...c, lin: withoutId(lin, o.id), erased: erasable !== undefined && erasable(c.state, lin, c.info) });
      return;
    }
    const erased = erasedUntilO || (erasable !== undefined && erasable(c.state, lin, c.info));
    stack.push({ c: lin === c.lin && erased === (c.erased ?? false) ? c : { ...c, lin, erased }, afterInfo: afterInfo && lin === c.lin });
  };
  for (const c of frontier) place(c, false, false);
  let words = 0;
  let stopped: 'steps' | 'memo' | undefined;
  while (stack.length > 0) {
    if (limits.last && out.size > 0) break;
    if (steps > limits.stepsLeft) {
      stopped = 'steps';
      break;
    }
    const { c, afterInfo } = stack.pop()!;
    // Visited: by state, linearized ops and afterInfo, then the counts (compared by their hashes first, then exactly).
    const head = headKey(c);
    const key = `${head}\u0001${afterInfo ? 1 : 0}\u0001${c.info.hash1}`;
    let seen = visited.get(key);
    if (seen === undefined) visited.set(key, (seen = []));
    else if (seen.some((x) => x.equals(c.info))) continue;
    seen.push(c.info);
    visitedCount++;
    // (As much as the canonical text `head \u0001 counts \u0001 afterInfo` takes.)
    words += configWords(c) + ((head.length + c.info.textLength + 3) >>> 1);
    if (visitedCount + out.size > limits.configurationsMax || words + out.storedWords > limits.wordsMax) {
      stopped = 'memo';
      break;
    }
    for (const cand of openOps) {
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
    if (c.info.size === 0 || erasedUntilO || !nonBlindNext(model, openOps, classes.rep, c)) continue;
    for (const cls of sortedClasses(c.info)) {
      const rep = classes.rep.get(cls)!;
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
function nonBlindNext(model: Model, open: readonly Operation[], classRep: ReadonlyMap<number, Operation>, c: Config): boolean {
  const blind = model.blind;
  if (!blind) return true;
  for (const cand of open) if (!c.lin.includes(cand.id) && !blind(cand)) return true;
  for (const cls of c.info.keys()) if (!blind(classRep.get(cls)!)) return true;
  return false;
}

/**
 * The lookahead's test of a configuration (state, linearized open ops, pending counts), or
 * undefined without targets: every target is linearized in it, or reachable from its state
 * (Reach.from), or some op still available to it may lead there (Reach.via: open ones not
 * linearized, pending classes, later calls). A helper that itself needs something of the
 * state (it has a Model.reach, as a cas does) counts only when that is reachable from the
 * state, or some other op still available may lead to it (one level: conservative past it).
 */
function viability(
  open: readonly Operation[],
  classes: PendingClasses,
  targets: readonly Target[],
): ((state: unknown, lin: readonly number[], info: ReadonlyMap<number, number>, spentClass: number) => boolean) | undefined {
  if (targets.length === 0) return undefined;
  /** An op that may lead to a target: an open op's id, a class (as -1 - class), or undefined for a later call (always there). */
  type Ref = number | undefined;
  interface Helper {
    readonly ref: Ref;
    /** What it needs of the state (its Model.reach), and the ops that may lead to that; undefined: nothing. */
    readonly needs: Reach | undefined;
    readonly via: readonly Ref[];
  }
  const tests = targets.map((t) => {
    const helpersOf = (needing: Operation, r: Reach, except: Operation | undefined, exceptClass: number): Array<{ op: Operation; ref: Ref }> => {
      const out: Array<{ op: Operation; ref: Ref }> = [];
      for (const op of open) if (op !== except && op.id !== t.op.id && r.via(op)) out.push({ op, ref: op.id });
      for (const cls of classes.helpers(needing)) if (cls !== exceptClass) out.push({ op: classes.rep.get(cls)!, ref: -1 - cls });
      for (let i = 0; i < t.laterEnd; i++) {
        const op = t.later[i];
        if (op !== except && op.id !== t.op.id && r.via(op)) out.push({ op, ref: undefined });
      }
      return out;
    };
    const helpers: Helper[] = helpersOf(t.op, t.reach, undefined, -1).map(({ op, ref }) => {
      const needs = classes.reach(op);
      return { ref, needs, via: needs ? helpersOf(op, needs, op, ref !== undefined && ref < 0 ? -1 - ref : -1).map((h) => h.ref) : [] };
    });
    return { id: t.op.id, reach: t.reach, helpers };
  });
  // `spentClass`: a class whose last pending op the configuration has just applied (-1: none).
  return (state, lin, info, spentClass) => {
    const available = (ref: Ref): boolean => ref === undefined || (ref >= 0 ? !lin.includes(ref) : -1 - ref !== spentClass && info.has(-1 - ref));
    for (const t of tests) {
      if (lin.includes(t.id) || t.reach.from(state)) continue;
      let helped = false;
      for (const h of t.helpers) {
        if (available(h.ref) && (h.needs === undefined || h.needs.from(state) || h.via.some(available))) {
          helped = true;
          break;
        }
      }
      if (!helped) return false;
    }
    return true;
  };
}

/**
 * The erasure test of a configuration (state, linearized ops with the returning one when it
 * is linearized, pending counts): for some target, the held ops (the target; the ops not
 * total that may be linearized before it: open ones not linearized, completed later calls;
 * and every op not blind that may lead to a held one: open, later or pending) each have a
 * Model.reach test that fails in the state. Then until a blind op is linearized, only total
 * ops can be (their legality does not depend on the state) or indeterminate ones not held
 * (which can be dropped): a held op cannot be first, for only blind or held ops lead to it.
 * The target needs a blind op before it, and ops called after it returns come after it: that
 * blind op sets the state, so configurations differing only in their states have the same
 * futures.
 */
function erasure(
  model: Model,
  open: readonly Operation[],
  classes: PendingClasses,
  targets: readonly Target[],
): ((state: unknown, lin: readonly number[], info: ReadonlyMap<number, number>) => boolean) | undefined {
  const blind = model.blind!;
  const total = model.total!;
  // A held op: an open op's id or a later call's (both >= 0), or a class as -1 - class; `work`: those whose
  // test is still to run over the candidates.
  const tests: Array<{ refs: number[]; reaches: Reach[] }> = [];
  const unblind: Operation[] = [];
  for (const t of targets) {
    const refs = [t.op.id];
    const reaches = [t.reach];
    const work: Operation[] = [t.op];
    let ok = true;
    const hold = (op: Operation, ref: number): void => {
      if (refs.includes(ref)) return;
      const r = classes.reach(op);
      if (r === undefined) ok = false;
      else {
        refs.push(ref);
        reaches.push(r);
        work.push(op);
      }
    };
    unblind.length = 0;
    const consider = (op: Operation): void => {
      if (!blind(op)) unblind.push(op);
      if (op.id !== t.op.id && op.status === 'ok' && !total(op)) hold(op, op.id);
    };
    for (const op of open) consider(op);
    for (let i = 0; i < t.laterEnd; i++) consider(t.later[i]);
    // Close under "may lead to a held op and is not blind" (each held op's test is run once over the candidates;
    // the classes that may lead to it are known per op).
    while (ok && work.length > 0) {
      const needing = work.pop()!;
      const r = classes.reach(needing)!;
      for (const op of unblind) if (!refs.includes(op.id) && r.via(op)) hold(op, op.id);
      for (const cls of classes.helpers(needing)) {
        const rep = classes.rep.get(cls)!;
        if (!blind(rep)) hold(rep, -1 - cls);
      }
    }
    if (ok) tests.push({ refs, reaches });
  }
  if (tests.length === 0) return undefined;
  return (state, lin, info) => {
    for (const { refs, reaches } of tests) {
      if (lin.includes(refs[0])) continue;
      let all = true;
      for (let i = 0; i < refs.length && all; i++) {
        const ref = refs[i];
        all = (ref >= 0 ? lin.includes(ref) : !info.has(-1 - ref)) || !reaches[i].from(state);
      }
      if (all) return true;
    }
    return false;
  };
}
