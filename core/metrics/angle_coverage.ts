/**
 * How well samples cover an ellipse: the spread of their parametric angles
 * and their distance from the curve (seed `001_*` §4, the ellipse task).
 *
 * @module
 */
import { ellipseAngle, type Points } from "../data/mod.ts";

/** Options of {@linkcode angleCoverage}: the ellipse (as `data.ellipse`) and the histogram. */
export interface AngleCoverageOptions {
  /** Semi-axis along the first coordinate before rotation (default 2). */
  a?: number;
  /** Semi-axis along the second coordinate before rotation (default 1). */
  b?: number;
  /** Rotation in degrees, counter-clockwise (default 30). */
  angle?: number;
  /** Equal-width angle bins on [0, 2π) (default 36, i.e. 10° each). */
  bins?: number;
  /** A bin is covered when it holds at least `threshold ·` its expected share n / bins (default 0.5). */
  threshold?: number;
}

/** The result of {@linkcode angleCoverage}. */
export interface AngleCoverageResult {
  /** Fraction of angle bins covered. */
  coverage: number;
  /** Total variation between the angle histogram and the uniform law, ½ Σ_k |h_k / n − 1/bins| ∈ [0, 1). */
  tv: number;
  /** Root mean square of `r − 1`, `r = √((u/a)² + (v/b)²)` in the ellipse's frame: 0 on the curve. */
  radial: number;
}

/**
 * Scores samples of `data.ellipse`: the parametric angle θ of each point
 * (`ellipseAngle`: rotate back by −angle, `θ = atan2(v/b, u/a)`) is uniform on
 * [0, 2π) for the true law, so with `h_k` the count in bin k of `bins`,
 *
 * - coverage = #{k : h_k ≥ threshold · n / bins} / bins (arcs not dropped);
 * - tv = ½ Σ_k |h_k / n − 1 / bins| (0 for a perfectly even spread; a true
 *   sample of n points has E[tv] ≈ √(bins / (2π n)), about 0.07 for
 *   n = 1000 and 36 bins — compare with the reference's own value);
 * - radial = √(mean (r − 1)²) with r the ellipse "radius" of the point
 *   (r = 1 on the curve; the data's own noise sets its floor).
 *
 * Cost O(n).
 */
export function angleCoverage(samples: Points, options: AngleCoverageOptions = {}): AngleCoverageResult {
  if (samples.dim !== 2) {
    throw new RangeError(`Cannot score ellipse coverage in dimension "${samples.dim}": it needs 2`);
  }
  const n = samples.n;
  if (n < 1) throw new RangeError(`Cannot score ellipse coverage of an empty point set`);
  const a = options.a ?? 2, b = options.b ?? 1, angle = options.angle ?? 30;
  const bins = options.bins ?? 36, threshold = options.threshold ?? 0.5;
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`Cannot use bins "${bins}": give a positive integer`);
  if (!(threshold >= 0)) throw new RangeError(`Cannot use threshold "${threshold}": it must be ≥ 0`);
  if (!(a > 0 && b > 0)) throw new RangeError(`Cannot use semi-axes "${a}, ${b}": they must be positive`);
  const theta = ellipseAngle(samples.data, n, { a, b, angle });
  const counts = new Float64Array(bins);
  for (let i = 0; i < n; i++) counts[Math.min(bins - 1, Math.floor((theta[i]! / (2 * Math.PI)) * bins))]!++;
  let covered = 0, tv = 0;
  for (let k = 0; k < bins; k++) {
    if (counts[k]! > 0 && counts[k]! >= (threshold * n) / bins) covered++;
    tv += Math.abs(counts[k]! / n - 1 / bins);
  }
  const c = Math.cos((angle * Math.PI) / 180), s = Math.sin((angle * Math.PI) / 180);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const px = samples.data[2 * i]!, py = samples.data[2 * i + 1]!;
    const u = c * px + s * py, v = -s * px + c * py;
    const r = Math.sqrt((u / a) ** 2 + (v / b) ** 2);
    ss += (r - 1) ** 2;
  }
  return { coverage: covered / bins, tv: tv / 2, radial: Math.sqrt(ss / n) };
}
