/**
 * The exact 2-Wasserstein distance between two point sets (MATH.md §10).
 *
 * @module
 */
import { MAX_REPLICATED_SIZE, w2Exact } from "../couplings/mod.ts";
import type { Points } from "../data/mod.ts";
import { checkSameDim, subsample } from "./_subsample.ts";

/** Options of {@linkcode w2}. */
export interface W2Options {
  /** Each set is reduced to at most this many points by a fixed-seed subsample (default 2048). */
  maxPoints?: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * `W2(a, b) = sqrt(min_π Σ_ij π_ij ‖a_i − b_j‖²)` over couplings with uniform
 * marginals — for equal sizes `sqrt(min_σ (1/n) Σ_i ‖a_i − b_σ(i)‖²)` over
 * permutations — by the exact solvers of `core/couplings` (`w2Exact`; no
 * second assignment solver here).
 *
 * Large or mismatched sets: each set larger than `maxPoints` is first
 * subsampled to `maxPoints` without replacement by a fixed stream (so the
 * value is deterministic). Sets of different sizes n ≠ m are compared
 * exactly when lcm(n, m) ≤ 3072 (`w2Exact` replicates the points); otherwise
 * the larger is subsampled to the smaller's size. On a subsample the value
 * estimates the population W2 with a small upward bias.
 *
 * @example
 * ```ts
 * w2(generated, heldOut); // ≥ 0; w2(a, a) = 0
 * ```
 */
export function w2(a: Points, b: Points, options: W2Options = {}): number {
  checkSameDim(a, b, "W2");
  const max = options.maxPoints ?? 2048;
  let x = subsample(a, max, "w2/a"), y = subsample(b, max, "w2/b");
  if (x.n !== y.n && (x.n / gcd(x.n, y.n)) * y.n > MAX_REPLICATED_SIZE) {
    const k = Math.min(x.n, y.n);
    x = subsample(x, k, "w2/a");
    y = subsample(y, k, "w2/b");
  }
  return w2Exact(x, y);
}
