/**
 * The exact marginal field between a Gaussian source and a Gaussian target
 * (a closed form for tests and for checking samplers).
 *
 * Derivation. Per coordinate, x1 ~ N(μ, s²) and ε ~ N(0, 1) independent,
 * `x_t = α x1 + σ ε`. Then (x1, ε, x_t) are jointly Gaussian with
 * `x_t ~ N(α μ, V)`, `V = α² s² + σ²`, `Cov(x1, x_t) = α s²`,
 * `Cov(ε, x_t) = σ`, so the posterior means are linear in x:
 *
 *     x̂1(x) = μ + (α s² / V)(x − α μ),     ε̂(x) = (σ / V)(x − α μ),
 *
 * and the marginal velocity `u_t(x) = α̇ x̂1 + σ̇ ε̂` is
 *
 *     u_t(x) = α̇ μ + ((α α̇ s² + σ σ̇) / V) (x − α μ),
 *
 * the score `∇log p_t(x) = −(x − α μ)/V`. The flow of u maps the source
 * point x0 (x_0 = α_0 μ + √V_0 z) to `x_t = α_t μ + √V_t z`: indeed
 * `d/dt(α μ + √V z) = α̇ μ + (V̇ / 2V)(x_t − α μ)` and `V̇/2 = α α̇ s² + σ σ̇`.
 * With α_0 = 0, σ_0 = 1, α_1 = 1, σ_1 = 0 this is `x1 = μ + s ⊙ x0`.
 *
 * @module
 */
import {
  clampTime,
  DEFAULT_T_EPS,
  type Field,
  type Prediction,
  PREDICTIONS,
  type Scheduler,
  type ScheduleValue,
  singularEndClamp,
} from "../paths/mod.ts";

/** The Gaussian target N(μ, diag(std²)). */
export interface GaussianTarget {
  /** Mean μ (one value per coordinate). */
  mean: ArrayLike<number>;
  /** Standard deviation s per coordinate (> 0; may be 0 for a point mass). */
  std: ArrayLike<number>;
}

/** Options of {@linkcode gaussianMarginalField}. */
export interface GaussianMarginalOptions {
  /** What the field returns (default velocity). */
  prediction?: Prediction;
  /** Distance kept from an end of [0, 1] where the requested prediction is singular (default 1e-3). */
  tEps?: number;
}

/** The per-coordinate coefficients `out_j = a_j (x_j − α μ_j) + b_j`. */
function coefficients(
  p: Prediction,
  s: ScheduleValue,
  mean: Float64Array,
  var1: Float64Array,
  a: Float64Array,
  b: Float64Array,
): void {
  const { alpha, sigma, dAlpha, dSigma } = s;
  for (let j = 0; j < mean.length; j++) {
    const v = alpha * alpha * var1[j]! + sigma * sigma;
    const x1Slope = (alpha * var1[j]!) / v; // x̂1 = μ + x1Slope (x − αμ)
    const epsSlope = sigma / v; // ε̂ = epsSlope (x − αμ)
    const mu = mean[j]!;
    switch (p) {
      case "velocity":
        // α̇ x̂1 + σ̇ ε̂; σ σ̇ written as one product of the two (finite wherever both are)
        a[j] = (alpha * dAlpha * var1[j]! + sigma * dSigma) / v;
        b[j] = dAlpha * mu;
        break;
      case "x1":
        a[j] = x1Slope;
        b[j] = mu;
        break;
      case "epsilon":
        a[j] = epsSlope;
        b[j] = 0;
        break;
      case "score":
        a[j] = -1 / v;
        b[j] = 0;
        break;
      case "v_diffusion":
        // α ε̂ − σ x̂1
        a[j] = alpha * epsSlope - sigma * x1Slope;
        b[j] = -sigma * mu;
        break;
    }
  }
}

/**
 * The exact marginal field of the affine path of `scheduler` from the unit
 * Gaussian noise ε to the target N(μ, diag(s²)) (module doc), as any
 * prediction. Exact JVP: the field is linear in x with a diagonal Jacobian.
 *
 * Ends where the requested prediction is singular (e.g. velocity at t = 1 of
 * `vp`, where σ̇ = −∞; or when V = 0, a point mass at t = 1) are clamped to
 * [tEps, 1 − tEps] at that end only, as {@linkcode asPrediction} does.
 *
 * @example
 * ```ts
 * const u = gaussianMarginalField(createScheduler("condot"), { mean: [2, 0], std: [0.5, 1] });
 * u.evaluate(x, n, 0.5, out);
 * ```
 */
export function gaussianMarginalField(
  scheduler: Scheduler,
  target: GaussianTarget,
  options: GaussianMarginalOptions = {},
): Field {
  const prediction = options.prediction ?? "velocity";
  if (!PREDICTIONS.includes(prediction)) throw new RangeError(`Unknown prediction "${prediction}"`);
  const dim = target.mean.length;
  if (dim < 1 || target.std.length !== dim) {
    throw new RangeError(`Cannot build a Gaussian marginal: ${target.mean.length} means for ${target.std.length} stds`);
  }
  const mean = Float64Array.from(target.mean);
  const var1 = Float64Array.from(target.std, (s) => s * s);
  if (!var1.every((v) => v >= 0 && Number.isFinite(v))) {
    throw new RangeError(`Cannot build a Gaussian marginal: std "${Array.from(target.std)}" must be finite`);
  }
  const a = new Float64Array(dim);
  const b = new Float64Array(dim);
  const finiteAt = (t: number) => {
    const s = scheduler.at(t);
    if (prediction === "velocity" && !(Number.isFinite(s.dAlpha) && Number.isFinite(s.dSigma))) return false;
    coefficients(prediction, s, mean, var1, a, b);
    return a.every(Number.isFinite) && b.every(Number.isFinite);
  };
  const clamp = singularEndClamp(finiteAt, options.tEps ?? DEFAULT_T_EPS);
  let alphaNow = 0;
  const prepare = (t: number) => {
    const s = scheduler.at(clampTime(t, clamp));
    coefficients(prediction, s, mean, var1, a, b);
    alphaNow = s.alpha;
  };
  return {
    dim,
    prediction,
    evaluate(x, n, t, out) {
      prepare(t);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < dim; j++) {
          const k = i * dim + j;
          out[k] = a[j]! * (x[k]! - alphaNow * mean[j]!) + b[j]!;
        }
      }
    },
    jvp(x, n, t, v, out, jv) {
      prepare(t);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < dim; j++) {
          const k = i * dim + j;
          out[k] = a[j]! * (x[k]! - alphaNow * mean[j]!) + b[j]!;
          jv[k] = a[j]! * v[k]!;
        }
      }
    },
  };
}

/**
 * The marginal velocity `u_t(x) = α̇ μ + ((α α̇ s² + σ σ̇)/(α² s² + σ²))(x − α μ)`
 * of the affine path from N(0, I) to N(μ, diag(s²)) (per coordinate; see the
 * module doc for the derivation). Shorthand for
 * `gaussianMarginalField(scheduler, target, { prediction: "velocity" })`.
 */
export function gaussianMarginalVelocity(
  scheduler: Scheduler,
  target: GaussianTarget,
  options: Omit<GaussianMarginalOptions, "prediction"> = {},
): Field {
  return gaussianMarginalField(scheduler, target, { ...options, prediction: "velocity" });
}
