/**
 * Schedulers (α_t, σ_t) of affine probability paths `x_t = α_t x1 + σ_t ε`
 * (MATH.md §2), each with its time derivatives and the inverse of its
 * signal-to-noise ratio `ρ(t) = α_t / σ_t`.
 *
 * Time convention (MATH.md §1): t = 0 is the source, t = 1 the data.
 *
 * Boundary values are exact: `σ_1 = 0` is returned as `0`, not as
 * `cos(π/2) ≈ 6e-17`, so that code which tests for a vanishing σ (the
 * end-point clamping of {@linkcode asPrediction}, the oracle) sees it. Where a
 * derivative is infinite at an end (σ̇_1 of `linear_vp`, `vp`, `ddpm_*`;
 * α̇_0 of `polynomial` with n < 1) it is returned as ±Infinity.
 *
 * `snrInverse(ρ)` returns the t in [0, 1] with ρ(t) = ρ; values of ρ below
 * ρ(0) give 0 and above ρ(1) give 1 (only `ve`, `ddpm_*` and `lipman` have a
 * finite range: ρ(0) > 0 or ρ(1) < ∞).
 *
 * @module
 */
import type { Scheduler, ScheduleValue, SourceSpec } from "./types.ts";
import { ddpmCosineScheduler, ddpmLinearScheduler } from "./ddpm.ts";
import { checkTime } from "./_time.ts";

const UNIT_SOURCE: SourceSpec = Object.freeze({ kind: "normal", std: 1 });
const HALF_PI = Math.PI / 2;

function clamp01(t: number): number {
  return t <= 0 ? 0 : t >= 1 ? 1 : t;
}

/**
 * Conditional OT / rectified flow: `α = t`, `σ = 1 − t`, `α̇ = 1`, `σ̇ = −1`;
 * `ρ⁻¹(ρ) = ρ / (1 + ρ)`.
 */
export function condotScheduler(): Scheduler {
  return {
    name: "condot",
    source: UNIT_SOURCE,
    at(t) {
      t = checkTime("condot", t);
      return { alpha: t, sigma: 1 - t, dAlpha: 1, dSigma: -1 };
    },
    snrInverse(rho) {
      if (rho === Infinity) return 1;
      return clamp01(rho / (1 + rho));
    },
  };
}

/**
 * Polynomial: `α = tⁿ`, `σ = 1 − tⁿ`, `α̇ = n tⁿ⁻¹`, `σ̇ = −n tⁿ⁻¹`;
 * `ρ⁻¹(ρ) = (ρ / (1 + ρ))^{1/n}`. `n = 1` is `condot`.
 */
export function polynomialScheduler(n: number): Scheduler {
  const name = `polynomial(n=${n})`;
  return {
    name,
    source: UNIT_SOURCE,
    at(t) {
      t = checkTime(name, t);
      const tn = t ** n;
      const d = n * t ** (n - 1);
      return { alpha: tn, sigma: 1 - tn, dAlpha: d, dSigma: -d };
    },
    snrInverse(rho) {
      if (rho === Infinity) return 1;
      return clamp01((rho / (1 + rho)) ** (1 / n));
    },
  };
}

/**
 * Linear variance-preserving: `α = t`, `σ = √(1 − t²)`, `α̇ = 1`,
 * `σ̇ = −t / √(1 − t²)` (−∞ at t = 1); `ρ⁻¹(ρ) = ρ / √(1 + ρ²)`.
 */
export function linearVpScheduler(): Scheduler {
  return {
    name: "linear_vp",
    source: UNIT_SOURCE,
    at(t) {
      t = checkTime("linear_vp", t);
      const sigma = Math.sqrt((1 - t) * (1 + t));
      return { alpha: t, sigma, dAlpha: 1, dSigma: sigma === 0 ? -Infinity : -t / sigma };
    },
    snrInverse(rho) {
      if (rho === Infinity) return 1;
      return clamp01(rho / Math.hypot(1, rho));
    },
  };
}

/**
 * Cosine: `α = sin(πt/2)`, `σ = sin(π(1 − t)/2)` (= cos(πt/2), exactly 0 at
 * t = 1), `α̇ = (π/2) σ`, `σ̇ = −(π/2) α`; `ρ⁻¹(ρ) = (2/π) atan ρ`.
 */
