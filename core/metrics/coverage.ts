/**
 * Mode coverage, precision and recall for samples of a mixture with known
 * modes (MATH.md §10).
 *
 * @module
 */
import type { Points } from "../data/mod.ts";

/** Options of {@linkcode modeCoverage}. */
export interface ModeCoverageOptions {
  /** Mode centres, M × dim. */
  modes: readonly (readonly number[])[];
  /** Standard deviation of each mode (isotropic). */
  std: number;
  /** A sample belongs to its nearest mode when within `radius · std` of it (default 3). */
  radius?: number;
  /** A mode is covered when it holds at least `threshold ·` its expected share of the samples (default 0.25). */
  threshold?: number;
  /** Expected weight of each mode (normalised; default uniform). */
  modeWeights?: readonly number[];
}

/** The result of {@linkcode modeCoverage}. */
export interface ModeCoverageResult {
  /** Fraction of modes covered: count_j ≥ threshold · π_j · n. */
  coverage: number;
  /** Fraction of samples within radius · std of their nearest mode. */
  precision: number;
  /** Mixture mass matched by the samples, Σ_j min(π_j, count_j / n) ∈ [0, 1]. */
  recall: number;
  /** Share of each mode among the samples near a mode, count_j / Σ count (zeros when none is near). */
  weights: number[];
  /** Samples near each mode. */
  counts: number[];
}

/**
 * Scores samples of a mixture with known centres μ_j and std s. Each sample
 * goes to its nearest centre and counts for it when `‖x − μ_j‖ ≤ radius · s`
 * (in d = 2 a sample of the mode itself is within 3 s with probability
 * 1 − e^{−4.5} ≈ 0.989). With count_j the samples counted for mode j, n
 * samples and expected weights π:
 *
 * - precision = Σ_j count_j / n (how many samples look like some mode);
 * - weights_j = count_j / Σ count (the mode proportions of the good samples,
 *   to compare with π);
 * - coverage = #{j : count_j ≥ threshold · π_j · n} / M (modes not dropped);
 * - recall = Σ_j min(π_j, count_j / n) (how much of the mixture's mass the
 *   samples reproduce: 1/M for a collapse onto one of M equal modes, about
 *   0.99 for exact samples at radius 3 in 2-D).
 *
 * Cost O(n · M · dim).
 */
export function modeCoverage(samples: Points, options: ModeCoverageOptions): ModeCoverageResult {
  const { modes, std } = options;
  const M = modes.length, dim = samples.dim;
  if (M < 1 || !modes.every((m) => m.length === dim)) {
    throw new RangeError(`Cannot score coverage: give at least one mode, each of dimension ${dim}`);
  }
  if (!(std > 0)) throw new RangeError(`Cannot score coverage with std "${std}": it must be positive`);
  const radius = options.radius ?? 3, threshold = options.threshold ?? 0.25;
  if (!(radius > 0)) throw new RangeError(`Cannot score coverage with radius "${radius}": it must be positive`);
  if (!(threshold >= 0)) throw new RangeError(`Cannot score coverage with threshold "${threshold}": it must be ≥ 0`);
  const w = options.modeWeights ?? new Array<number>(M).fill(1);
  if (w.length !== M || !w.every((v) => v >= 0) || !w.some((v) => v > 0)) {
    throw new RangeError(`Cannot score coverage: modeWeights must be ${M} non-negative numbers, not all zero`);
  }
  const total = w.reduce((a, b) => a + b, 0);
  const pi = w.map((v) => v / total);
  const centres = new Float64Array(M * dim);
  modes.forEach((m, j) => centres.set(m, j * dim));
  const limit = (radius * std) ** 2;
  const counts = new Array<number>(M).fill(0);
  const x = samples.data, n = samples.n;
  for (let i = 0; i < n; i++) {
    let best = -1, bestD = Infinity;
    for (let j = 0; j < M; j++) {
      let d2 = 0;
      for (let k = 0; k < dim; k++) {
        const d = x[i * dim + k]! - centres[j * dim + k]!;
        d2 += d * d;
      }
      if (d2 < bestD) {
        bestD = d2;
        best = j;
      }
    }
    if (bestD <= limit) counts[best]!++;
  }
  const near = counts.reduce((a, b) => a + b, 0);
  let covered = 0, recall = 0;
  for (let j = 0; j < M; j++) {
    if (counts[j]! >= threshold * pi[j]! * n && counts[j]! > 0) covered++;
    recall += Math.min(pi[j]!, n > 0 ? counts[j]! / n : 0);
  }
  return {
    coverage: covered / M,
    precision: n > 0 ? near / n : 0,
    recall,
    weights: counts.map((c) => (near > 0 ? c / near : 0)),
    counts,
  };
}
