/**
 * Energy distance (Székely & Rizzo; MATH.md §10).
 *
 * @module
 */
import type { Points } from "../data/mod.ts";
import { checkSameDim, subsample } from "./_subsample.ts";

/** Options of {@linkcode energyDistance}. */
export interface EnergyDistanceOptions {
  /** Each set is reduced to at most this many points by a fixed-seed subsample (default 4096). */
  maxPoints?: number;
}

/** Mean Euclidean distance over all ordered pairs (diagonal included when a = b). */
function meanDistance(a: Points, b: Points, same: boolean): number {
  const { dim } = a;
  const A = a.data, B = b.data;
  let s = 0;
  for (let i = 0; i < a.n; i++) {
    const ai = i * dim;
    for (let j = same ? i + 1 : 0; j < b.n; j++) {
      const bj = j * dim;
      let d2 = 0;
      for (let k = 0; k < dim; k++) {
        const d = A[ai + k]! - B[bj + k]!;
        d2 += d * d;
      }
      s += Math.sqrt(d2);
    }
  }
  return (same ? 2 * s : s) / (a.n * b.n);
}

/**
 * The energy distance with V-statistics,
 * `2 E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖` over all pairs of the two sets
 * (diagonals included): ≥ 0, and 0 for identical sets.
 */
export function energyDistance(a: Points, b: Points, options: EnergyDistanceOptions = {}): number {
  checkSameDim(a, b, "the energy distance");
  const max = options.maxPoints ?? 4096;
  const x = subsample(a, max, "energy/a"), y = subsample(b, max, "energy/b");
  return 2 * meanDistance(x, y, false) - meanDistance(x, x, true) - meanDistance(y, y, true);
}
