// checkers/bank: conservation of money in bank histories (Jepsen's bank test).
export { checkBank } from './check.js';
export type { BankAnomaly, BankAnomalyKind, BankOptions, BankResult } from './check.js';
