/**
 * Time-dependent loss weights w(t) (MATH.md §4).
 *
 * The regression losses of the different predictions are the same objective
 * up to a weight: at fixed x_t, converting predictions is affine,
 * `q = A(t) p + B(t) x` (core/paths conversions), so the errors of one model
 * in two parameterizations satisfy `q̂ − q = A(t)(p̂ − p)` and
 *
 *     ‖q̂ − q‖² = A(t)² ‖p̂ − p‖².
 *
 * For `condot`, velocity against epsilon: A = det/α = −1/t, so
 * `‖v̂ − v‖² = ‖ε̂ − ε‖² / t²` (seed `001_*` Eq. (11) holds only with this weight).
 *
 * @module
 */
import {
  conversionCoefficients,
  type Prediction,
  PREDICTIONS,
  type Scheduler,
  type ScheduleValue,
  singularEndClamp,
  type TimeClamp,
} from "../paths/mod.ts";

/**
 * A loss weight w(t) multiplying each example's squared error:
 * - `none`: w = 1;
 * - `snr`: w = ρ² = α²/σ² (the signal-to-noise ratio; an x1 loss weighted by
 *   it is the epsilon loss of the same model);
 * - `sigma2`: w = σ² (λ(t) of denoising score matching; the score loss
 *   weighted by it is the epsilon loss — the default for `score`);
 * - `as_velocity`, `as_x1`, `as_epsilon`, `as_score`, `as_v_diffusion`:
 *   w = A(t)², which makes the loss of the trained prediction equal, example
 *   by example, to the loss of the named prediction of the same model (e.g. an
 *   epsilon model trained with `as_velocity` minimises the CFM loss).
 */
export type LossWeight =
  | "none"
  | "snr"
  | "sigma2"
  | "as_velocity"
  | "as_x1"
  | "as_epsilon"
  | "as_score"
  | "as_v_diffusion";

/** Every {@linkcode LossWeight}. */
export const LOSS_WEIGHTS: readonly LossWeight[] = Object.freeze([
  "none",
  "snr",
  "sigma2",
  ...PREDICTIONS.map((p) => `as_${p}` as LossWeight),
]);

/** The default weight of a prediction: `sigma2` for `score` (MATH.md §4 DSM), `none` otherwise. */
export function defaultLossWeight(prediction: Prediction): LossWeight {
  return prediction === "score" ? "sigma2" : "none";
}

/** Throws unless `w` is a known loss weight. */
export function checkLossWeight(w: string): LossWeight {
  if (!(LOSS_WEIGHTS as readonly string[]).includes(w)) {
    throw new RangeError(`Unknown loss weight "${w}": expected one of ${LOSS_WEIGHTS.map((q) => `"${q}"`).join(", ")}`);
  }
  return w as LossWeight;
}

/** Which weight, for a model trained on which prediction. */
export interface LossWeightOptions {
  /** The weight. */
  weight: LossWeight;
  /** What the model is trained on. */
  prediction: Prediction;
}

/** w(t) of a loss weight for a model trained on `prediction`, at one schedule value (see {@linkcode LossWeight}). */
export function lossWeightAt(s: ScheduleValue, options: LossWeightOptions): number {
  const { weight, prediction } = options;
  switch (weight) {
    case "none":
      return 1;
    case "snr":
      return (s.alpha * s.alpha) / (s.sigma * s.sigma);
    case "sigma2":
      return s.sigma * s.sigma;
    default: {
      const a = conversionCoefficients(prediction, weight.slice(3) as Prediction, s).scale;
      return a * a;
    }
  }
}

/**
 * The times at which a weight is evaluated: t itself, except at an end of
 * [0, 1] where w is infinite exactly there (e.g. `snr` at t = 1, `as_velocity`
 * for epsilon at t = 0), which is moved in by `tEps`.
 */
export function lossWeightClamp(scheduler: Scheduler, options: LossWeightOptions & { tEps: number }): TimeClamp {
  return singularEndClamp((t) => Number.isFinite(lossWeightAt(scheduler.at(t), options)), options.tEps);
}
