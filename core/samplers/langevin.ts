/**
 * Langevin dynamics for a density with a known score (MATH.md §6, seed
 * `003_*` Remark 16).
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";
import { checkBatch } from "./_batch.ts";
import { type Interpolant, TrajectoryRecorder } from "./_recorder.ts";
import { type Diffusion, diffusionAt } from "./sde.ts";
import type { SamplerResult, SaveAt } from "./types.ts";

/** A score ∇log p evaluated at n points: writes n × dim values into `out`. */
export type ScoreFunction = (x: Float64Array, n: number, out: Float64Array) => void;

/** Options of {@linkcode sampleLangevin}. */
export interface SampleLangevinOptions {
  /** Number of points in `x0`. */
  n: number;
  /** Dimension of each point. */
  dim: number;
  /** Diffusion coefficient g > 0 (constant, or a function of the chain's time t = k·dt). */
  g: Diffusion;
  /** Number of steps. */
  steps: number;
  /** Time step dt > 0. */
  dt: number;
  /** The noise stream. */
  rng: Rng;
  /** Save states at these chain times t ∈ [0, steps·dt] (linear inside a step) or after every step. */
  saveAt?: SaveAt;
}

/**
 * Unadjusted Langevin dynamics, Euler–Maruyama on
 * `dX = g²/2 · ∇log p(X) dt + g dW`, whose stationary law is p:
 *
 *     x_{k+1} = x_k + (g²/2) dt · ∇log p(x_k) + g √dt · z_k,   z_k ~ N(0, I)
 *
 * (every step is noisy: the chain samples p, it does not end at a mean). Its
 * law is p up to a discretisation bias of order g² dt (for N(μ, s² I) the
 * chain's variance is s² / (1 − g² dt / (4 s²))). `steps` score calls.
 *
 * @example
 * ```ts
 * const mix = mixture({ means: [[-2, 0], [2, 0]], std: 0.5 });
 * const r = sampleLangevin((x, n, out) => mix.score!(x, n, out), x0, { n, dim: 2, g: 1, steps: 2000, dt: 0.01, rng });
 * ```
 */
export function sampleLangevin(score: ScoreFunction, x0: Float64Array, options: SampleLangevinOptions): SamplerResult {
  const { n, dim, steps, dt, rng } = options;
  checkBatch(x0, n, dim);
  if (!Number.isInteger(steps) || steps < 1) {
    throw new RangeError(`Cannot run Langevin dynamics for steps "${steps}": give a positive integer`);
  }
  if (!(dt > 0) || !Number.isFinite(dt)) {
    throw new RangeError(`Cannot run Langevin dynamics with dt "${dt}": it must be positive`);
  }
  const g = diffusionAt(options.g);
  const L = n * dim;
  let x = x0.slice();
  let next = new Float64Array(L);
  const s = new Float64Array(L), z = new Float64Array(L);
  const recorder = new TrajectoryRecorder(L, options.saveAt, 0, steps * dt);
  let tA = 0, tB = 0, prev = x;
  const linear: Interpolant = (t, out) => {
    const w = (t - tA) / (tB - tA);
    for (let i = 0; i < L; i++) out[i] = prev[i]! + w * (next[i]! - prev[i]!);
  };
  recorder.start(0, x);
  for (let k = 0; k < steps; k++) {
    tA = k * dt;
    tB = (k + 1) * dt;
    const gt = g(tA);
    if (!(gt >= 0) || !Number.isFinite(gt)) {
      throw new RangeError(`Cannot use the diffusion coefficient g(${tA}) "${gt}": it must be a finite number ≥ 0`);
    }
    score(x, n, s);
    rng.fillNormal(z);
    const drift = 0.5 * gt * gt * dt, noise = gt * Math.sqrt(dt);
    for (let i = 0; i < L; i++) next[i] = x[i]! + drift * s[i]! + noise * z[i]!;
    prev = x;
    recorder.step(tB, next, linear);
    const swap = x;
    x = next;
    next = swap;
  }
  const saved = recorder.result();
  return { x, nfe: steps, ...(saved ? { trajectory: { ...saved, n, dim } } : {}) };
}
