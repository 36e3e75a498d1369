// The configurations after a completed operation returns (Lowe's just-in-time
// linearization, for incremental.ts): from each configuration, every sequence of
// candidates (open completed ops, pending indeterminate ones) that ends with the returning
// op `o`, and nothing linearized later than needed. Cuts that keep it complete:
// - open read-only ops legal in a configuration's state are linearized in it at once
//   (linearizing one later leaves every state as it is, so it can only do less);
// - an indeterminate op is applied only where it changes the state, and never right
//   before a blind op (which erases its effect: the configuration without it dominates);
// - the resulting set is deduplicated and keeps only undominated configurations.
import { ConfigFrontier, configWords, headKey, infoKey, makeConfig, withCount, withId, withoutId, type Config } from './frontier.js';
import type { Model, Operation } from './types.js';

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
export function linearizeReturn(model: Model, frontier: readonly Config[], open: ReadonlyMap<number, Operation>, classRep: ReadonlyMap<number, Operation>, o: Operation, limits: ReturnLimits): ReturnOutcome {
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
  const place = (c: Config, afterInfo: boolean): void => {
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
    if (placed) out.add({ ...c, lin: withoutId(lin, o.id) });
    else stack.push({ c: lin === c.lin ? c : { ...c, lin }, afterInfo: afterInfo && lin === c.lin });
  };
  for (const c of frontier) place(c, false);
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
      const stateKey = r.state === c.state ? c.stateKey : model.key(r.state);
      if (cand.id === o.id) out.add(makeConfig(model, r.state, c.lin, c.info, stateKey));
      else place(makeConfig(model, r.state, withId(c.lin, cand.id), c.info, stateKey), false);
    }
    // An indeterminate op applied here must be followed by an op it can matter to (not a blind one).
    if (c.info.size === 0 || !nonBlindNext(model, open, classRep, c)) continue;
    const classes = [...c.info.keys()].sort((a, b) => a - b);
    for (const cls of classes) {
      const rep = classRep.get(cls)!;
      if (afterInfo && model.blind?.(rep)) continue;
      steps++;
      const r = model.step(c.state, rep);
      if (!r.ok || r.state === c.state) continue;
      const stateKey = model.key(r.state);
      if (stateKey === c.stateKey) continue; // it changes nothing here
      place(makeConfig(model, r.state, c.lin, withCount(c.info, cls, -1), stateKey), true);
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
