// Exact text for the units scenario files use: the inverse of scenario/units.ts's parsers, so
// that a value written here reads back to the same integer (no float ever in between).
import { assert, PPM, type Micros, type Ppm } from '../sim/types.js';

/** A duration as `Ns`, `Nms` or `Nus`: the largest unit that divides it exactly. */
export function durationText(us: Micros): string {
  assert(Number.isSafeInteger(us), `a duration in whole microseconds (got ${us})`);
  if (us === 0) return '0ms';
  const sign = us < 0 ? '-' : '';
  const abs = Math.abs(us);
  if (abs % 1_000_000 === 0) return `${sign}${abs / 1_000_000}s`;
  if (abs % 1_000 === 0) return `${sign}${abs / 1_000}ms`;
  return `${sign}${abs}us`;
}

/** A probability in ppm as a percent string: 12_345 ppm -> `1.2345%`, 10_000 -> `1%`. */
export function formatPercent(ppm: Ppm): string {
  assert(Number.isInteger(ppm) && ppm >= 0 && ppm <= PPM, `a probability in ppm (got ${ppm})`);
  const whole = Math.floor(ppm / 10_000);
  const fraction = ppm % 10_000;
  if (fraction === 0) return `${whole}%`;
  return `${whole}.${String(fraction).padStart(4, '0').replace(/0+$/, '')}%`;
}

/** Node and client names: endpoints 0..nodes-1 are n1..nN, then clients c1..cC. */
export function endpointName(endpoint: number, nodes: number): string {
  return endpoint < nodes ? `n${endpoint + 1}` : `c${endpoint - nodes + 1}`;
}