export function cosineScheduler(): Scheduler {
  return {
    name: "cosine",
    source: UNIT_SOURCE,
    at(t) {
      t = checkTime("cosine", t);
      const alpha = Math.sin(HALF_PI * t);
      const sigma = Math.sin(HALF_PI * (1 - t));
      return { alpha, sigma, dAlpha: HALF_PI * sigma, dSigma: -HALF_PI * alpha };
    },
    snrInverse(rho) {
      return clamp01(Math.atan(rho) / HALF_PI);
    },
  };
}

/**
 * Continuous-time DDPM (Song et al. 2021, variance preserving), in flowlab's
 * time: with `u = 1 − t`, `T(t) = ½ u² (β_max − β_min) + u β_min`,
 * `α = e^{−T/2}`, `σ = √(1 − e^{−T})`, `α̇ = −½ Ṫ α`, `σ̇ = ½ e^{−T} Ṫ / σ`
 * where `Ṫ = −(u (β_max − β_min) + β_min)` (σ̇ = −∞ at t = 1).
 * Inverse: `T = log(1 + 1/ρ²)`, then `u = 2T / (β_min + √(β_min² + 2 (β_max − β_min) T))`.
 */
export function vpScheduler(betaMin: number, betaMax: number): Scheduler {
  const name = `vp(beta_min=${betaMin},beta_max=${betaMax})`;
  const a = betaMax - betaMin;
  const rho0 = Math.exp(-0.5 * (0.5 * a + betaMin)) / Math.sqrt(-Math.expm1(-(0.5 * a + betaMin)));
  return {
    name,
    source: UNIT_SOURCE,
    at(t) {
      t = checkTime(name, t);
      const u = 1 - t;
      const T = 0.5 * u * u * a + u * betaMin;
      const dT = -(u * a + betaMin);
      const alpha = Math.exp(-0.5 * T);
      const sigma = Math.sqrt(Math.max(0, -Math.expm1(-T)));
      const dSigma = sigma === 0 ? -Infinity : (0.5 * alpha * alpha * dT) / sigma;
      return { alpha, sigma, dAlpha: -0.5 * dT * alpha, dSigma };
    },
    snrInverse(rho) {
      if (!(rho > rho0)) return 0;
      if (rho === Infinity) return 1;
      const T = Math.log1p(1 / (rho * rho));
      const u = (2 * T) / (betaMin + Math.sqrt(betaMin * betaMin + 2 * a * T));
      return clamp01(1 - u);
    },
  };
}

/**
 * Variance exploding (Song et al. 2021): `α = 1`, `σ = σ_min^t σ_max^{1−t}`,
 * `α̇ = 0`, `σ̇ = σ log(σ_min / σ_max)`. The path starts near
 * N(x1, σ_max² I) ≈ N(0, σ_max² I), so the source it expects is
 * N(0, σ_max² I) (`source.std = σ_max`). ρ ranges over [1/σ_max, 1/σ_min];
 * `ρ⁻¹(ρ) = log(σ_max ρ) / log(σ_max / σ_min)`.
 */
export function veScheduler(sigmaMin: number, sigmaMax: number): Scheduler {
  const name = `ve(sigma_min=${sigmaMin},sigma_max=${sigmaMax})`;
  const logMin = Math.log(sigmaMin);
  const logMax = Math.log(sigmaMax);
  const logRatio = logMin - logMax;
  return {
    name,
    source: Object.freeze({ kind: "normal", std: sigmaMax }),
    at(t) {
      t = checkTime(name, t);
      const sigma = t === 0 ? sigmaMax : t === 1 ? sigmaMin : Math.exp(t * logMin + (1 - t) * logMax);
      return { alpha: 1, sigma, dAlpha: 0, dSigma: sigma * logRatio };
    },
    snrInverse(rho) {
      return clamp01((logMax + Math.log(rho)) / -logRatio);
    },
  };
}

/**
 * Lipman et al. (2023)'s original path as a scheduler: `α = t`,
 * `σ = 1 − (1 − σ_min) t`, `α̇ = 1`, `σ̇ = −(1 − σ_min)`; σ_1 = σ_min > 0.
 * `ρ⁻¹(ρ) = ρ / (1 + (1 − σ_min) ρ)`. Not in the `path.affine` list
 * (NODES.md): `path.lipman {sigma_min}` uses it.
 */
