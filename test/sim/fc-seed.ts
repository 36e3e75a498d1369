// fast-check runs are reproducible: CI pins FAULTLINE_FC_SEED; locally a fixed default.
export const fcSeed = Number(process.env.FAULTLINE_FC_SEED ?? 20261123);
