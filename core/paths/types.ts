/**
 * The types shared by paths, samplers, models and the oracle.
 *
 * Time convention (MATH.md §1): t ∈ [0, 1], t = 0 is the source, t = 1 the data.
 *
 * @module
 */

/** α_t, σ_t and their time derivatives at one t (MATH.md §2). */
export interface ScheduleValue {
  /** α_t, the data coefficient. */
  alpha: number;
  /** σ_t, the source coefficient. */
  sigma: number;
  /** dα/dt. */
  dAlpha: number;
  /** dσ/dt. */
  dSigma: number;
}

/** The source distribution a path expects: N(0, std² I). */
export interface SourceSpec {
  kind: "normal";
  std: number;
}

/** The exact grid of a discrete DDPM schedule (k = 1 … K, k = K noisiest). */
export interface DiscreteGrid {
  /** Number of steps K. */
  K: number;
  /** β_k at index k − 1. */
  beta: Float64Array;
  /** ᾱ_k = Π_{s≤k}(1 − β_s) at index k − 1. */
  alphaBar: Float64Array;
}

/**
 * A scheduler (α_t, σ_t) of an affine path x_t = α_t x1 + σ_t x0.
 *
 * `snrInverse(ρ)` returns the t with α_t / σ_t = ρ (MATH.md §7).
 */
export interface Scheduler {
  /** Canonical name with parameters, e.g. `condot`, `vp(0.1,20)`. */
  readonly name: string;
  /** α, σ and derivatives at t. */
  at(t: number): ScheduleValue;
  /** Inverse of the signal-to-noise ratio ρ(t) = α_t / σ_t. */
  snrInverse(rho: number): number;
  /** The source the path expects (N(0, I) except VE: N(0, σ_max² I)). */
  readonly source: SourceSpec;
  /** For discrete schedules (ddpm_linear, ddpm_cosine): the exact grid. */
  readonly grid?: DiscreteGrid;
}

/** What a network (or the oracle) predicts at (x, t) (MATH.md §3). */
export type Prediction = "velocity" | "x1" | "epsilon" | "score" | "v_diffusion";

/**
 * A function of (x, t) evaluated on a batch of points at one time: a trained
 * model, the oracle, or a closed-form field. `evaluate` writes
 * `out[i·dim + j] = f(x_i, t)_j` for i < n; `labels[i] = −1` asks for the
 * unconditional output of a label-conditioned field.
 */
export interface Field {
  /** Dimension of x and of the output. */
  readonly dim: number;
  /** What `evaluate` returns. */
  readonly prediction: Prediction;
  /** Number of classes of a label-conditioned field. */
  readonly classes?: number;
  /** Evaluates the field at `n` points `x` (row-major) and time `t`. */
  evaluate(x: Float64Array, n: number, t: number, out: Float64Array, labels?: Int32Array): void;
  /**
   * Optional forward-mode Jacobian–vector product: `jv[i] = (∂f/∂x)(x_i, t) · v_i`
   * (also writes f to `out`). Used for exact divergences and Hutchinson probes.
   */
  jvp?(
    x: Float64Array,
    n: number,
    t: number,
    v: Float64Array,
    out: Float64Array,
    jv: Float64Array,
    labels?: Int32Array,
  ): void;
}
