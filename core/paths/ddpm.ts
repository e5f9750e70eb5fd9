/**
 * Discrete DDPM schedules (Ho et al. 2020 linear, Nichol & Dhariwal 2021
 * cosine) with diffusers' definitions, and their continuous extension to
 * t ∈ [0, 1].
 *
 * Grid: steps k = 1 … K (k = K noisiest), `β_k` and
 * `ᾱ_k = Π_{s≤k} (1 − β_s)`, stored at index k − 1 (`grid`). Step k sits at
 * `t_k = 1 − k/K` (MATH.md §1), so `t = 0` is k = K and `t = 1` is k = 0.
 *
 * Between grid points (and to define the ends) `log ᾱ` is interpolated
 * linearly in t through the points (t_k, log ᾱ_k), k = 0 … K, with
 * **ᾱ_0 = 1 at t = 1** (k = 0: no noise, α = 1, σ = 0, like every other
 * scheduler) and **ᾱ_K at t = 0** (k = K, the grid's noisiest step: α_0 =
 * √ᾱ_K is small but not 0 — 6.4e-3 for the default linear schedule, 4.9e-5
 * for the cosine one — so these schedules do not quite reach pure noise, as
 * in DDPM itself). Then `α = exp(L/2)`, `σ = √(1 − e^L)` with L the
 * interpolated log ᾱ; `α̇ = ½ L̇ α`, `σ̇ = −½ L̇ α² / σ`. L̇ is constant on
 * each segment; at a grid point t_k the segment above it (toward the data,
 * the direction samplers integrate) is used, and at t = 1 the last segment.
 *
 * @module
 */
import { checkTime } from "./_time.ts";
import type { DiscreteGrid, Scheduler, ScheduleValue, SourceSpec } from "./types.ts";

const UNIT_SOURCE: SourceSpec = Object.freeze({ kind: "normal", std: 1 });

/** Options of {@linkcode ddpmLinearScheduler}. */
export interface DdpmLinearOptions {
  /** Number of steps K. */
  steps: number;
  /** β_1. */
  betaStart: number;
  /** β_K. */
  betaEnd: number;
}

/** Options of {@linkcode ddpmCosineScheduler}. */
export interface DdpmCosineOptions {
  /** Number of steps K. */
  steps: number;
  /** Offset s (default 0.008). */
  s?: number;
  /** Cap on β_k (default 0.999, as diffusers). */
  maxBeta?: number;
}

/** `β_k = β_start + (k − 1)(β_end − β_start)/(K − 1)` (NumPy's linspace; diffusers' "linear"). */
export function linearBetas(steps: number, betaStart: number, betaEnd: number): Float64Array {
  const beta = new Float64Array(steps);
  if (steps === 1) {
    beta[0] = betaStart;
    return beta;
  }
  const step = (betaEnd - betaStart) / (steps - 1);
  for (let i = 0; i < steps; i++) beta[i] = betaStart + i * step;
  beta[steps - 1] = betaEnd;
  return beta;
}

/**
 * `β_k = min(1 − f(k/K)/f((k − 1)/K), maxBeta)` with
 * `f(u) = cos²((u + s)/(1 + s) · π/2)` (diffusers' "squaredcos_cap_v2").
 */
export function cosineBetas(steps: number, s = 0.008, maxBeta = 0.999): Float64Array {
  const f = (u: number) => Math.cos(((u + s) / (1 + s)) * (Math.PI / 2)) ** 2;
  const beta = new Float64Array(steps);
  for (let i = 0; i < steps; i++) beta[i] = Math.min(1 - f((i + 1) / steps) / f(i / steps), maxBeta);
  return beta;
}

/** The grid `(β_k, ᾱ_k)` of given betas: `ᾱ_k = Π_{s≤k}(1 − β_s)` (running product, as NumPy's cumprod). */
export function ddpmGrid(beta: Float64Array): DiscreteGrid {
  const alphaBar = new Float64Array(beta.length);
  let prod = 1;
  for (let i = 0; i < beta.length; i++) {
    prod *= 1 - beta[i]!;
    alphaBar[i] = prod;
  }
  return Object.freeze({ K: beta.length, beta, alphaBar });
}

function checkSteps(name: string, steps: number): void {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new RangeError(`Cannot build scheduler "${name}": steps "${steps}" must be a positive integer`);
  }
}

