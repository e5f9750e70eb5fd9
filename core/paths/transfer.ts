/**
 * Schedule transfer (MATH.md §7, seed `004_*` §4.9): a velocity field trained
 * under one scheduler (α, σ) used to sample under another (ᾱ, σ̄), without
 * retraining.
 *
 * Two affine paths with the same signal-to-noise ratio at times t and r are
 * the same path up to a scale: `X̄_r = s_r X_{t_r}` with
 *
 *     t_r = ρ⁻¹(ρ̄(r)),     s_r = σ̄_r / σ_{t_r} = ᾱ_r / α_{t_r},
 *     ū_r(x) = (ṡ_r / s_r) x + s_r ṫ_r u_{t_r}(x / s_r).
 *
 * Differentiating ρ(t_r) = ρ̄(r) with ρ̇ = −det/σ² (det = α σ̇ − σ α̇) gives
 *
 *     ṫ_r = d̄et_r / (s_r² det_{t_r}),
 *     ṡ_r / s_r = σ̄̇_r/σ̄_r − ṫ_r σ̇_{t_r}/σ_{t_r}  (= ᾱ̇_r/ᾱ_r − ṫ_r α̇_{t_r}/α_{t_r}).
 *
 * The σ form is used where σ̄_r ≥ ᾱ_r and the α form elsewhere, so that
 * neither divides by a vanishing coefficient (σ̄ → 0 at r = 1, ᾱ → 0 at
 * r = 0). Solving the new ODE from the same x0 then ends at the same point as
 * the old one: `ψ̄_1(x0) = ψ_1(x0)`.
 *
 * @module
 */
import { asPrediction, clampTime, DEFAULT_T_EPS, singularEndClamp } from "./conversions.ts";
import type { Field, Scheduler } from "./types.ts";

/** The quantities of the time change at one r (see the module doc). */
export interface TransferCoefficients {
  /** t_r = ρ⁻¹(ρ̄(r)): the old scheduler's time with the same SNR. */
  t: number;
  /** s_r: the scale between the two paths. */
  scale: number;
  /** ṡ_r / s_r. */
  logScaleRate: number;
  /** ṫ_r = dt_r/dr. */
  timeRate: number;
}

/**
 * The time change and scale of {@linkcode transferField} at new time r.
 *
 * Where ρ̄(r) lies outside the old scheduler's SNR range (only possible when
 * the old range is finite: VE, the DDPM schedules whose ρ(0) = √(ᾱ_K/(1 − ᾱ_K))
 * > 0, Lipman), `t_r` sticks at the nearer end, `ṫ_r = 0` and the transferred
 * field only rescales x there: the old model never saw that SNR.
 */
export function transferCoefficients(r: number, schedulers: { from: Scheduler; to: Scheduler }): TransferCoefficients {
  const { from, to } = schedulers;
  const n = to.at(r);
  const rho = n.alpha / n.sigma;
  const t = from.snrInverse(rho);
  const o = from.at(t);
  const oRho = o.alpha / o.sigma;
  // Inside the range when the SNRs agree (to rounding); at a clamped end they differ.
  const inside = rho === oRho || Math.abs(rho - oRho) <= 1e-9 * Math.max(Math.abs(rho), Math.abs(oRho));
  const useSigma = n.sigma >= n.alpha;
  const scale = useSigma ? n.sigma / o.sigma : n.alpha / o.alpha;
  let timeRate = 0;
  if (inside) {
    const detNew = n.alpha * n.dSigma - n.sigma * n.dAlpha;
    const detOld = o.alpha * o.dSigma - o.sigma * o.dAlpha;
    timeRate = detNew / (scale * scale * detOld);
  }
  const logScaleRate = useSigma
    ? n.dSigma / n.sigma - (timeRate === 0 ? 0 : (timeRate * o.dSigma) / o.sigma)
    : n.dAlpha / n.alpha - (timeRate === 0 ? 0 : (timeRate * o.dAlpha) / o.alpha);
  return { t, scale, logScaleRate, timeRate };
}

/** Options of {@linkcode transferField}. */
export interface TransferFieldOptions {
  /** The scheduler the field was trained under. */
  from: Scheduler;
  /** The scheduler to sample under. */
  to: Scheduler;
  /** Distance kept from an end of [0, 1] where the transfer is singular (default 1e-3). */
  tEps?: number;
}

/**
 * Wraps a field trained under `from` as the velocity field of the path of
 * `to` (MATH.md §7): `ū_r(x) = (ṡ_r/s_r) x + s_r ṫ_r u_{t_r}(x / s_r)`.
 * A field that predicts something else than velocity is first converted under
 * `from` ({@linkcode asPrediction}).
 *
 * Ends: where a coefficient is not finite exactly at r = 0 or r = 1 (e.g.
 * ṫ_0 = ∞ when the old scheduler is `polynomial` with n > 1, whose ρ̇(0) = 0;
 * any end of `vp`, `linear_vp`, `ddpm_*` where σ̇ = −∞), r is clamped into
 * [tEps, 1 − tEps] at that end only.
 *
 * @example
 * ```ts
 * const underCosine = transferField(model, { from: createScheduler("condot"), to: createScheduler("cosine") });
 * ```
 */
export function transferField(field: Field, options: TransferFieldOptions): Field {
  const { from, to } = options;
  const tEps = options.tEps ?? DEFAULT_T_EPS;
  const velocity = asPrediction(field, from, "velocity", { tEps });
  const finite = (r: number) => {
    const c = transferCoefficients(r, { from, to });
    return Number.isFinite(c.scale) && c.scale > 0 && Number.isFinite(c.logScaleRate) && Number.isFinite(c.timeRate);
  };
  const clamp = singularEndClamp(finite, tEps);
  const dim = field.dim;
  let scaled = new Float64Array(0);
  const prepare = (x: Float64Array, n: number, r: number) => {
    const c = transferCoefficients(clampTime(r, clamp), { from, to });
    if (scaled.length < n * dim) scaled = new Float64Array(n * dim);
    const inv = 1 / c.scale;
    for (let i = 0; i < n * dim; i++) scaled[i] = x[i]! * inv;
    return c;
  };
  const wrapped: Field = {
    dim,
    prediction: "velocity",
    ...(field.classes !== undefined ? { classes: field.classes } : {}),
    evaluate(x, n, r, out, labels) {
      const c = prepare(x, n, r);
      const y = scaled.subarray(0, n * dim);
      velocity.evaluate(y, n, c.t, out, labels);
      const k = c.scale * c.timeRate;
      for (let i = 0; i < n * dim; i++) out[i] = c.logScaleRate * x[i]! + k * out[i]!;
    },
  };
  if (velocity.jvp) {
    const jvp = velocity.jvp.bind(velocity);
    // ∂ū/∂x · v = (ṡ/s) v + ṫ (∂u/∂x)(x/s) · v
    wrapped.jvp = (x, n, r, v, out, jv, labels) => {
      const c = prepare(x, n, r);
      const y = scaled.subarray(0, n * dim);
      jvp(y, n, c.t, v, out, jv, labels);
      const k = c.scale * c.timeRate;
      for (let i = 0; i < n * dim; i++) {
        out[i] = c.logScaleRate * x[i]! + k * out[i]!;
        jv[i] = c.logScaleRate * v[i]! + c.timeRate * jv[i]!;
      }
    };
  }
  return wrapped;
}
