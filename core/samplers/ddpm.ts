/**
 * DDPM ancestral sampling on a discrete schedule (Ho et al. 2020; MATH.md §6).
 *
 * @module
 */
import type { DiscreteGrid, Field, Scheduler } from "../paths/mod.ts";
import type { Rng } from "../random/mod.ts";
import { checkBatch } from "./_batch.ts";
import { Converter } from "./_convert.ts";
import { type Interpolant, TrajectoryRecorder } from "./_recorder.ts";
import type { SamplerResult, SaveAt } from "./types.ts";

/** The variance of the ancestral step: β_k, or the posterior β̃_k. */
export type DdpmVariance = "beta" | "posterior";

/** Options of {@linkcode sampleDdpm}. */
export interface SampleDdpmOptions {
  /** Number of points in `xK`. */
  n: number;
  /** A discrete scheduler (`ddpm_linear`, `ddpm_cosine`): its `grid` gives β_k and ᾱ_k. */
  scheduler: Scheduler;
  /** `beta`: σ_k² = β_k; `posterior`: σ_k² = β̃_k = β_k (1 − ᾱ_{k−1})/(1 − ᾱ_k). */
  variance: DdpmVariance;
  /** The noise stream. */
  rng: Rng;
  /** Class label per point for a label-conditioned field (−1: unconditional). */
  labels?: Int32Array;
  /** Save states at these times (grid times t_k = 1 − k/K exactly, linear in between) or after every step. */
  saveAt?: SaveAt;
}

/** The grid of a discrete scheduler, or a clear error. */
export function discreteGridOf(scheduler: Scheduler, sampler: string): DiscreteGrid {
  const grid = scheduler.grid;
  if (!grid) {
    throw new RangeError(
      `Cannot run ${sampler} under scheduler "${scheduler.name}": it has no discrete grid; use "ddpm_linear" or "ddpm_cosine"`,
    );
  }
  return grid;
}

/**
 * Ancestral sampling from `xK` (the noise at step k = K, t = 0) down the
 * grid k = K, …, 1 (t_k = 1 − k/K):
 *
 *     x_{k−1} = (x_k − β_k/√(1 − ᾱ_k) · ε̂(x_k, t_k)) / √(1 − β_k) + σ_k z,
 *
 * `σ_k² = β_k` (`variance: "beta"`) or `β̃_k = β_k (1 − ᾱ_{k−1})/(1 − ᾱ_k)`
 * (`"posterior"`, ᾱ_0 = 1), z ~ N(0, I), and no noise on the last step
 * (k = 1). The field may predict anything: ε̂ comes from its prediction by the
 * conversions of MATH.md §3 with `scheduler.at(t_k)`. K field calls.
 *
 * @example
 * ```ts
 * const s = createScheduler("ddpm_linear", { steps: 1000 });
 * const r = sampleDdpm(epsModel, xK, { n, scheduler: s, variance: "posterior", rng });
 * ```
 */
export function sampleDdpm(field: Field, xK: Float64Array, options: SampleDdpmOptions): SamplerResult {
  const { n, labels, rng, variance } = options;
  const dim = field.dim;
  checkBatch(xK, n, dim, labels);
  if (variance !== "beta" && variance !== "posterior") {
    throw new RangeError(`Cannot run DDPM with variance "${variance}": expected "beta" or "posterior"`);
  }
  const { K, beta, alphaBar } = discreteGridOf(options.scheduler, "DDPM");
  const toEps = new Converter(field, options.scheduler, ["epsilon"]);
  const L = n * dim;
  let x = xK.slice();
  let next = new Float64Array(L);
  const p = new Float64Array(L), z = new Float64Array(L);
  const recorder = new TrajectoryRecorder(L, options.saveAt, 0, 1);
  let tA = 0, tB = 0, prev = x;
  const linear: Interpolant = (t, out) => {
    const w = (t - tA) / (tB - tA);
    for (let i = 0; i < L; i++) out[i] = prev[i]! + w * (next[i]! - prev[i]!);
  };
  recorder.start(0, x);
  for (let k = K; k >= 1; k--) {
    tA = (K - k) / K;
    tB = k === 1 ? 1 : (K - k + 1) / K;
    const bk = beta[k - 1]!, ab = alphaBar[k - 1]!, abPrev = k === 1 ? 1 : alphaBar[k - 2]!;
    const c = toEps.at(tA);
    const { scale, shift } = c.coefficients[0]!;
    field.evaluate(x, n, c.t, p, labels);
    // x' = c1 x + c2 ε̂ with ε̂ = scale p + shift x
    const c1 = 1 / Math.sqrt(1 - bk), c2 = -bk / (Math.sqrt(1 - ab) * Math.sqrt(1 - bk));
    const ax = c1 + c2 * shift, ap = c2 * scale;
    const sd = k === 1 ? 0 : Math.sqrt(variance === "beta" ? bk : bk * (1 - abPrev) / (1 - ab));
    if (sd > 0) {
      rng.fillNormal(z);
      for (let i = 0; i < L; i++) next[i] = ax * x[i]! + ap * p[i]! + sd * z[i]!;
    } else {
      for (let i = 0; i < L; i++) next[i] = ax * x[i]! + ap * p[i]!;
    }
    prev = x;
    recorder.step(tB, next, linear);
    const swap = x;
    x = next;
    next = swap;
  }
  const saved = recorder.result();
  return { x, nfe: K, ...(saved ? { trajectory: { ...saved, n, dim } } : {}) };
}