/** `ddpm_linear {steps, beta_start, beta_end}`: diffusers' linear betas on the continuous axis. */
export function ddpmLinearScheduler(options: DdpmLinearOptions): Scheduler {
  const { steps, betaStart, betaEnd } = options;
  checkSteps("ddpm_linear", steps);
  for (const [key, v] of [["beta_start", betaStart], ["beta_end", betaEnd]] as const) {
    if (!(v > 0 && v < 1)) {
      throw new RangeError(`Cannot build scheduler "ddpm_linear": ${key} "${v}" must lie in (0, 1)`);
    }
  }
  const name = `ddpm_linear(steps=${steps},beta_start=${betaStart},beta_end=${betaEnd})`;
  return discreteScheduler(name, ddpmGrid(linearBetas(steps, betaStart, betaEnd)));
}

/** `ddpm_cosine {steps, s}`: Nichol & Dhariwal's cosine betas (capped at 0.999) on the continuous axis. */
export function ddpmCosineScheduler(options: DdpmCosineOptions): Scheduler {
  const { steps } = options;
  const s = options.s ?? 0.008;
  const maxBeta = options.maxBeta ?? 0.999;
  checkSteps("ddpm_cosine", steps);
  if (!(s >= 0 && Number.isFinite(s))) {
    throw new RangeError(`Cannot build scheduler "ddpm_cosine": s "${s}" must be a non-negative number`);
  }
  if (!(maxBeta > 0 && maxBeta < 1)) {
    throw new RangeError(`Cannot build scheduler "ddpm_cosine": max_beta "${maxBeta}" must lie in (0, 1)`);
  }
  return discreteScheduler(`ddpm_cosine(steps=${steps},s=${s})`, ddpmGrid(cosineBetas(steps, s, maxBeta)));
}

/**
 * A scheduler from any discrete grid (see the module doc for the
 * interpolation of log ᾱ and the meaning of t = 0 and t = 1).
 */
export function discreteScheduler(name: string, grid: DiscreteGrid): Scheduler {
  const K = grid.K;
  // logBar[k] = log ᾱ_k for k = 0 … K, with ᾱ_0 = 1.
  const logBar = new Float64Array(K + 1);
  for (let k = 1; k <= K; k++) {
    logBar[k] = Math.log(grid.alphaBar[k - 1]!);
    if (!(logBar[k]! < logBar[k - 1]!)) {
      throw new RangeError(
        `Cannot build scheduler "${name}": ᾱ must decrease strictly, ᾱ_${k} "${grid.alphaBar[k - 1]}"`,
      );
    }
  }
  const rho0 = Math.sqrt(grid.alphaBar[K - 1]! / (1 - grid.alphaBar[K - 1]!));
  return {
    name,
    source: UNIT_SOURCE,
    grid,
    at(t: number): ScheduleValue {
      t = checkTime(name, t);
      let u = K * (1 - t); // continuous step index, 0 at t = 1, K at t = 0
      const r = Math.round(u);
      if (Math.abs(u - r) <= 64 * Number.EPSILON * K) u = r; // rounding of t = 1 − k/K
      // Segment [k0 − 1, k0] in steps (toward the data); k0 ≥ 1.
      const k0 = Math.min(K, Math.max(1, Math.ceil(u)));
      const lo = logBar[k0 - 1]!;
      const hi = logBar[k0]!;
      const frac = u - (k0 - 1);
      const L = frac === 0 ? lo : frac === 1 ? hi : lo + frac * (hi - lo);
      const dL = K * (lo - hi); // dL/dt = −K · dL/du
      const alpha = Math.exp(0.5 * L);
      const sigma = Math.sqrt(Math.max(0, -Math.expm1(L))); // max(0, −0) = +0 at t = 1
      const dSigma = sigma === 0 ? -Infinity : (-0.5 * dL * alpha * alpha) / sigma;
      return { alpha, sigma, dAlpha: 0.5 * dL * alpha, dSigma };
    },
    snrInverse(rho: number): number {
      if (!(rho > rho0)) return 0;
      if (rho === Infinity) return 1;
      const L = -Math.log1p(1 / (rho * rho)); // log ᾱ with ᾱ/(1 − ᾱ) = ρ²
      // Largest k with logBar[k] ≥ L (logBar decreases; logBar[0] = 0 ≥ L > logBar[K]).
      let a = 0;
      let b = K;
      while (b - a > 1) {
        const mid = (a + b) >> 1;
        if (logBar[mid]! >= L) a = mid;
        else b = mid;
      }
      const u = a + (logBar[a]! - L) / (logBar[a]! - logBar[a + 1]!);
      const t = 1 - u / K;
      return t <= 0 ? 0 : t >= 1 ? 1 : t;
    },
  };
}
