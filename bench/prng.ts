// xorshift32: a fixed, seeded stream for generated bench workloads (a bench must print the
// same workload every time). Draws an integer in [0, n).
export function prng(seed: number): (n: number) => number {
  let x = seed | 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}
