/**
 * Conversions between what a network predicts (MATH.md §3): velocity, x1,
 * epsilon, score and v_diffusion, for any affine scheduler.
 *
 * On an affine path `x = α x1 + σ ε` every prediction is an affine function of
 * the posterior means (x̂1, ε̂) = (E[x1 | x_t = x], E[ε | x_t = x]):
 *
 *     velocity     v  = α̇ x̂1 + σ̇ ε̂
 *     x1              = x̂1
 *     epsilon      ε̂  = (x − α x̂1)/σ
 *     score        s  = −ε̂/σ
 *     v_diffusion  w  = α ε̂ − σ x̂1          (Salimans & Ho)
 *
 * and back (det = α σ̇ − σ α̇):
 *
 *     from v:  x̂1 = (σ̇ x − σ v)/det,            ε̂ = (α v − α̇ x)/det
 *     from ε:  x̂1 = (x − σ ε̂)/α
 *     from s:  ε̂ = −σ s,                        x̂1 = (x + σ² s)/α
 *     from w:  x̂1 = (α x − σ w)/(α² + σ²),     ε̂ = (σ x + α w)/(α² + σ²)
 *
 * So converting a prediction p at (x, t) is `q = A p + B x` with two scalars
 * (A, B) that depend only on the schedule value at t
 * ({@linkcode conversionCoefficients}). A is also the factor between the
 * errors of the two predictions of one model: `q̂ − q = A (p̂ − p)` at fixed x,
 * which is what the loss weights of MATH.md §4 are made of.
 *
 * ε here is the unit noise of the path; for a source N(0, s² I) (VE) it is
 * x0/s.
 *
 * @module
 */
import type { Field, Prediction, Scheduler, ScheduleValue } from "./types.ts";

/** Every prediction, in a fixed order. */
export const PREDICTIONS: readonly Prediction[] = Object.freeze(["velocity", "x1", "epsilon", "score", "v_diffusion"]);

/** Throws unless `p` is a known prediction. */
export function checkPrediction(p: string, what = "prediction"): Prediction {
  if (!(PREDICTIONS as readonly string[]).includes(p)) {
    throw new RangeError(
      `Unknown ${what} "${p}": expected one of ${PREDICTIONS.map((q) => `"${q}"`).join(", ")}`,
    );
  }
  return p as Prediction;
}

/** The scalars of `q = scale · p + shift · x` (see the module doc). */
export interface ConversionCoefficients {
  /** Factor on the input prediction. */
  scale: number;
  /** Factor on x. */
  shift: number;
}

/**
 * The coefficients (A, B) with `to = A · from + B · x` at one schedule value.
 * Non-finite where the conversion does not exist (α = 0 for x1 from epsilon,
 * σ = 0 for epsilon from x1, det = 0 from velocity, …); same prediction gives
 * exactly (1, 0).
 */
export function conversionCoefficients(from: Prediction, to: Prediction, s: ScheduleValue): ConversionCoefficients {
  if (from === to) return { scale: 1, shift: 0 };
  const { alpha, sigma, dAlpha, dSigma } = s;
  // x̂1 = a1 p + b1 x, ε̂ = a2 p + b2 x.
  let a1: number, b1: number, a2: number, b2: number;
  switch (from) {
    case "velocity": {
      const det = alpha * dSigma - sigma * dAlpha;
      a1 = -sigma / det;
      b1 = dSigma / det;
      a2 = alpha / det;
      b2 = -dAlpha / det;
      break;
    }
    case "x1":
      a1 = 1;
      b1 = 0;
      a2 = -alpha / sigma;
      b2 = 1 / sigma;
      break;
    case "epsilon":
      a1 = -sigma / alpha;
      b1 = 1 / alpha;
      a2 = 1;
      b2 = 0;
      break;
    case "score":
      a1 = (sigma * sigma) / alpha;
      b1 = 1 / alpha;
      a2 = -sigma;
      b2 = 0;
      break;
    case "v_diffusion": {
      const norm = alpha * alpha + sigma * sigma;
      a1 = -sigma / norm;
      b1 = alpha / norm;
      a2 = alpha / norm;
      b2 = sigma / norm;
      break;
    }
  }
  if (to === "x1") return { scale: a1, shift: b1 };
  if (to === "epsilon") return { scale: a2, shift: b2 };
  // to = c1 x̂1 + c2 ε̂ (no prediction needs an extra x term).
  const c1 = to === "velocity" ? dAlpha : to === "v_diffusion" ? -sigma : 0;
  const c2 = to === "velocity" ? dSigma : to === "v_diffusion" ? alpha : -1 / sigma;
  // Avoid 0 · ∞ = NaN where a coefficient is unused.
  const scale = (c1 === 0 ? 0 : c1 * a1) + (c2 === 0 ? 0 : c2 * a2);
  const shift = (c1 === 0 ? 0 : c1 * b1) + (c2 === 0 ? 0 : c2 * b2);
  return { scale, shift };
}

