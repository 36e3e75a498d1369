// A ZooKeeper-like data tree (the `zk` workload; protocols/zab/tree.ts): per path, no node
// or a node (data, version, ephemeral?), checked path by path (P-compositionality).
//   get k                  ok value null / undefined (no node) or [data, version]
//   create k data          ok: there was no node; the node is (data, version 0)
//   createEphemeral k data the same, and the node is ephemeral
//   set k [version, data]  ok: a node whose version matches (-1: any); version + 1, and an
//                          ok value, when it is a number, must be that new version
//   delete k version       ok: a node whose version matches (-1: any); no node after
// Failed operations did not happen (they never reach a model). An indeterminate one takes
// effect only where an ok one would be legal.
//
// Ephemeral nodes vanish when their session ends, which no client operation in the history
// records: so an ephemeral node may be gone at any point. A step that is illegal with the
// ephemeral node present is tried again with the node gone (and once gone, it stays gone):
// the model cannot tell an expiry from a lost node on an ephemeral path, and says so.
import type { Model, Operation, StepResult } from '../types.js';
import { isNil, showValue } from '../values.js';
import { expectF, illegal, ok, writtenValue } from './common.js';
import { partitionByKey } from './kv.js';

const FS = ['get', 'create', 'createEphemeral', 'set', 'delete'];

/** One path: null (no node) or the node. */
export type ZNodeState = { readonly data: string; readonly version: number; readonly ephemeral: boolean } | null;

function show(s: ZNodeState): string {
  return s === null ? '(no node)' : `${showValue(s.data, 100)} v${s.version}${s.ephemeral ? ' ephemeral' : ''}`;
}

function versionMatches(expected: unknown, s: NonNullable<ZNodeState>): boolean {
  return expected === -1 || expected === s.version;
}

function step(s: ZNodeState, op: Operation): StepResult<ZNodeState> {
  switch (op.f) {
    case 'get': {
      if (op.status === 'info') return ok(s);
      const out = op.output;
      if (isNil(out)) return s === null ? ok(s) : illegal(() => `get found no node but the path holds ${show(s)}`);
      if (s === null) return illegal(() => `get read ${showValue(out)} but there is no node`);
      const same = Array.isArray(out) && out.length === 2 && out[0] === s.data && out[1] === s.version;
      return same ? ok(s) : illegal(() => `get read ${showValue(out)} but the path holds ${show(s)}`);
    }
    case 'create':
    case 'createEphemeral': {
      if (s !== null) return illegal(() => `${op.f} succeeded but the path holds ${show(s)}`);
      return ok({ data: String(writtenValue(op)), version: 0, ephemeral: op.f === 'createEphemeral' });
    }
    case 'set': {
      const [expected, data] = op.input as [unknown, unknown];
      if (s === null) return illegal(() => `set succeeded but there is no node`);
      if (!versionMatches(expected, s)) return illegal(() => `set of version ${String(expected)} succeeded but the node is at version ${s.version}`);
      const version = s.version + 1;
      if (op.status === 'ok' && typeof op.output === 'number' && op.output !== version) return illegal(() => `set answered version ${String(op.output)} but the node goes from ${s.version} to ${version}`);
      return ok({ data: String(data), version, ephemeral: s.ephemeral });
    }
    case 'delete': {
      if (s === null) return illegal(() => `delete succeeded but there is no node`);
      if (!versionMatches(op.input, s)) return illegal(() => `delete of version ${String(op.input)} succeeded but the node is at version ${s.version}`);
      return ok(null);
    }
    default:
      return illegal(() => `unknown operation :${op.f}`);
  }
}

export const zkModel: Model<ZNodeState> = {
  name: 'zk',
  description: 'ZooKeeper-like data tree (get, create, createEphemeral, set and delete with versions; ephemeral nodes may vanish), checked path by path',
  init: () => null,
  step(s, op) {
    const r = step(s, op);
    // An ephemeral node's session may have ended before this operation.
    if (!r.ok && s !== null && s.ephemeral) {
      const gone = step(null, op);
      if (gone.ok) return gone;
    }
    return r;
  },
  key: (s) => (s === null ? '-' : `${s.ephemeral ? 'e' : 'p'}${s.version}:${JSON.stringify(s.data)}`),
  describe: show,
  validate(op) {
    const bad = expectF(op, FS);
    if (bad) return bad;
    if (op.key === undefined) return { field: 'key', expected: `a path for :${op.f}` };
    if (op.f === 'set' && !(Array.isArray(op.input) && op.input.length === 2 && typeof op.input[0] === 'number')) return { field: 'value', expected: 'a set argument [version data]' };
    if (op.f === 'delete' && typeof op.input !== 'number') return { field: 'value', expected: 'a delete argument: the expected version' };
    if ((op.f === 'create' || op.f === 'createEphemeral') && op.input === undefined) return { field: 'value', expected: `data to :${op.f}` };
    return undefined;
  },
  readOnly: (op) => op.f === 'get',
  partition: partitionByKey,
};
