// Named fault points inside protocols, in the style of FoundationDB's BUGGIFY: a protocol
// asks `ctx.buggify('slow-reply')` where it could misbehave in a way real systems do (an
// extra delay before a reply, a skipped heartbeat, a dropped in-flight send), and the
// kernel answers from the run's own `buggify` stream. With SimConfig.buggify on, each named
// point is switched on for the run with probability 1/4 the first time it is asked about,
// and an active point fires 1 time in 20. Points never fire once faults stop (they are
// faults too: the liveness phase must be calm), nor in a run without buggify, which then
// draws nothing and runs exactly as before.
import type { Core } from './core.js';
import type { Prng } from './prng.js';
import { BUGGIFY } from './trace.js';

export const BUGGIFY_ACTIVE_PPM = 250_000;
export const BUGGIFY_FIRE_PPM = 50_000;

export class Buggify {
  private readonly active = new Map<string, boolean>();

  constructor(
    private readonly core: Core,
    private readonly random: Prng,
  ) {}

  fire(name: string, endpoint: number): boolean {
    const core = this.core;
    if (core.faultsOver) return false;
    let on = this.active.get(name);
    if (on === undefined) {
      on = this.random.chance(BUGGIFY_ACTIVE_PPM);
      this.active.set(name, on);
    }
    if (!on || !this.random.chance(BUGGIFY_FIRE_PPM)) return false;
    core.hash.str(name);
    if (core.log !== undefined) core.log.named(BUGGIFY, core.eventIndex, core.nowTrue, endpoint, name);
    return true;
  }
}
