/**
 * DDIM (Song, Meng & Ermon 2021) for any affine scheduler, with η ∈ [0, 1]
 * (MATH.md §6).
 *
 * @module
 */
import type { Field, Scheduler } from "../paths/mod.ts";
import type { Rng } from "../random/mod.ts";
import { checkBatch } from "./_batch.ts";
import { Converter } from "./_convert.ts";
import { type Interpolant, TrajectoryRecorder } from "./_recorder.ts";
import type { SamplerResult, SaveAt } from "./types.ts";

/** Options of {@linkcode sampleDdim}. */
export interface SampleDdimOptions {
  /** Number of points in `xK`. */
  n: number;
  /** The scheduler of the path the field's prediction refers to. */
  scheduler: Scheduler;
  /** Number of steps S (field calls); ignored when `times` is given. */
  steps?: number;
  /** η ∈ [0, 1]: 0 deterministic, 1 the DDPM posterior variance. */
  eta: number;
  /** The noise stream (needed when η > 0). */
  rng?: Rng;
  /** Class label per point for a label-conditioned field (−1: unconditional). */
  labels?: Int32Array;
  /** Explicit increasing times t_0 < … < t_S = 1 (replaces `steps`). */
  times?: readonly number[];
  /** Save states at these times (exact on the step times, linear in between) or after every step. */
  saveAt?: SaveAt;
  /** Distance kept from an end of [0, 1] where a conversion is singular (default 1e-3). */
  tEps?: number;
}

/**
 * The DDIM times t_0 < … < t_S = 1. With a discrete grid (K steps): the
 * sub-grid k_i = round(i·K/S), i = S, …, 1, at t = 1 − k_i/K, then t = 1
 * (ᾱ = 1, the clean end); so S = K is the full grid. Without one:
 * t_i = i/S. Explicit `times` must be strictly increasing, end at 1 and lie in
 * [0, 1].
 */
export function ddimTimes(scheduler: Scheduler, options: { steps?: number; times?: readonly number[] }): Float64Array {
  if (options.times !== undefined) {
    const t = Float64Array.from(options.times);
    const ok = t.length >= 2 && t[0]! >= 0 && t[t.length - 1] === 1 &&
      t.every((v, i) => i === 0 || v > t[i - 1]!);
    if (!ok) {
      throw new RangeError(
        `Cannot run DDIM on times [${
          Array.from(t).join(", ")
        }]: they must increase strictly within [0, 1] and end at 1`,
      );
    }
    return t;
  }
  const S = options.steps;
  if (S === undefined || !Number.isInteger(S) || S < 1) {
    throw new RangeError(`Cannot run DDIM with steps "${S}": give a positive integer (or explicit times)`);
  }
  const grid = scheduler.grid;
  const t = new Float64Array(S + 1);
  if (grid) {
    if (S > grid.K) {
      throw new RangeError(`Cannot run DDIM with steps "${S}" on a ${grid.K}-step grid: use at most ${grid.K} steps`);
    }
    for (let i = S; i >= 1; i--) t[S - i] = 1 - Math.round((i * grid.K) / S) / grid.K;
  } else {
    for (let i = 0; i < S; i++) t[i] = i / S;
  }
  t[S] = 1;
  return t;
}

/**
 * DDIM from `xK` at t_0 (noise) to t_S = 1 (data). Each step from t to the
 * cleaner s > t, with (x̂1, ε̂) the field's prediction converted under the
 * scheduler at t (MATH.md §3) and ρ = α/σ:
 *
 *     c   = η · σ_s · √(1 − (ρ_t/ρ_s)²)               (c = 0 when σ_s = 0)
 *     x_s = α_s x̂1 + √(σ_s² − c²) · ε̂ + c z,           z ~ N(0, I)
 *
 * c² is η² times the variance of the posterior q(x_s | x_t, x1) of the
 * affine path (for a variance-preserving one: DDIM's
 * σ² = η² (1 − ᾱ_s)/(1 − ᾱ_t) (1 − ᾱ_t/ᾱ_s)). η = 0 is deterministic and
 * equals one Euler step of `d(x/σ)/d(α/σ) = x̂1`:
 * `x_s/σ_s = x_t/σ_t + (ρ_s − ρ_t) x̂1`; η = 1 on the full discrete grid is
 * DDPM ancestral sampling with the posterior variance β̃. The last step (to
 * σ = 0) returns x̂1 and draws no noise.
 *
 * On a discrete scheduler α and σ at grid times come from the grid
 * (α = √ᾱ_k, σ = √(1 − ᾱ_k)); otherwise from `scheduler.at(t)`. S field calls.
 *
 * @example
 * ```ts
 * const r = sampleDdim(model, x0, { n, scheduler: createScheduler("cosine"), steps: 20, eta: 0 });
 * ```
 */
