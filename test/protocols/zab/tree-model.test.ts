// The data tree (protocols/zab/tree.ts), the `zk` linearizability model that judges its
// histories (checkers/linearizability/models/zk.ts), and the `zk` workload (workloads/zk.ts).
import { describe, expect, it } from 'vitest';
import { checkHistory, getModel } from '../../../checkers/linearizability/index.js';
import { DataTree } from '../../../protocols/zab/tree.js';
import type { Txn } from '../../../protocols/zab/types.js';
import { stream } from '../../../sim/prng.js';
import type { Op } from '../../../sim/types.js';
import { zkWorkload } from '../../../workloads/zk.js';
import { history, op, type Row } from '../../checkers/linearizability/history-builder.js';

let seq = 0;
const t = (clientId: number, o: Op): Txn => ({ zxid: ++seq, id: `c${clientId}:${seq}`, clientId, seq, op: o });

describe('the data tree', () => {
  it('create, get, set with versions, delete with versions', () => {
    const tree = new DataTree();
    expect(tree.apply(t(1, { f: 'get', key: '/a' }))).toEqual({ type: 'ok', value: null });
    expect(tree.apply(t(1, { f: 'create', key: '/a', value: 'x' }))).toEqual({ type: 'ok' });
    expect(tree.apply(t(1, { f: 'create', key: '/a', value: 'y' }))).toEqual({ type: 'fail', error: 'node exists' });
    expect(tree.apply(t(1, { f: 'set', key: '/a', value: [1, 'y'] }))).toEqual({ type: 'fail', error: 'bad version' });
    expect(tree.apply(t(1, { f: 'set', key: '/a', value: [0, 'y'] }))).toEqual({ type: 'ok', value: 1 });
    expect(tree.apply(t(1, { f: 'set', key: '/a', value: [-1, 'z'] }))).toEqual({ type: 'ok', value: 2 });
    expect(tree.apply(t(1, { f: 'get', key: '/a' }))).toEqual({ type: 'ok', value: ['z', 2] });
    expect(tree.apply(t(1, { f: 'delete', key: '/a', value: 1 }))).toEqual({ type: 'fail', error: 'bad version' });
    expect(tree.apply(t(1, { f: 'delete', key: '/a', value: 2 }))).toEqual({ type: 'ok' });
    expect(tree.apply(t(1, { f: 'delete', key: '/a', value: -1 }))).toEqual({ type: 'fail', error: 'no node' });
    expect(tree.apply(t(1, { f: 'set', key: '/a', value: [-1, 'w'] }))).toEqual({ type: 'fail', error: 'no node' });
  });

  it('a retried command is applied once: its first response is answered again', () => {
    const tree = new DataTree();
    const cmd: Txn = { zxid: 1, id: 'c1:1', clientId: 1, seq: 1, op: { f: 'set', key: '/a', value: [-1, 'x'] } };
    tree.apply({ zxid: 0, id: 'c2:1', clientId: 2, seq: 1, op: { f: 'create', key: '/a', value: 'a' } });
    expect(tree.apply(cmd)).toEqual({ type: 'ok', value: 1 });
    expect(tree.apply({ ...cmd, zxid: 2 })).toEqual({ type: 'ok', value: 1 });
    expect(tree.read('/a')).toEqual({ type: 'ok', value: ['x', 1] });
    expect(tree.lookup(1, 0)).toBe('stale');
  });

  it('closing a session deletes its ephemeral nodes, and only those', () => {
    const tree = new DataTree();
    tree.apply(t(1, { f: 'createEphemeral', key: '/e', value: 'x' }));
    tree.apply(t(2, { f: 'createEphemeral', key: '/f', value: 'y' }));
    tree.apply(t(1, { f: 'create', key: '/p', value: 'z' }));
    expect([...tree.ephemerals.keys()]).toEqual([1, 2]);
    tree.apply({ zxid: 99, id: 'close:1', clientId: 1, seq: 0, op: { f: 'closeSession' } });
    expect([...tree.nodes.keys()]).toEqual(['/f', '/p']);
    expect([...tree.ephemerals.keys()]).toEqual([2]);
  });
});

const model = getModel('zk')!;
const verdict = (rows: Row[]) => checkHistory(history(rows), 'zk').verdict;

