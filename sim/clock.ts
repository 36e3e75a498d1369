// A node's local clock: true time plus an offset and a drift (ppm), continuous across
// drift changes. Jumps move the wall clock; timers run on elapsed time (a monotonic
// clock that drifts but never jumps), as operating systems do.
import { KernelError } from './errors.js';
import type { Micros } from './types.js';

export const DRIFT_MAX_PPM = 500_000;

export class LocalClock {
  private baseTrueUs = 0;
  private baseLocalUs = 0;
  private driftPpm = 0;

  now(trueUs: Micros): Micros {
    const dt = trueUs - this.baseTrueUs;
    return this.baseLocalUs + dt + Math.floor((dt * this.driftPpm) / 1_000_000);
  }

  /** Local minus true time at `trueUs`. */
  offset(trueUs: Micros): Micros {
    return this.now(trueUs) - trueUs;
  }

  get drift(): number {
    return this.driftPpm;
  }

  setDrift(trueUs: Micros, driftPpm: number): void {
    // Drift comes from faults (validated by the scenario layer), never from a protocol.
    if (!(Number.isInteger(driftPpm) && Math.abs(driftPpm) <= DRIFT_MAX_PPM)) throw new KernelError(`drift ${driftPpm} ppm out of range`);
    this.baseLocalUs = this.now(trueUs);
    this.baseTrueUs = trueUs;
    this.driftPpm = driftPpm;
  }

  jump(trueUs: Micros, byUs: Micros): void {
    this.baseLocalUs = this.now(trueUs) + byUs;
    this.baseTrueUs = trueUs;
  }

  setOffset(trueUs: Micros, offsetUs: Micros): void {
    this.baseLocalUs = trueUs + offsetUs;
    this.baseTrueUs = trueUs;
  }

  /** True time that passes while `localUs` of elapsed local time passes. */
  trueDelay(localUs: Micros): Micros {
    if (this.driftPpm === 0) return localUs;
    return Math.ceil((localUs * 1_000_000) / (1_000_000 + this.driftPpm));
  }
}
