// checkers/atomicity: all-or-nothing commit across participants, for 2PC-style protocols.
export { AtomicityChecker, checkAtomicity } from './check.js';
export { ATOMICITY, atomicityInvariant, atomicityNoteKinds, recordOfNote } from './notes.js';
export { parseAtomicityRecords } from './parse.js';
export type { AtomicityAnomaly, AtomicityAnomalyKind, AtomicityRecord, AtomicityResult, Outcome } from './types.js';
