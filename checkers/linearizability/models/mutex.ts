// A single mutex (Knossos' `mutex`): acquire is legal iff the lock is free, release iff it is
// held. Owners are not tracked: after an indeterminate op Jepsen hands the process id to a
// new process, so "who holds it" cannot be read from process ids.
import type { Model } from '../types.js';
import { expectF, illegal, ok } from './common.js';

const ACQUIRE = ['acquire', 'lock'];
const RELEASE = ['release', 'unlock'];

export const mutexModel: Model<boolean> = {
  name: 'mutex',
  description: 'a lock (acquire, release): acquire legal iff free, release iff held',
  init: (initial) => initial === true || initial === 'held' || initial === 'locked',
  step(held, op) {
    if (ACQUIRE.includes(op.f)) return held ? illegal('acquire while the lock is held') : ok(true);
    if (RELEASE.includes(op.f)) return held ? ok(false) : illegal('release while the lock is free');
    return illegal(() => `unknown operation :${op.f}`);
  },
  key: (held) => (held ? 'H' : 'F'),
  describe: (held) => (held ? 'held' : 'free'),
  validate: (op) => expectF(op, [...ACQUIRE, ...RELEASE]),
};
