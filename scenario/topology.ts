// The cluster a scenario describes: how many nodes play each role, and how a scenario
// names nodes, clients and fault targets (n1, c2, leader, random, random:<role>,
// all:<role>, and groups: leader+K, leader-minority, random-K[:<role>]). Node ids follow
// the protocol's role order, so `{ participant: 3, coordinator: 1 }` and
// `{ coordinator: 1, participant: 3 }` give the same cluster.
import type { NodeTarget } from '../sim/config.js';
import { CLIENT_ROLE, protocolRoles, type Endpoint, type NodeId, type Protocol } from '../sim/types.js';
import type { InputError } from './errors.js';
import type { FieldPath } from './yaml-source.js';

type Fail = (path: FieldPath, message: string, atKey?: boolean) => InputError;

export interface Topology {
  nodes: number;
  /** Each node's roles, by node id. */
  roles: string[][];
  /** Roles as the protocol declares them, for messages. */
  declared: string[];
}

/** `nodes:` as written (a count, a mapping of counts per role, or absent) to roles per node. */
export function resolveTopology(raw: number | Record<string, number> | undefined, protocol: Protocol<any, any>, fail: Fail): Topology {
  const declaredSpecs = protocolRoles(protocol);
  const declared = declaredSpecs.map((r) => r.name);
  const described = declared.join(', ');
  if (typeof raw === 'number') {
    if (declared.length > 1) {
      throw fail(['nodes'], `expected a mapping of counts per role, like { ${declaredSpecs.map((r) => `${r.name}: ${r.count}`).join(', ')} }: ${protocol.name} has roles ${described}`);
    }
    return { nodes: raw, roles: Array.from({ length: raw }, () => [declared[0]]), declared };
  }
  const entries: Array<{ roles: string[]; count: number; order: number }> = [];
  const mentioned = new Set<string>();
  Object.entries(raw ?? {}).forEach(([key, count], order) => {
    const roles = key.split('+');
    for (const role of roles) {
      if (!declared.includes(role)) throw fail(['nodes', key], `expected a role of ${protocol.name}: ${described} (got ${JSON.stringify(role)})`, true);
      if (mentioned.has(role)) throw fail(['nodes', key], `expected each role named once (${role} appears twice)`, true);
      if (roles.indexOf(role) !== roles.lastIndexOf(role)) throw fail(['nodes', key], `expected each role once per key (${role} repeats)`, true);
    }
    for (const role of roles) mentioned.add(role);
    entries.push({ roles, count, order });
  });
  // Roles the scenario does not name get the protocol's default count.
  for (const spec of declaredSpecs) if (!mentioned.has(spec.name)) entries.push({ roles: [spec.name], count: spec.count, order: entries.length });
  const rank = (e: { roles: string[] }) => Math.min(...e.roles.map((r) => declared.indexOf(r)));
  entries.sort((a, b) => rank(a) - rank(b) || a.order - b.order);
  const roles: string[][] = [];
  for (const e of entries) for (let i = 0; i < e.count; i++) roles.push(e.roles.slice().sort((x, y) => declared.indexOf(x) - declared.indexOf(y)));
  if (roles.length === 0) throw fail(['nodes'], `expected at least one node (roles of ${protocol.name}: ${described})`);
  if (roles.length > 1_000) throw fail(['nodes'], `expected at most 1000 nodes in all (got ${roles.length})`);
  return { nodes: roles.length, roles, declared };
}

/** Names in a scenario (n1, c2, random:participant...) to endpoints and fault targets, with file:line errors. */
export class EndpointResolver {
  constructor(
    private readonly topology: Topology,
    private readonly clientCount: number,
    /** Whether the protocol runs client actors (which faults may target). */
    private readonly clientActors: boolean,
    private readonly fail: Fail,
  ) {}

  private get nodes(): number {
    return this.topology.nodes;
  }

  node(ref: string, path: FieldPath): NodeId {
    const index = Number(ref.slice(1));
    if (!ref.startsWith('n') || index > this.nodes) throw this.fail(path, `expected a node n1..n${this.nodes} (nodes: ${this.nodes}; got ${ref})`);
    return index - 1;
  }

  endpoint(ref: string, path: FieldPath): Endpoint {
    if (ref.startsWith('n')) return this.node(ref, path);
    const index = Number(ref.slice(1));
    if (index > this.clientCount) {
      const range = this.clientCount === 0 ? 'no clients' : `c1..c${this.clientCount}`;
      throw this.fail(path, `expected a node n1..n${this.nodes} or a client ${range} (clients.count: ${this.clientCount}; got ${ref})`);
    }
    return this.nodes + index - 1;
  }

  endpoints(refs: readonly string[], path: FieldPath): Endpoint[] {
    return refs.map((ref, index) => this.endpoint(ref, [...path, index]));
  }

  target(ref: string, path: FieldPath): NodeTarget {
    if (ref === 'leader' || ref === 'random') return ref;
    if (ref === 'leader-minority') return { group: 'leader-minority' };
    if (ref.startsWith('$')) return { ref: ref.slice(1) };
    const plus = /^leader\+(\d+)$/.exec(ref);
    if (plus) {
      const k = Number(plus[1]);
      if (k > this.nodes - 1) throw this.fail(path, `expected leader+K with K at most ${this.nodes - 1}, the other nodes (nodes: ${this.nodes}; got ${ref})`);
      return { group: 'leader-plus', k };
    }
    const some = /^random-(\d+)(?::(.+))?$/.exec(ref);
    if (some) {
      const k = Number(some[1]);
      const role = some[2] === undefined ? undefined : this.role(some[2], path);
      const pool = role === undefined ? this.nodes : this.membersOf(role);
      const of = role === undefined ? `nodes: ${this.nodes}` : `${role}: ${pool}`;
      if (k > pool) throw this.fail(path, `expected random-K with K at most ${pool} (${of}; got ${ref})`);
      return role === undefined ? { group: 'random', k } : { group: 'random', k, role };
    }
    if (ref.startsWith('c')) {
      if (!this.clientActors) throw this.fail(path, `expected a node n1..n${this.nodes}: faults aim at clients only when the protocol has client actors (got ${ref})`);
      return this.endpoint(ref, path);
    }
    const colon = ref.indexOf(':');
    if (colon < 0) return this.node(ref, path);
    const role = this.role(ref.slice(colon + 1), path);
    return ref.startsWith('all:') ? { role, all: true } : { role };
  }

  /** How many actors play a role (the client actors for `client`). */
  private membersOf(role: string): number {
    if (role === CLIENT_ROLE && this.clientActors) return this.clientCount;
    return this.topology.roles.filter((r) => r.includes(role)).length;
  }

  /** A role that some node (or, for `client`, some client actor) plays in this scenario. */
  role(role: string, path: FieldPath): string {
    if (role === CLIENT_ROLE && this.clientActors && this.clientCount > 0) return role;
    if (this.topology.roles.some((r) => r.includes(role))) return role;
    const known = [...new Set(this.topology.roles.flat())];
    if (this.clientActors && this.clientCount > 0) known.push(CLIENT_ROLE);
    throw this.fail(path, `expected a role that some node plays: ${known.join(', ')} (got ${JSON.stringify(role)})`);
  }
}