export function lipmanScheduler(sigmaMin: number): Scheduler {
  const name = `lipman(sigma_min=${sigmaMin})`;
  const c = 1 - sigmaMin;
  return {
    name,
    source: UNIT_SOURCE,
    at(t) {
      t = checkTime(name, t);
      return { alpha: t, sigma: 1 - c * t, dAlpha: 1, dSigma: -c };
    },
    snrInverse(rho) {
      if (rho === Infinity) return 1;
      return clamp01(rho / (1 + c * rho));
    },
  };
}

/** One numeric parameter of a scheduler, for validation and for the graph schema. */
export interface SchedulerParamSpec {
  /** Parameter name as written in configs (snake_case). */
  readonly name: string;
  /** Value when not given. */
  readonly default: number;
  /** Must be an integer. */
  readonly integer?: boolean;
  /** Lower bound. */
  readonly min?: number;
  /** The lower bound itself is excluded. */
  readonly exclusiveMin?: boolean;
  /** Upper bound. */
  readonly max?: number;
  /** The upper bound itself is excluded. */
  readonly exclusiveMax?: boolean;
  /** What it means. */
  readonly description: string;
}

/** A scheduler kind: its name, formula and parameters. */
export interface SchedulerSpec {
  /** Name used by {@linkcode createScheduler} and `path.affine {scheduler}`. */
  readonly name: string;
  /** α_t and σ_t in one line. */
  readonly formula: string;
  /** True for the discrete DDPM schedules (they expose `grid`). */
  readonly discrete: boolean;
  /** Numeric parameters with defaults. */
  readonly params: readonly SchedulerParamSpec[];
}

/**
 * Every scheduler {@linkcode createScheduler} knows, with its parameters and
 * defaults (MATH.md §2). The graph schema of `path.affine` is generated from
 * this list.
 *
 * Defaults not fixed by MATH.md: `ve` uses σ_min = 0.01 (Song et al.) and
 * σ_max = 10 (Song et al.'s rule: about the largest distance between two data
 * points, which is ≲ 10 for the toy sets at their default scale).
 */
export const SCHEDULERS: readonly SchedulerSpec[] = Object.freeze([
  { name: "condot", formula: "α = t, σ = 1 − t", discrete: false, params: [] },
  {
    name: "polynomial",
    formula: "α = tⁿ, σ = 1 − tⁿ",
    discrete: false,
    params: [{ name: "n", default: 2, min: 0, exclusiveMin: true, description: "exponent n > 0" }],
  },
  { name: "linear_vp", formula: "α = t, σ = √(1 − t²)", discrete: false, params: [] },
  { name: "cosine", formula: "α = sin(πt/2), σ = cos(πt/2)", discrete: false, params: [] },
  {
    name: "vp",
    formula: "α = e^{−T/2}, σ = √(1 − e^{−T}), T = ½(1 − t)²(β_max − β_min) + (1 − t)β_min",
    discrete: false,
    params: [
      { name: "beta_min", default: 0.1, min: 0, exclusiveMin: true, description: "β at the data end (t = 1)" },
      {
        name: "beta_max",
        default: 20,
        min: 0,
        exclusiveMin: true,
        description: "β at the noise end (t = 0), ≥ beta_min",
      },
    ],
  },
  {
    name: "ve",
    formula: "α = 1, σ = σ_min^t σ_max^{1−t}; source N(0, σ_max² I)",
    discrete: false,
    params: [
      { name: "sigma_min", default: 0.01, min: 0, exclusiveMin: true, description: "σ at the data end (t = 1)" },
      {
        name: "sigma_max",
        default: 10,
        min: 0,
        exclusiveMin: true,
        description: "σ at the noise end (t = 0), > sigma_min",
      },
    ],
  },
  {
    name: "ddpm_linear",
    formula: "β_k = linspace(β_start, β_end, K), ᾱ_k = Π_{s≤k}(1 − β_s), α = √ᾱ, σ = √(1 − ᾱ) at t = 1 − k/K",
    discrete: true,
    params: [
      { name: "steps", default: 1000, integer: true, min: 1, description: "number of steps K" },
      { name: "beta_start", default: 1e-4, min: 0, exclusiveMin: true, max: 1, exclusiveMax: true, description: "β_1" },
      { name: "beta_end", default: 0.02, min: 0, exclusiveMin: true, max: 1, exclusiveMax: true, description: "β_K" },
    ],
  },
  {
    name: "ddpm_cosine",
    formula: "ᾱ(k) = f(k/K)/f(0), f(u) = cos²((u + s)/(1 + s)·π/2), β_k = min(1 − ᾱ(k)/ᾱ(k−1), 0.999)",
    discrete: true,
    params: [
      { name: "steps", default: 1000, integer: true, min: 1, description: "number of steps K" },
      { name: "s", default: 0.008, min: 0, description: "offset s of Nichol & Dhariwal" },
    ],
  },
] as SchedulerSpec[]);

