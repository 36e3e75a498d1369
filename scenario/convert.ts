// Raw scenario values, as the schema checked them (schema.ts), to the kernel's config parts:
// fault actions (their endpoints resolved, each node or client in at most one partition
// group), the order of fault names (`as:`), link sets and latency models. Each error names
// its field (a Fail from load.ts, which knows the file and the lines).
import type { BaseLatencyModel, FaultAction, LatencyModel, LinkSet, ScriptedFault } from '../sim/config.js';
import { AssertionError, type Endpoint } from '../sim/types.js';
import type { InputError } from './errors.js';
import type { RawFault, RawLatency } from './schema.js';
import type { EndpointResolver } from './topology.js';
import type { FieldPath } from './yaml-source.js';

/** Makes the InputError for a field (`atKey`: point at the key rather than its value). */
export type Fail = (path: FieldPath, message: string, atKey?: boolean) => InputError;

/** `as: a`, when the fault gives a name. */
function named(as: string | undefined): { as?: string } {
  return as === undefined ? {} : { as };
}

export function faultAction(fault: RawFault, path: FieldPath, refs: EndpointResolver, fail: Fail): FaultAction {
  const at = (field: string): FieldPath => [...path, field];
  switch (fault.kind) {
    case 'partition': {
      const groups = fault.groups.map((group, index) => refs.endpoints(group, [...at('groups'), index]));
      const seen = new Set<Endpoint>();
      groups.forEach((group, g) =>
        group.forEach((endpoint, i) => {
          if (seen.has(endpoint)) throw fail([...at('groups'), g, i], `expected each node or client in at most one group (${fault.groups[g][i]} appears twice)`);
          seen.add(endpoint);
        }),
      );
      return { kind: 'partition', groups };
    }
    case 'partition-halves':
    case 'partition-majority':
    case 'bridge':
      return { kind: fault.kind };
    case 'heal':
      if (fault.node !== undefined && fault.links !== undefined) throw fail(at('links'), 'expected either node (every link of a node) or links, not both');
      if (fault.node !== undefined) return { kind: 'heal', node: refs.target(fault.node, at('node')) };
      if (fault.links !== undefined) return { kind: 'heal', links: links(fault.links, at('links'), refs, fail) };
      return { kind: 'heal' };
    case 'isolate':
    case 'crash':
      return { kind: fault.kind, node: refs.target(fault.node, at('node')), ...named(fault.as) };
    case 'restart':
      return { kind: 'restart', node: fault.node === 'all' ? 'all' : refs.target(fault.node, at('node')), ...named(fault.as) };
    case 'one-way':
      return { kind: 'one-way', from: refs.endpoints(fault.from, at('from')), to: refs.endpoints(fault.to, at('to')) };
    case 'crash-restart':
      return { kind: 'crash-restart', node: refs.target(fault.node, at('node')), downUs: fault.down, ...named(fault.as) };
    case 'clock-offset':
      return { kind: 'clock-offset', node: refs.target(fault.node, at('node')), offsetUs: fault.offset, ...named(fault.as) };
    case 'clock-jump':
      return { kind: 'clock-jump', node: refs.target(fault.node, at('node')), byUs: fault.by, ...named(fault.as) };
    case 'clock-drift':
      return { kind: 'clock-drift', node: refs.target(fault.node, at('node')), driftPpm: fault.drift, ...named(fault.as) };
    case 'pause':
      return { kind: 'pause', node: refs.target(fault.node, at('node')), durationUs: fault.duration, ...named(fault.as) };
    case 'delay-burst':
      return { kind: 'delay-burst', ...(fault.links ? { links: links(fault.links, at('links'), refs, fail) } : {}), delayUs: fault.delay, durationUs: fault.duration };
    case 'reorder-burst':
      return { kind: 'reorder-burst', ...(fault.links ? { links: links(fault.links, at('links'), refs, fail) } : {}), jitterUs: fault.jitter, durationUs: fault.duration };
    case 'loss-burst':
      return { kind: 'loss-burst', lossPpm: fault.loss, durationUs: fault.duration };
  }
}

/** A fault may aim at `$a` only once an earlier one (in time, then file order) says `as: a`. */
export function checkNames(inOrder: ReadonlyArray<{ fault: ScriptedFault; index: number }>, fail: Fail): void {
  const given: string[] = [];
  for (const { fault, index } of inOrder) {
    const a = fault.action;
    const node = 'node' in a ? a.node : undefined;
    if (typeof node === 'object' && 'ref' in node && !given.includes(node.ref)) {
      const known = given.length > 0 ? `names given so far: ${given.join(', ')}` : 'no fault before it gives a name';
      throw fail(['faults', index, 'node'], `expected a name that an earlier fault gives with as: (no fault before this one says as: ${node.ref}; ${known})`);
    }
    if ('as' in a && a.as !== undefined && !given.includes(a.as)) given.push(a.as);
  }
}

/** Links { from, to, both? } to endpoints; at least one link between two different endpoints. */
function links(raw: { from: string[]; to: string[]; both?: boolean }, path: FieldPath, refs: EndpointResolver, fail: Fail): LinkSet {
  const from = refs.endpoints(raw.from, [...path, 'from']);
  const to = refs.endpoints(raw.to, [...path, 'to']);
  if (!from.some((f) => to.some((t) => t !== f))) throw fail(path, `expected at least one link between two different endpoints (from ${raw.from.join(', ')} to ${raw.to.join(', ')} is none)`);
  return { from, to, ...(raw.both ? { both: true } : {}) };
}

/** A latency model as the schema checked it (exactly one key given) to the kernel's. */
export function latencyModel(raw: RawLatency): LatencyModel {
  if (raw.mixture !== undefined) return { kind: 'mixture', components: raw.mixture.map((c) => ({ weight: c.weight, model: baseLatency(c) })) };
  return baseLatency(raw);
}

function baseLatency(raw: Omit<RawLatency, 'mixture'>): BaseLatencyModel {
  if (raw.fixed !== undefined) return { kind: 'fixed', us: raw.fixed };
  if (raw.uniform !== undefined) return { kind: 'uniform', minUs: raw.uniform[0], maxUs: raw.uniform[1] };
  if (raw.exponential !== undefined) return { kind: 'exponential', minUs: raw.exponential.min, meanUs: raw.exponential.mean, maxUs: raw.exponential.max };
  if (raw.pareto !== undefined) return { kind: 'pareto', minUs: raw.pareto.min, alphaMilli: raw.pareto.alpha, maxUs: raw.pareto.max };
  throw new AssertionError('a latency model without a kind (the schema checks exactly one)');
}
