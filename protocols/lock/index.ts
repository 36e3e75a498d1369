// Distributed locks (issue #12), and the checks that tell them apart.
// TODO header
export { lockLease, lockRedis, lockZk, redlock, type LockActor } from './services.js';
export { parseLockOptions, allowanceUs, LockOptionError, type LockOptions } from './options.js';
export { ResourceExclusion, OneHolder, LockLiveness } from './checkers.js';