export function sampleDdim(field: Field, xK: Float64Array, options: SampleDdimOptions): SamplerResult {
  const { n, labels, eta } = options;
  const dim = field.dim;
  checkBatch(xK, n, dim, labels);
  if (!(eta >= 0 && eta <= 1)) throw new RangeError(`Cannot run DDIM with eta "${eta}": it must lie in [0, 1]`);
  if (eta > 0 && !options.rng) throw new RangeError(`Cannot run DDIM with eta "${eta}" > 0 without an rng`);
  const { scheduler } = options;
  const times = ddimTimes(scheduler, options);
  const grid = scheduler.grid;
  // α and σ at a step time: exact grid values on a discrete schedule
  const ab = (t: number): [number, number] => {
    if (grid) {
      const k = Math.round((1 - t) * grid.K);
      if (Math.abs(1 - k / grid.K - t) < 1e-12) {
        const a = k === 0 ? 1 : grid.alphaBar[k - 1]!;
        return [Math.sqrt(a), Math.sqrt(1 - a)];
      }
    }
    const s = scheduler.at(t);
    return [s.alpha, s.sigma];
  };
  const conv = new Converter(field, scheduler, ["x1", "epsilon"], options.tEps);
  const L = n * dim;
  let x = xK.slice();
  let next = new Float64Array(L);
  const p = new Float64Array(L), z = new Float64Array(L);
  const S = times.length - 1;
  const recorder = new TrajectoryRecorder(L, options.saveAt, times[0]!, 1);
  let tA = times[0]!, tB = tA, prev = x;
  const linear: Interpolant = (t, out) => {
    const w = (t - tA) / (tB - tA);
    for (let i = 0; i < L; i++) out[i] = prev[i]! + w * (next[i]! - prev[i]!);
  };
  recorder.start(tA, x);
  for (let i = 0; i < S; i++) {
    tB = times[i + 1]!;
    const [alphaT, sigmaT] = ab(tA);
    const [alphaS, sigmaS] = ab(tB);
    const conversion = conv.at(tA);
    const x1c = conversion.coefficients[0]!, epc = conversion.coefficients[1]!;
    field.evaluate(x, n, conversion.t, p, labels);
    let c = 0;
    if (eta > 0 && sigmaS > 0) {
      // ρ_t/ρ_s = α_t σ_s / (σ_t α_s)
      const ratio = (alphaT * sigmaS) / (sigmaT * alphaS);
      c = eta * sigmaS * Math.sqrt(Math.max(0, 1 - ratio * ratio));
    }
    const k = Math.sqrt(Math.max(0, sigmaS * sigmaS - c * c));
    // x_s = α_s (a1 p + b1 x) + k (a2 p + b2 x) + c z
    const ap = alphaS * x1c.scale + (k === 0 ? 0 : k * epc.scale);
    const ax = alphaS * x1c.shift + (k === 0 ? 0 : k * epc.shift);
    if (c > 0) {
      options.rng!.fillNormal(z);
      for (let j = 0; j < L; j++) next[j] = ap * p[j]! + ax * x[j]! + c * z[j]!;
    } else {
      for (let j = 0; j < L; j++) next[j] = ap * p[j]! + ax * x[j]!;
    }
    prev = x;
    recorder.step(tB, next, linear);
    const swap = x;
    x = next;
    next = swap;
    tA = tB;
  }
  const saved = recorder.result();
  return { x, nfe: S, ...(saved ? { trajectory: { ...saved, n, dim } } : {}) };
}
