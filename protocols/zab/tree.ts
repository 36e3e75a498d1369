// The replicated state machine: a small ZooKeeper-like data tree (flat: paths are keys, no
// children lists), with client sessions for exactly-once application of retried commands and
// ephemeral nodes owned by a session.
//
// Operations and answers (the `zk` workload and linearizability model):
//   get k                 -> ok, value null (no node) or [data, version]
//   create k data         -> ok; fail 'node exists'
//   createEphemeral k d   -> ok (the node belongs to the client's session); fail 'node exists'
//   set k [version, data] -> ok, value the new version; fail 'no node' or 'bad version'
//                            (version -1 matches any, as in ZooKeeper's setData)
//   delete k version      -> ok; fail 'no node' or 'bad version' (-1 matches any)
//   closeSession          -> (leader-made, when a session expires) deletes the session's
//                            ephemeral nodes. A later request of that client opens it again.
// A node's version is 0 at create and goes up by one with each set (ZooKeeper's dataVersion).
import type { ClientResponse, Op } from '../../sim/types.js';
import type { TreeImage, Txn } from './types.js';

export interface ZNode {
  readonly data: string;
  readonly version: number;
  /** The owning session of an ephemeral node; -1 for a persistent one. */
  readonly owner: number;
}

interface Session {
  seq: number;
  response: ClientResponse;
}

const OK: ClientResponse = Object.freeze({ type: 'ok' });
const EXISTS: ClientResponse = Object.freeze({ type: 'fail', error: 'node exists' });
const NO_NODE: ClientResponse = Object.freeze({ type: 'fail', error: 'no node' });
const BAD_VERSION: ClientResponse = Object.freeze({ type: 'fail', error: 'bad version' });

export class DataTree {
  readonly nodes = new Map<string, ZNode>();
  /** Session -> its ephemeral paths (insertion order). */
  readonly ephemerals = new Map<number, Set<string>>();
  private readonly sessions = new Map<number, Session>();

  /** The cached response when (clientId, seq) was applied; 'stale' for an older seq; undefined when new. */
  lookup(clientId: number, seq: number): ClientResponse | 'stale' | undefined {
    const s = this.sessions.get(clientId);
    if (s === undefined || seq > s.seq) return undefined;
    return seq === s.seq ? s.response : 'stale';
  }

  /** Apply a delivered transaction. Returns the client's response, or undefined (a stale retry, a session close). */
  apply(t: Txn): ClientResponse | undefined {
    if (t.op.f === 'closeSession') {
      this.closeSession(t.clientId);
      return undefined;
    }
    const seen = this.lookup(t.clientId, t.seq);
    if (seen === 'stale') return undefined;
    if (seen !== undefined) return seen;
    const response = this.execute(t.clientId, t.op);
    const s = this.sessions.get(t.clientId);
    if (s === undefined) this.sessions.set(t.clientId, { seq: t.seq, response });
    else {
      s.seq = t.seq;
      s.response = response;
    }
    return response;
  }

  /** The tree as frozen data, for a snapshot (later applies do not change it). */
  image(): TreeImage {
    const sessions: Array<readonly [number, number, ClientResponse]> = [];
    for (const [id, s] of this.sessions) sessions.push(Object.freeze([id, s.seq, s.response] as const));
    const ephemerals: Array<readonly [number, readonly string[]]> = [];
    for (const [owner, set] of this.ephemerals) ephemerals.push(Object.freeze([owner, Object.freeze([...set])] as const));
    return Object.freeze({ nodes: Object.freeze([...this.nodes]), sessions: Object.freeze(sessions), ephemerals: Object.freeze(ephemerals) });
  }

  /** Become the tree of `image` (a snapshot's), in its iteration order. */
  restore(image: TreeImage): void {
    this.nodes.clear();
    this.ephemerals.clear();
    this.sessions.clear();
    for (const [key, node] of image.nodes) this.nodes.set(key, node);
    for (const [id, seq, response] of image.sessions) this.sessions.set(id, { seq, response });
    for (const [owner, paths] of image.ephemerals) this.ephemerals.set(owner, new Set(paths));
  }

  /** A read of the local tree (follower reads): not ordered with anything. */
  read(key: string): ClientResponse {
    const n = this.nodes.get(key);
    return { type: 'ok', value: n === undefined ? null : [n.data, n.version] };
  }

  private execute(session: number, op: Op): ClientResponse {
    const key = op.key ?? '';
    const node = this.nodes.get(key);
    switch (op.f) {
      case 'get':
        return { type: 'ok', value: node === undefined ? null : [node.data, node.version] };
      case 'create':
      case 'createEphemeral': {
        if (node !== undefined) return EXISTS;
        const owner = op.f === 'createEphemeral' ? session : -1;
        this.nodes.set(key, Object.freeze({ data: String(op.value), version: 0, owner }));
        if (owner >= 0) {
          let set = this.ephemerals.get(owner);
          if (set === undefined) this.ephemerals.set(owner, (set = new Set()));
          set.add(key);
        }
        return OK;
      }
      case 'set': {
        const v = op.value;
        if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number') return { type: 'fail', error: 'set needs [version, data]' };
        if (node === undefined) return NO_NODE;
        if (v[0] !== -1 && v[0] !== node.version) return BAD_VERSION;
        const version = node.version + 1;
        this.nodes.set(key, Object.freeze({ data: String(v[1]), version, owner: node.owner }));
        return { type: 'ok', value: version };
      }
      case 'delete': {
        const v = op.value;
        if (typeof v !== 'number') return { type: 'fail', error: 'delete needs a version' };
        if (node === undefined) return NO_NODE;
        if (v !== -1 && v !== node.version) return BAD_VERSION;
        this.remove(key, node);
        return OK;
      }
      default:
        return { type: 'fail', error: `unknown operation ${op.f}` };
    }
  }

  private remove(key: string, node: ZNode): void {
    this.nodes.delete(key);
    if (node.owner < 0) return;
    const set = this.ephemerals.get(node.owner);
    set?.delete(key);
    if (set !== undefined && set.size === 0) this.ephemerals.delete(node.owner);
  }

  private closeSession(session: number): void {
    const set = this.ephemerals.get(session);
    if (set === undefined) return;
    for (const key of [...set]) {
      const node = this.nodes.get(key);
      if (node !== undefined) this.remove(key, node);
    }
    this.ephemerals.delete(session);
  }
}
