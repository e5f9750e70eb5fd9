/**
 * Training batches: a minibatch of pairs, times from a t-sampler, a path and
 * a prediction give the network inputs x_t and the regression targets
 * (MATH.md §4).
 *
 * Targets (ε = x0/std is the path's unit noise; std = 1 except VE):
 *
 *     velocity     ẋ_t = α̇ x1 + σ̇ ε   (the path's conditional velocity; any path)
 *     x1           x1
 *     epsilon      ε                  (= x0 for a unit Gaussian source)
 *     score        −ε/σ_t             (denoising score matching)
 *     v_diffusion  α ε − σ x1
 *
 * Each is the conditional version of the prediction, so regressing on it
 * learns the marginal (posterior-mean) prediction.
 *
 * @module
 */
import type { PairBatch } from "../couplings/mod.ts";
import type { TrainBatch } from "../models/mod.ts";
import { checkPrediction, clampTime, DEFAULT_T_EPS, type Prediction, type ProbabilityPath } from "../paths/mod.ts";
import type { Rng } from "../random/mod.ts";
import type { TSampler } from "./t_samplers.ts";
import { checkLossWeight, defaultLossWeight, type LossWeight, lossWeightAt, lossWeightClamp } from "./weights.ts";

/** The largest float32 below 1 (1 − 2⁻²⁴). */
export const LAST_FLOAT32_BELOW_ONE = 1 - 2 ** -24;

/** Options of {@linkcode trainingTargets}. */
export interface TrainingTargetsOptions {
  /** The probability path. */
  path: ProbabilityPath;
  /** What the network predicts. */
  prediction: Prediction;
  /** Per-example weight (default {@linkcode defaultLossWeight}). */
  lossWeight?: LossWeight;
  /** Stream for the path's own noise (SB). */
  rng: Rng;
  /** Distance kept from an end of [0, 1] where the weight is infinite (default 1e-3). */
  tEps?: number;
}

/** x_t, targets and weights in float64 (what {@linkcode makeTrainBatch} rounds to float32). */
export interface TrainingTargets {
  /** Network inputs x_t, n × dim. */
  x: Float64Array;
  /** Regression targets, n × dim. */
  target: Float64Array;
  /** Per-example weights (absent for `none`). */
  weight?: Float64Array;
}

/**
 * x_t, the regression target of `prediction` and the per-example weights for
 * pairs at given times `t` (module doc). Non-velocity predictions need an
 * affine path (`affine`, `lipman`).
 */
export function trainingTargets(pairs: PairBatch, t: Float64Array, options: TrainingTargetsOptions): TrainingTargets {
  const { path, rng } = options;
  const prediction = checkPrediction(options.prediction);
  const lossWeight = checkLossWeight(options.lossWeight ?? defaultLossWeight(prediction));
  const scheduler = path.scheduler;
  if (!scheduler && prediction !== "velocity") {
    throw new RangeError(
      `Cannot train "${prediction}" on path "${path.name}": only affine paths ("affine", "lipman") support predictions other than "velocity"`,
    );
  }
  if (!scheduler && lossWeight !== "none") {
    throw new RangeError(
      `Cannot weight the loss by "${lossWeight}" on path "${path.name}": it needs the schedule of an affine path; use "none"`,
    );
  }
  const { n, dim, x0, x1 } = pairs;
  const { xt, velocity } = path.sample(pairs, t, rng);
  let target = velocity;
  if (prediction !== "velocity") {
    target = new Float64Array(n * dim);
    const invStd = 1 / scheduler!.source.std;
    for (let i = 0; i < n; i++) {
      const s = scheduler!.at(t[i]!);
      // target = c1 x1 + c2 ε
      const c1 = prediction === "x1" ? 1 : prediction === "v_diffusion" ? -s.sigma : 0;
      const c2 = prediction === "epsilon"
        ? 1
        : prediction === "score"
        ? -1 / s.sigma
        : prediction === "v_diffusion"
        ? s.alpha
        : 0;
      for (let j = i * dim; j < (i + 1) * dim; j++) target[j] = c1 * x1[j]! + c2 * (x0[j]! * invStd);
    }
  }
  if (lossWeight === "none") return { x: xt, target };
  const which = { weight: lossWeight, prediction };
  const clamp = lossWeightClamp(scheduler!, { ...which, tEps: options.tEps ?? DEFAULT_T_EPS });
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) weight[i] = lossWeightAt(scheduler!.at(clampTime(t[i]!, clamp)), which);
  return { x: xt, target, weight };
}

/** Options of {@linkcode makeTrainBatch}. */
export interface MakeTrainBatchOptions extends TrainingTargetsOptions {
  /** Where the times come from. */
  tSampler: TSampler;
}

/**
 * One training batch (core/models `TrainBatch`, float32): times from
 * `tSampler`, then x_t, the target of `prediction` and weights
 * ({@linkcode trainingTargets}).
 *
 * The times are rounded to float32 first — the network sees float32 t, and
 * x_t and the target are computed at exactly that t — and a t that rounds to
 * 1 becomes 1 − 2⁻²⁴ (at t = 1 several targets are infinite: −ε/σ, and σ̇ε
 * for `vp`, `linear_vp`, `ddpm_*`). Randomness: the times, then the path's
 * noise, from `rng` in that order.
 *
 * @example
 * ```ts
 * const batch = makeTrainBatch(coupling.sample(256, rng), {
 *   path: createPath({ kind: "affine", scheduler: "condot" }),
 *   prediction: "velocity",
 *   tSampler: createTSampler({ kind: "uniform" }),
 *   rng,
 * });
 * ```
 */
export function makeTrainBatch(pairs: PairBatch, options: MakeTrainBatchOptions): TrainBatch {
  const { n } = pairs;
  const t = options.tSampler.sample(n, options.rng);
  for (let i = 0; i < n; i++) {
    const f = Math.fround(t[i]!);
    t[i] = f >= 1 ? LAST_FLOAT32_BELOW_ONE : f;
  }
  const r = trainingTargets(pairs, t, options);
  const batch: TrainBatch = {
    n,
    x: Float32Array.from(r.x),
    t: Float32Array.from(t),
    target: Float32Array.from(r.target),
  };
  if (r.weight) batch.weight = Float32Array.from(r.weight);
  if (pairs.labels) batch.labels = pairs.labels;
  return batch;
}