/** Options of {@linkcode convertPrediction}. */
export interface ConvertPredictionOptions {
  /** What `value` is. */
  from: Prediction;
  /** What to return. */
  to: Prediction;
  /** α, σ and derivatives at the time of `x`. */
  schedule: ScheduleValue;
  /** Where to write (may be `value` itself); a new array otherwise. */
  out?: Float64Array;
}

/**
 * Converts a prediction at points `x` (elementwise, any dimension):
 * `out = A · value + B · x` with (A, B) of {@linkcode conversionCoefficients}
 * (the formulas are in the module doc).
 *
 * Throws where the conversion does not exist at this schedule value (e.g. x1 →
 * epsilon at σ = 0); {@linkcode asPrediction} clamps t away from such ends.
 *
 * @example
 * ```ts
 * const s = createScheduler("condot").at(0.25);
 * // velocity v = x1 − x0 at x = 0.25 x1 + 0.75 x0
 * const x1 = convertPrediction(new Float64Array([2]), new Float64Array([0.5]), { from: "velocity", to: "x1", schedule: s });
 * ```
 */
export function convertPrediction(
  value: Float64Array,
  x: Float64Array,
  options: ConvertPredictionOptions,
): Float64Array {
  const { from, to, schedule } = options;
  if (value.length !== x.length) {
    throw new RangeError(
      `Cannot convert "${from}" to "${to}": ${value.length} values for ${x.length} coordinates of x`,
    );
  }
  const out = options.out ?? new Float64Array(value.length);
  if (out.length < value.length) {
    throw new RangeError(`Cannot convert "${from}" to "${to}": out has ${out.length} entries, need ${value.length}`);
  }
  const { scale, shift } = conversionCoefficients(from, to, schedule);
  if (!conversionFiniteAt(from, to, schedule)) {
    const { alpha, sigma } = schedule;
    throw new RangeError(
      `Cannot convert "${from}" to "${to}" at α "${alpha}", σ "${sigma}": the conversion is singular there; evaluate at an interior t (asPrediction clamps t)`,
    );
  }
  applyAffine(value, x, scale, shift, out, value.length);
  return out;
}

/** `out[i] = scale · value[i] + shift · x[i]` for i < len (in place when out = value). */
export function applyAffine(
  value: Float64Array,
  x: Float64Array,
  scale: number,
  shift: number,
  out: Float64Array,
  len: number,
): void {
  if (shift === 0) {
    if (scale === 1) {
      if (out !== value) out.set(value.subarray(0, len));
      return;
    }
    for (let i = 0; i < len; i++) out[i] = scale * value[i]!;
    return;
  }
  for (let i = 0; i < len; i++) out[i] = scale * value[i]! + shift * x[i]!;
}

/**
 * The times at which a time-dependent quantity is evaluated: t itself inside
 * [lo, hi], the nearer end outside. `lo = tEps` when the quantity is singular
 * (non-finite) at t = 0, else 0; likewise `hi = 1 − tEps` or 1.
 */
export interface TimeClamp {
  /** Smallest time used. */
  readonly lo: number;
  /** Largest time used. */
  readonly hi: number;
}

/**
 * Finds the clamp range of a quantity `finiteAt(t)` (true where it is
 * finite): each end of [0, 1] is moved inward by `tEps` only if the quantity
 * is singular exactly there.
 */
export function singularEndClamp(finiteAt: (t: number) => boolean, tEps: number): TimeClamp {
  if (!(tEps >= 0 && tEps < 0.5)) {
    throw new RangeError(`Cannot clamp time with tEps "${tEps}": expected 0 ≤ tEps < 0.5`);
  }
  return { lo: finiteAt(0) ? 0 : tEps, hi: finiteAt(1) ? 1 : 1 - tEps };
}

/**
 * Whether the conversion `from → to` exists at this schedule value: finite
 * coefficients and, when velocity is involved, finite α̇ and σ̇ (at an end
 * where σ̇ = −∞, as t = 1 of `vp`, the coefficients of velocity → epsilon
 * evaluate to 0 instead of their finite limit).
 */
