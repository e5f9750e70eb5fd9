/**
 * Distances between point sets paired by index: the i-th generated point
 * against the i-th reference point (the same start point solved two ways, or
 * a restored point against its clean original).
 *
 * @module
 */
import type { Points } from "../data/mod.ts";

/**
 * `RMSE(a, b) = √((1/n) Σ_i ‖a_i − b_i‖²)` for two sets of the same size and
 * dimension, paired in order. An upper bound of W2(a, b) (the identity pairing
 * is one coupling). Cost O(n · dim).
 */
export function pairedRmse(a: Points, b: Points): number {
  if (a.dim !== b.dim || a.n !== b.n) {
    throw new RangeError(
      `Cannot pair point sets of shapes "${a.n}×${a.dim}" and "${b.n}×${b.dim}": give sets of the same size and dimension`,
    );
  }
  if (a.n < 1) throw new RangeError("Cannot pair empty point sets");
  let ss = 0;
  for (let i = 0; i < a.n * a.dim; i++) ss += (a.data[i]! - b.data[i]!) ** 2;
  return Math.sqrt(ss / a.n);
}