describe('the zk linearizability model', () => {
  it('is registered', () => expect(model.name).toBe('zk'));

  it('accepts a sequential history of the tree', () => {
    const k = { key: '/a' };
    expect(verdict([...op(0, 'get', undefined, null, k), ...op(0, 'create', 'x', 'x', k), ...op(1, 'get', undefined, ['x', 0], k), ...op(1, 'set', [0, 'y'], 1, k), ...op(0, 'get', undefined, ['y', 1], k), ...op(0, 'delete', 1, 1, k), ...op(1, 'get', undefined, null, k)])).toBe('linearizable');
  });

  it('accepts concurrent operations in some order, and an indeterminate create that took effect', () => {
    const k = { key: '/a' };
    const rows: Row[] = [
      [0, 'invoke', 'create', 'x', k],
      [1, 'invoke', 'get', undefined, k],
      [1, 'ok', 'get', ['x', 0], k],
      [0, 'info', 'create', 'x', k],
      ...op(2, 'set', [0, 'y'], 1, k),
    ];
    expect(verdict(rows)).toBe('linearizable');
  });

  it.each([
    { name: 'a stale read after a completed set', rows: [...op(0, 'create', 'x', 'x'), ...op(0, 'set', [0, 'y'], 1), ...op(1, 'get', undefined, ['x', 0])] },
    { name: 'a create that succeeded over an existing node', rows: [...op(0, 'create', 'x', 'x'), ...op(1, 'create', 'y', 'y')] },
    { name: 'a set whose version did not match', rows: [...op(0, 'create', 'x', 'x'), ...op(0, 'set', [3, 'y'], 4)] },
    { name: 'a set that answers the wrong new version', rows: [...op(0, 'create', 'x', 'x'), ...op(0, 'set', [-1, 'y'], 5)] },
    { name: 'a delete of a missing node', rows: op(0, 'delete', -1, -1) },
    { name: 'a persistent node that vanished', rows: [...op(0, 'create', 'x', 'x'), ...op(1, 'get', undefined, null)] },
  ])('rejects $name', ({ rows }) => {
    expect(verdict(rows.map((r) => [r[0], r[1], r[2], r[3], { key: '/a' }] as Row))).toBe('not-linearizable');
  });

  it('an ephemeral node may vanish (its session ended), and then stays gone', () => {
    const k = { key: '/e' };
    expect(verdict([...op(0, 'createEphemeral', 'x', 'x', k), ...op(1, 'get', undefined, null, k), ...op(1, 'create', 'y', 'y', k)])).toBe('linearizable');
    expect(verdict([...op(0, 'createEphemeral', 'x', 'x', k), ...op(1, 'get', undefined, null, k), ...op(1, 'get', undefined, ['x', 0], k)])).toBe('not-linearizable');
  });

  it('checks paths independently', () => {
    expect(checkHistory(history([...op(0, 'create', 'x', 'x', { key: '/a' }), ...op(0, 'create', 'y', 'y', { key: '/b' })]), 'zk').partitions).toBe(2);
  });

  it('refuses malformed operations', () => {
    expect(() => checkHistory(history(op(0, 'set', 'x', 1, { key: '/a' })), 'zk')).toThrow(/set argument/);
    expect(() => checkHistory(history(op(0, 'frob', 1, 1, { key: '/a' })), 'zk')).toThrow();
  });
});

describe('the zk workload', () => {
  it('generates every function of its default mix, on /z1../zN, with unique values and versions', () => {
    const random = stream('7', 'workload');
    const state = new Map<string, unknown>();
    const options = { keyCount: 3, mix: { ...zkWorkload.defaultMix } };
    expect(zkWorkload.validate!(options)).toBeUndefined();
    const ops = Array.from({ length: 300 }, (_, counter) => zkWorkload.nextOp({ random, counter, state, client: 0 }, options));
    expect(new Set(ops.map((o) => o.f))).toEqual(new Set(['get', 'create', 'createEphemeral', 'set', 'delete']));
    for (const o of ops) expect(['/z1', '/z2', '/z3']).toContain(o.key);
    for (const o of ops.filter((x) => x.f === 'set')) expect(typeof (o.value as unknown[])[0]).toBe('number');
    for (const o of ops.filter((x) => x.f === 'delete')) expect(typeof o.value).toBe('number');
    expect(ops.some((o) => o.f === 'set' && (o.value as unknown[])[0] === -1)).toBe(true);
    expect(zkWorkload.validate!({ keyCount: 3, mix: { put: 1 } })).toMatch(/not an operation/);
  });
});