function describeAllowed(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(", ");
}

function resolveParams(spec: SchedulerSpec, params: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  const known = spec.params.map((p) => p.name);
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) {
      const expected = known.length === 0 ? "it takes no parameters" : `expected ${describeAllowed(known)}`;
      throw new RangeError(`Cannot build scheduler "${spec.name}": unknown parameter "${key}": ${expected}`);
    }
  }
  for (const p of spec.params) {
    const v = params[p.name] ?? p.default;
    const bad = (why: string) =>
      new RangeError(`Cannot build scheduler "${spec.name}": ${p.name} "${v}" ${why}: ${p.description}`);
    if (typeof v !== "number" || !Number.isFinite(v)) throw bad("must be a finite number");
    if (p.integer && !Number.isInteger(v)) throw bad("must be an integer");
    if (p.min !== undefined && (p.exclusiveMin ? !(v > p.min) : !(v >= p.min))) {
      throw bad(p.exclusiveMin ? `must be greater than ${p.min}` : `must be at least ${p.min}`);
    }
    if (p.max !== undefined && (p.exclusiveMax ? !(v < p.max) : !(v <= p.max))) {
      throw bad(p.exclusiveMax ? `must be less than ${p.max}` : `must be at most ${p.max}`);
    }
    out[p.name] = v;
  }
  return out;
}

/**
 * Builds a scheduler by name (MATH.md §2 table): `condot`, `polynomial {n}`,
 * `linear_vp`, `cosine`, `vp {beta_min, beta_max}`, `ve {sigma_min, sigma_max}`,
 * `ddpm_linear {steps, beta_start, beta_end}`, `ddpm_cosine {steps, s}`.
 * Missing parameters take the defaults of {@linkcode SCHEDULERS}.
 *
 * @example
 * ```ts
 * const s = createScheduler("vp", { beta_max: 10 });
 * const { alpha, sigma } = s.at(0.5);
 * s.snrInverse(alpha / sigma); // 0.5
 * ```
 */
export function createScheduler(name: string, params: Record<string, number> = {}): Scheduler {
  const spec = SCHEDULERS.find((s) => s.name === name);
  if (!spec) {
    throw new RangeError(
      `Cannot build scheduler "${name}": unknown name: expected one of ${
        describeAllowed(SCHEDULERS.map((s) => s.name))
      }`,
    );
  }
  const p = resolveParams(spec, params);
  switch (spec.name) {
    case "condot":
      return condotScheduler();
    case "polynomial":
      return polynomialScheduler(p.n!);
    case "linear_vp":
      return linearVpScheduler();
    case "cosine":
      return cosineScheduler();
    case "vp":
      if (!(p.beta_max! >= p.beta_min!)) {
        throw new RangeError(
          `Cannot build scheduler "vp": beta_max "${p.beta_max}" must be at least beta_min "${p.beta_min}"`,
        );
      }
      return vpScheduler(p.beta_min!, p.beta_max!);
    case "ve":
      if (!(p.sigma_max! > p.sigma_min!)) {
        throw new RangeError(
          `Cannot build scheduler "ve": sigma_max "${p.sigma_max}" must be greater than sigma_min "${p.sigma_min}"`,
        );
      }
      return veScheduler(p.sigma_min!, p.sigma_max!);
    case "ddpm_linear":
      return ddpmLinearScheduler({ steps: p.steps!, betaStart: p.beta_start!, betaEnd: p.beta_end! });
    case "ddpm_cosine":
      return ddpmCosineScheduler({ steps: p.steps!, s: p.s! });
    default:
      throw new Error(`Unreachable: scheduler "${spec.name}" has no constructor`);
  }
}

/** `det = α σ̇ − σ α̇` (MATH.md §3): non-zero wherever the predictions determine each other. */
export function scheduleDet(s: ScheduleValue): number {
  return s.alpha * s.dSigma - s.sigma * s.dAlpha;
}
