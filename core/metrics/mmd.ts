/**
 * Maximum mean discrepancy with RBF kernels (MATH.md §10).
 *
 * @module
 */
import type { Points } from "../data/mod.ts";
import { checkSameDim, subsample } from "./_subsample.ts";

/** Options of {@linkcode mmd2}. */
export interface MmdOptions {
  /** Kernel bandwidths (each > 0); one value of MMD² per bandwidth. */
  bandwidths: readonly number[];
  /**
   * Each set is reduced to at most this many points by a fixed-seed subsample
   * (default 4096; cost O(n·m·bandwidths)).
   */
  maxPoints?: number;
}

/**
 * Sum over all ordered pairs (i, j) of `exp(−‖a_i − b_j‖² · c_b)` for each
 * bandwidth, into `sums` (squared distances computed once per pair). When
 * `same`, a = b and the symmetric half is counted twice plus the diagonal.
 */
function kernelSums(a: Points, b: Points, coef: Float64Array, sums: Float64Array, same: boolean): void {
  const { dim } = a;
  const A = a.data, B = b.data, nb = coef.length;
  sums.fill(0);
  for (let i = 0; i < a.n; i++) {
    const ai = i * dim;
    for (let j = same ? i + 1 : 0; j < b.n; j++) {
      const bj = j * dim;
      let d2 = 0;
      for (let k = 0; k < dim; k++) {
        const d = A[ai + k]! - B[bj + k]!;
        d2 += d * d;
      }
      for (let q = 0; q < nb; q++) sums[q] = sums[q]! + Math.exp(-d2 * coef[q]!);
    }
  }
  if (same) { for (let q = 0; q < nb; q++) sums[q] = 2 * sums[q]! + a.n; }
}

/**
 * The biased (V-statistic) squared MMD with the RBF kernel
 * `k(x, y) = exp(−‖x − y‖² / (2 bw²))`, for each bandwidth:
 *
 *     MMD² = (1/n²) Σ_ij k(a_i, a_j) + (1/m²) Σ_ij k(b_i, b_j) − (2/(n m)) Σ_ij k(a_i, b_j)
 *
 * (diagonal terms included, so MMD² ≥ 0 and = 0 for identical sets). Keys are
 * `String(bw)` (`"0.1"`, `"1"`, `"10"`).
 *
 * @example
 * ```ts
 * mmd2(samples, reference, { bandwidths: [0.1, 1, 10] }); // { "0.1": …, "1": …, "10": … }
 * ```
 */
export function mmd2(a: Points, b: Points, options: MmdOptions): Record<string, number> {
  checkSameDim(a, b, "MMD");
  const bws = options.bandwidths;
  if (bws.length === 0 || !bws.every((bw) => bw > 0 && Number.isFinite(bw))) {
    throw new RangeError(`Cannot compute MMD with bandwidths [${bws.join(", ")}]: give at least one, each positive`);
  }
  const max = options.maxPoints ?? 4096;
  const x = subsample(a, max, "mmd/a"), y = subsample(b, max, "mmd/b");
  const coef = Float64Array.from(bws, (bw) => 1 / (2 * bw * bw));
  const xx = new Float64Array(bws.length), yy = new Float64Array(bws.length), xy = new Float64Array(bws.length);
  kernelSums(x, x, coef, xx, true);
  kernelSums(y, y, coef, yy, true);
  kernelSums(x, y, coef, xy, false);
  const out: Record<string, number> = {};
  bws.forEach((bw, q) => {
    out[String(bw)] = xx[q]! / (x.n * x.n) + yy[q]! / (y.n * y.n) - (2 * xy[q]!) / (x.n * y.n);
  });
  return out;
}
