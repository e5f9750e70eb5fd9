/**
 * Euler–Maruyama on the SDE with the same marginals as the probability-flow
 * ODE (the SDE extension trick, MATH.md §6, seed `003_*` Thm 13).
 *
 * @module
 */
import type { Field, Scheduler } from "../paths/mod.ts";
import type { Rng } from "../random/mod.ts";
import { checkBatch } from "./_batch.ts";
import { Converter } from "./_convert.ts";
import { type Interpolant, TrajectoryRecorder } from "./_recorder.ts";
import { timeGrid } from "./fixed_step.ts";
import type { SamplerResult, SaveAt } from "./types.ts";

/** A diffusion coefficient g(t) ≥ 0: a constant or a function of t. */
export type Diffusion = number | ((t: number) => number);

/** Options of {@linkcode sampleSde}. */
export interface SampleSdeOptions {
  /** Number of points in `x0`. */
  n: number;
  /** The scheduler of the path the field's prediction refers to (for the score). */
  scheduler: Scheduler;
  /** Diffusion coefficient g(t) ≥ 0 (0: the probability-flow ODE with Euler steps). */
  g: Diffusion;
  /** Number of uniform steps from t0 to t1 (or give `grid`). */
  steps?: number;
  /** An explicit increasing time grid (replaces steps, t0, t1). */
  grid?: readonly number[];
  /** Start time (default 0). */
  t0?: number;
  /** End time (default 1, must exceed t0). */
  t1?: number;
  /** The noise stream. */
  rng: Rng;
  /** Class label per point for a label-conditioned field (−1: unconditional). */
  labels?: Int32Array;
  /** Save states at these times (linear interpolation inside a step) or at every step. */
  saveAt?: SaveAt;
  /** Distance kept from an end of [0, 1] where the score conversion is singular (default 1e-3). */
  tEps?: number;
}

/** Returns g as a function, checking a constant is ≥ 0. */
export function diffusionAt(g: Diffusion): (t: number) => number {
  if (typeof g === "function") return g;
  if (!(g >= 0) || !Number.isFinite(g)) {
    throw new RangeError(`Cannot use the diffusion coefficient g "${g}": it must be a finite number ≥ 0`);
  }
  return () => g;
}

/**
 * Samples with Euler–Maruyama on
 *
 *     dX = [v(X, t) + g(t)²/2 · s(X, t)] dt + g(t) dW,
 *
 * whose marginals equal those of `dx/dt = v` for every g ≥ 0. The velocity v
 * and the score s both come from the field's prediction p by the conversions
 * of MATH.md §3 under `scheduler` (`v = A_v p + B_v x`, `s = A_s p + B_s x`,
 * e.g. from a velocity: `s = −(α v − α̇ x)/(σ · det)`), so one field call per
 * step. On the grid t_0 < … < t_N, with h_k = t_{k+1} − t_k and z ~ N(0, I):
 *
 *     x_{k+1} = x_k + h_k [v + g²/2 · s](x_k, t_k) + g(t_k) √h_k z_k,
 *
 * with no noise on the last step (z_{N−1} = 0), so the result is the
 * denoised mean of the final step. `g ≡ 0` gives exactly the Euler ODE
 * sampler. The score is never evaluated at t = 1 (left end points only).
 *
 * @example
 * ```ts
 * const r = sampleSde(model, x0, { n, scheduler: createScheduler("condot"), g: 0.5, steps: 200, rng });
 * ```
 */
export function sampleSde(field: Field, x0: Float64Array, options: SampleSdeOptions): SamplerResult {
  const { n, labels, rng } = options;
  const dim = field.dim;
  checkBatch(x0, n, dim, labels);
  const g = diffusionAt(options.g);
  const grid = timeGrid(options);
  if (grid[grid.length - 1]! < grid[0]!) {
    throw new RangeError(`Cannot run the SDE backward from t0 "${grid[0]}": give an increasing time grid`);
  }
  const drift = new Converter(field, options.scheduler, ["velocity", "score"], options.tEps);
  const L = n * dim;
  let x = x0.slice();
  let next = new Float64Array(L);
  const p = new Float64Array(L), z = new Float64Array(L);
  const recorder = new TrajectoryRecorder(L, options.saveAt, grid[0]!, grid[grid.length - 1]!);
  let tA = grid[0]!, tB = tA, prev = x;
  const linear: Interpolant = (t, out) => {
    const w = (t - tA) / (tB - tA);
    for (let i = 0; i < L; i++) out[i] = prev[i]! + w * (next[i]! - prev[i]!);
  };
  recorder.start(tA, x);
  const N = grid.length - 1;
  for (let k = 0; k < N; k++) {
    tB = grid[k + 1]!;
    const h = tB - tA;
    const gt = g(tA);
    if (!(gt >= 0) || !Number.isFinite(gt)) {
      throw new RangeError(`Cannot use the diffusion coefficient g(${tA}) "${gt}": it must be a finite number ≥ 0`);
    }
    const c = drift.at(tA);
    const v = c.coefficients[0]!, s = c.coefficients[1]!;
    const half = 0.5 * gt * gt;
    // drift = (A_v + g²/2 A_s) p + (B_v + g²/2 B_s) x; skip the score when g = 0 (exact Euler)
    const a = half === 0 ? v.scale : v.scale + half * s.scale;
    const b = half === 0 ? v.shift : v.shift + half * s.shift;
    field.evaluate(x, n, c.t, p, labels);
    if (k < N - 1 && gt > 0) {
      rng.fillNormal(z);
      const noise = gt * Math.sqrt(h);
      for (let i = 0; i < L; i++) next[i] = x[i]! + h * (a * p[i]! + b * x[i]!) + noise * z[i]!;
    } else {
      for (let i = 0; i < L; i++) next[i] = x[i]! + h * (a * p[i]! + b * x[i]!);
    }
    prev = x;
    recorder.step(tB, next, linear);
    const swap = x;
    x = next;
    next = swap;
    tA = tB;
  }
  const saved = recorder.result();
  return { x, nfe: N, ...(saved ? { trajectory: { ...saved, n, dim } } : {}) };
}