export function conversionFiniteAt(from: Prediction, to: Prediction, s: ScheduleValue): boolean {
  if (from === to) return true;
  if ((from === "velocity" || to === "velocity") && !(Number.isFinite(s.dAlpha) && Number.isFinite(s.dSigma))) {
    return false;
  }
  const c = conversionCoefficients(from, to, s);
  return Number.isFinite(c.scale) && Number.isFinite(c.shift);
}

/** `min(max(t, lo), hi)`. */
export function clampTime(t: number, c: TimeClamp): number {
  return t < c.lo ? c.lo : t > c.hi ? c.hi : t;
}

/**
 * Default distance from a singular end of [0, 1] (see {@linkcode asPrediction}).
 *
 * Why 1e-3: near a singular end a conversion amplifies the error of the
 * wrapped prediction by about 1/tEps (e.g. x̂1 = (x − σ ε̂)/α with α ≈ t for
 * `condot`). Float32 network outputs carry relative rounding of ~6e-8, so
 * 1e-3 keeps the amplified rounding below 1e-4; it is also the resolution 1/K
 * of the standard 1000-step DDPM grid, finer than any sampler here resolves.
 */
export const DEFAULT_T_EPS = 1e-3;

/** Options of {@linkcode asPrediction}. */
export interface AsPredictionOptions {
  /** Distance kept from an end of [0, 1] where the conversion is singular (default {@linkcode DEFAULT_T_EPS}). */
  tEps?: number;
}

/**
 * Wraps a field so that it returns another prediction, converting with the
 * scheduler's schedule at each t: `g(x, t) = A(t) f(x, t) + B(t) x`.
 *
 * Ends of [0, 1]: where the conversion is singular exactly at an end (its
 * coefficients are infinite there: α_0 = 0 for anything built from ε̂ → x̂1,
 * σ_1 = 0 for x̂1 → ε̂ or the score, det = 0 or an infinite derivative for
 * velocity), t is clamped into [tEps, 1 − tEps] at that end only, and the
 * whole conversion (the wrapped field and the coefficients) is evaluated at
 * the clamped time: `g(x, t) = A(t_c) f(x, t_c) + B(t_c) x`. Ends where the
 * conversion is finite are not clamped (e.g. a DDPM grid's t = 0, where
 * α = √ᾱ_K > 0), so discrete samplers get exact values at every grid point.
 * Same prediction in and out returns the field itself.
 *
 * @example
 * ```ts
 * const eps = asPrediction(velocityModel, createScheduler("cosine"), "epsilon");
 * eps.evaluate(x, n, 0.3, out); // ε̂ = (α v − α̇ x)/det at t = 0.3
 * ```
 */
export function asPrediction(
  field: Field,
  scheduler: Scheduler,
  to: Prediction,
  options: AsPredictionOptions = {},
): Field {
  checkPrediction(to);
  const from = field.prediction;
  if (from === to) return field;
  const tEps = options.tEps ?? DEFAULT_T_EPS;
  const clamp = singularEndClamp((t) => conversionFiniteAt(from, to, scheduler.at(t)), tEps);
  const coefficientsAt = (t: number): ConversionCoefficients => {
    const s = scheduler.at(t);
    const c = conversionCoefficients(from, to, s);
    if (!conversionFiniteAt(from, to, s)) {
      throw new RangeError(
        `Cannot convert "${from}" to "${to}" under "${scheduler.name}" at t "${t}": the conversion is singular there; raise tEps "${tEps}"`,
      );
    }
    return c;
  };
  const wrapped: Field = {
    dim: field.dim,
    prediction: to,
    ...(field.classes !== undefined ? { classes: field.classes } : {}),
    evaluate(x, n, t, out, labels) {
      const tc = clampTime(t, clamp);
      const { scale, shift } = coefficientsAt(tc);
      field.evaluate(x, n, tc, out, labels);
      applyAffine(out, x, scale, shift, out, n * field.dim);
    },
  };
  if (field.jvp) {
    const jvp = field.jvp.bind(field);
    wrapped.jvp = (x, n, t, v, out, jv, labels) => {
      const tc = clampTime(t, clamp);
      const { scale, shift } = coefficientsAt(tc);
      jvp(x, n, tc, v, out, jv, labels);
      applyAffine(out, x, scale, shift, out, n * field.dim);
      applyAffine(jv, v, scale, shift, jv, n * field.dim);
    };
  }
  return wrapped;
}
