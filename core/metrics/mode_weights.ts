/**
 * The weight a sample gives each mode of a mixture, against the true weights
 * (seed `003_*` Remark 16: Langevin dynamics on a five-mode mixture).
 *
 * @module
 */
import type { Points } from "../data/mod.ts";

/** Options of {@linkcode modeWeights}. */
export interface ModeWeightsOptions {
  /** Mode centres, M × dim. */
  modes: readonly (readonly number[])[];
  /** True weights π (normalised; default uniform). */
  weights?: readonly number[];
  /** Standard deviation of each mode, for `far` (default: `far` is not measured, reported as 0). */
  std?: number;
  /** A sample is far when more than `radius · std` from every mode (default 3). */
  radius?: number;
}

/** The result of {@linkcode modeWeights}. */
export interface ModeWeightsResult {
  /** Share of the samples nearest to each mode, ŵ_j (sums to 1). */
  weights: number[];
  /** The true weights π, normalised. */
  truth: number[];
  /** Total variation ½ Σ_j |ŵ_j − π_j| ∈ [0, 1]. */
  tv: number;
  /** Share of samples farther than radius · std from every mode (0 when std is not given). */
  far: number;
}

/**
 * Assigns every sample to its nearest mode centre (Euclidean; equal isotropic
 * modes make this the Bayes rule for equal weights) and compares the shares
 * ŵ_j with π: `tv = ½ Σ_j |ŵ_j − π_j|`. For n exact samples E[tv] is of order
 * ½ Σ_j √(π_j (1 − π_j) · 2 / (π n)) (about 0.03 for five modes and
 * n = 1000) plus the small mass the nearest-centre rule gives to the wrong
 * mode where modes overlap. Cost O(n · M · dim).
 */
export function modeWeights(samples: Points, options: ModeWeightsOptions): ModeWeightsResult {
  const { modes } = options;
  const M = modes.length, dim = samples.dim, n = samples.n;
  if (M < 1 || !modes.every((m) => m.length === dim)) {
    throw new RangeError(`Cannot weigh modes: give at least one mode, each of dimension ${dim}`);
  }
  if (n < 1) throw new RangeError("Cannot weigh the modes of an empty point set");
  const w = options.weights ?? new Array<number>(M).fill(1);
  if (w.length !== M || !w.every((v) => v >= 0) || !w.some((v) => v > 0)) {
    throw new RangeError(`Cannot weigh modes: weights must be ${M} non-negative numbers, not all zero`);
  }
  const total = w.reduce((s, v) => s + v, 0);
  const truth = w.map((v) => v / total);
  const limit = options.std !== undefined ? (options.radius ?? 3) ** 2 * options.std ** 2 : Infinity;
  const counts = new Array<number>(M).fill(0);
  let far = 0;
  for (let i = 0; i < n; i++) {
    let best = 0, bestD = Infinity;
    for (let j = 0; j < M; j++) {
      let d2 = 0;
      for (let k = 0; k < dim; k++) d2 += (samples.data[i * dim + k]! - modes[j]![k]!) ** 2;
      if (d2 < bestD) {
        bestD = d2;
        best = j;
      }
    }
    counts[best]!++;
    if (bestD > limit) far++;
  }
  const weights = counts.map((c) => c / n);
  const tv = weights.reduce((s, v, j) => s + Math.abs(v - truth[j]!), 0) / 2;
  return { weights, truth, tv, far: far / n };
}
