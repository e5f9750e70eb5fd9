/**
 * One field evaluation, several predictions: the affine conversion
 * coefficients a sampler needs at each t (MATH.md §3), with the ends of
 * [0, 1] clamped only where a conversion is singular (as `asPrediction`).
 *
 * @module
 */
import {
  clampTime,
  type ConversionCoefficients,
  conversionCoefficients,
  conversionFiniteAt,
  DEFAULT_T_EPS,
  type Field,
  type Prediction,
  type Scheduler,
  singularEndClamp,
  type TimeClamp,
} from "../paths/mod.ts";

/** Coefficients of each target prediction `q_j = scale_j · p + shift_j · x` at one (clamped) time. */
export interface ConversionAt {
  /** The time at which the field is evaluated (t clamped away from a singular end). */
  t: number;
  /** One pair per target, in the order given. */
  coefficients: ConversionCoefficients[];
}

/**
 * Converts the field's prediction to each of `targets` under `scheduler`.
 * `at(t)` clamps t into [tEps, 1 − tEps] at an end of [0, 1] only if one of
 * the conversions is singular exactly there.
 */
export class Converter {
  readonly #field: Field;
  readonly #scheduler: Scheduler;
  readonly #targets: readonly Prediction[];
  readonly #clamp: TimeClamp;
  readonly #tEps: number;

  /** A converter of `field`'s prediction into `targets`. */
  constructor(field: Field, scheduler: Scheduler, targets: readonly Prediction[], tEps = DEFAULT_T_EPS) {
    this.#field = field;
    this.#scheduler = scheduler;
    this.#targets = targets;
    this.#tEps = tEps;
    this.#clamp = singularEndClamp((t) => this.#finite(t), tEps);
  }

  /** The evaluation time and coefficients at t; throws where a conversion is singular inside (0, 1). */
  at(t: number): ConversionAt {
    const tc = clampTime(t, this.#clamp);
    const s = this.#scheduler.at(tc);
    const from = this.#field.prediction;
    const coefficients = this.#targets.map((to) => {
      if (!conversionFiniteAt(from, to, s)) {
        throw new RangeError(
          `Cannot convert "${from}" to "${to}" under "${this.#scheduler.name}" at t "${tc}": the conversion is singular there; raise tEps "${this.#tEps}" or sample on other times`,
        );
      }
      return conversionCoefficients(from, to, s);
    });
    return { t: tc, coefficients };
  }

  #finite(t: number): boolean {
    const s = this.#scheduler.at(t);
    return this.#targets.every((to) => conversionFiniteAt(this.#field.prediction, to, s));
  }
}
