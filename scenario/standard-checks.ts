// Standard checkers that judge a protocol's ghost notes (Protocol.checks): a protocol knows
// no checker (layers import downwards), so the scenario layer adds them to its invariants.
import { ATOMICITY, atomicityInvariant } from '../checkers/atomicity/index.js';
import type { Invariant } from '../sim/types.js';
import type { AnyProtocol } from './registry.js';

/** The standard note checkers by name, with what they read. */
export const standardChecks: Readonly<Record<string, { description: string; create: () => Invariant<unknown> }>> = Object.freeze({
  [ATOMICITY]: {
    description: 'all or nothing: no txn commits at one participant and aborts at another, or commits without every yes vote (reads txn-begin, txn-vote, txn-decide, txn-outcome notes)',
    create: atomicityInvariant,
  },
});

const WRAPPED = Symbol('faultline.standardChecks');
/** One wrapped object per protocol, so that two loads of a scenario give equal configs. */
const wrappedOf = new WeakMap<object, AnyProtocol>();

/** Unknown names in a protocol's `checks`, for a clear error. */
export function unknownStandardChecks(protocol: Pick<AnyProtocol, 'checks'>): string[] {
  return (protocol.checks ?? []).filter((name) => !Object.prototype.hasOwnProperty.call(standardChecks, name));
}

/**
 * The protocol with its standard checks appended to its invariants (the protocol itself
 * when it declares none). Idempotent. Throws a TypeError for a name that is not a standard
 * checker (the loader reports it as bad input first).
 */
export function withStandardChecks<P extends AnyProtocol>(protocol: P): P {
  const names = protocol.checks ?? [];
  if (names.length === 0 || (protocol as unknown as Record<symbol, boolean>)[WRAPPED]) return protocol;
  const unknown = unknownStandardChecks(protocol);
  if (unknown.length > 0) throw new TypeError(`protocol ${protocol.name}: no standard checker ${unknown.join(', ')} (known: ${Object.keys(standardChecks).join(', ')})`);
  const cached = wrappedOf.get(protocol);
  if (cached !== undefined) return cached as P;
  const own = protocol.invariants.bind(protocol);
  const wrapped = Object.assign(Object.create(Object.getPrototypeOf(protocol) as object) as P, protocol, {
    [WRAPPED]: true,
    invariants: (options: Record<string, unknown>) => [...own(options), ...names.map((name) => standardChecks[name].create() as Invariant<never>)],
  });
  wrappedOf.set(protocol, wrapped);
  return wrapped;
}
