// A scenario's config cut to fewer nodes or clients: the kept endpoints renumbered, their
// roles with them, and the faults and cut links that named removed ones dropped. The
// shrinker (./shrink.ts) removes nodes and clients with it; swarm testing (./swarm.ts)
// draws smaller clusters with it.
import { targetsOneNode, type FaultAction, type LinkSet, type NodeTarget, type ScriptedFault, type SimConfig } from '../sim/config.js';
import { assertNever, CLIENT_ROLE, type Endpoint } from '../sim/types.js';

/** The config with its first `nodes` nodes and `clients` clients: endpoints renumbered, faults and cut links that name removed ones dropped. */
export function remap(config: SimConfig, nodes: number, clients: number): SimConfig {
  return remapKeeping(config, Array.from({ length: Math.min(nodes, config.nodes) }, (_, i) => i), clients);
}

/**
 * The config with only the nodes `keep` (old ids, ascending) and the first `clients` clients,
 * renumbered; their roles go with them. `nodes` above `keep.length` adds fresh nodes after
 * the kept ones (a larger cluster of one role).
 */
export function remapKeeping(config: SimConfig, keep: readonly number[], clients: number, nodes = keep.length): SimConfig {
  const old = config.nodes;
  const newId = new Map(keep.map((id, i) => [id, i]));
  const endpoint = (e: Endpoint): Endpoint | undefined => {
    if (e < old) return newId.get(e);
    const c = e - old;
    return c < clients ? nodes + c : undefined;
  };
  /** How many of the kept actors play a role (the clients for `client`). */
  const members = (role: string): number => {
    if (role === CLIENT_ROLE) return clients;
    return config.roles === undefined ? nodes : keep.filter((id) => config.roles![id].includes(role)).length;
  };
  const node = (t: NodeTarget): NodeTarget | undefined => {
    if (typeof t === 'number') return endpoint(t);
    if (typeof t === 'string' || 'ref' in t) return t;
    if (!('group' in t)) return members(t.role) > 0 ? t : undefined; // a role with no actor left names nobody
    switch (t.group) {
      case 'leader-plus': {
        // At most the other nodes; the leader alone is 'leader'.
        const k = Math.min(t.k, nodes - 1);
        return k === 0 ? 'leader' : { ...t, k };
      }
      case 'leader-minority':
        return t;
      case 'random': {
        const pool = t.role === undefined ? nodes : members(t.role);
        return pool === 0 ? undefined : { ...t, k: Math.min(t.k, pool) };
      }
      default:
        return assertNever(t, 'group target');
    }
  };
  const endpoints = (xs: readonly Endpoint[]) => xs.map(endpoint).filter((e): e is Endpoint => e !== undefined);
  const remapped: ScriptedFault[] = [];
  for (const f of config.faults) {
    const a = remapAction(f.action, node, endpoints);
    if (a !== undefined) remapped.push({ atUs: f.atUs, action: a });
  }
  const faults = withoutDanglingNames(remapped);
  const cutLinks = (links: ReadonlyArray<readonly [Endpoint, Endpoint]>) =>
    links.map(([f, t]) => [endpoint(f), endpoint(t)] as const).filter((l): l is readonly [Endpoint, Endpoint] => l[0] !== undefined && l[1] !== undefined);
  const network = { ...config.network, cut: cutLinks(config.network.cut) };
  if (config.network.afterFaults?.cut !== undefined) network.afterFaults = { ...config.network.afterFaults, cut: cutLinks(config.network.afterFaults.cut) };
  const out: SimConfig = { ...config, nodes, faults, network, clients: { ...config.clients, clients } };
  if (config.clients.pin !== undefined) {
    // The pins of the clients that stay; when one names a removed node, the clients move freely.
    const pin = config.clients.pin.slice(0, clients).map((n) => newId.get(n));
    if (pin.every((n): n is number => n !== undefined)) out.clients.pin = pin;
    else delete out.clients.pin;
  }
  if (config.roles !== undefined) out.roles = keep.map((id) => config.roles![id]);
  if (config.nemesis) out.nemesis = { ...config.nemesis, maxCrashed: Math.min(config.nemesis.maxCrashed, nodes) };
  return out;
}

/**
 * The faults without those aimed at a name (`$a`) that no earlier fault gives any more (its
 * fault went): such a fault names nobody, and a scenario file may not hold it.
 */
export function withoutDanglingNames(faults: readonly ScriptedFault[]): ScriptedFault[] {
  const order = faults.map((f, i) => ({ f, i })).sort((x, y) => x.f.atUs - y.f.atUs || x.i - y.i);
  const given = new Set<string>();
  const dangling = new Set<number>();
  for (const { f, i } of order) {
    const a = f.action;
    const ref = 'node' in a && typeof a.node === 'object' && 'ref' in a.node ? a.node.ref : undefined;
    if (ref !== undefined && !given.has(ref)) {
      dangling.add(i);
      continue;
    }
    if ('as' in a && a.as !== undefined) given.add(a.as);
  }
  return dangling.size === 0 ? [...faults] : faults.filter((_, i) => !dangling.has(i));
}

/** Links renumbered; undefined when they named only removed endpoints (no link is left). */
function remapLinks(links: LinkSet, endpoints: (xs: readonly Endpoint[]) => Endpoint[]): LinkSet | undefined {
  const out = { ...links, from: endpoints(links.from), to: endpoints(links.to) };
  return out.from.some((f) => out.to.some((t) => t !== f)) ? out : undefined;
}

function remapAction(a: FaultAction, node: (t: NodeTarget) => NodeTarget | undefined, endpoints: (xs: readonly Endpoint[]) => Endpoint[]): FaultAction | undefined {
  switch (a.kind) {
    case 'partition': {
      const groups = a.groups.map(endpoints).filter((g) => g.length > 0);
      return groups.length >= 2 ? { kind: 'partition', groups } : undefined;
    }
    case 'one-way': {
      const from = endpoints(a.from);
      const to = endpoints(a.to);
      return from.length > 0 && to.length > 0 ? { kind: 'one-way', from, to } : undefined;
    }
    case 'heal': {
      if (a.node !== undefined) {
        const n = node(a.node);
        return n === undefined ? undefined : { ...a, node: n };
      }
      if (a.links === undefined) return a;
      const links = remapLinks(a.links, endpoints);
      return links === undefined ? undefined : { ...a, links };
    }
    case 'delay-burst':
    case 'reorder-burst': {
      if (a.links === undefined) return a;
      const links = remapLinks(a.links, endpoints);
      return links === undefined ? undefined : { ...a, links };
    }
    case 'restart': {
      if (a.node === 'all') return a;
      const n = node(a.node);
      return n === undefined ? undefined : { ...a, node: n };
    }
    default: {
      if (!targetsOneNode(a)) return a;
      const n = node(a.node);
      return n === undefined ? undefined : { ...a, node: n };
    }
  }
}
